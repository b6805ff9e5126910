#include "passphrase.h"

#include "crypto/securebuffer.h"
#include "sdk/secretprompt.h"

#include <cstdlib>

using namespace Qt::StringLiterals;

namespace parley::cli {

Result<QByteArray> Passphrase::fromFile(const QString &file)
{
    Result<QByteArray> line = SecretPrompt::firstLine(file);
    if (!line)
        return makeError(line.error().code, u"the passphrase file: %1"_s.arg(line.error().message));
    return line;
}

Result<QByteArray> Passphrase::obtain(const QString &file, const QString &promptText, bool confirm)
{
    if (!file.isEmpty())
        return fromFile(file);
    if (const char *env = std::getenv("PARLEY_PASSPHRASE"); env && *env)
        return QByteArray(env);
    Result<QByteArray> first = prompt(promptText);
    if (!first || !confirm)
        return first;
    Result<QByteArray> second = prompt(u"Repeat the passphrase: "_s);
    if (!second)
        return second;
    const bool same = first.value() == second.value();
    crypto::cleanse(second.value());
    if (!same) {
        crypto::cleanse(first.value());
        return makeError(ErrorCode::InvalidArgument, u"the passphrases do not match"_s);
    }
    return first;
}

Result<QByteArray> Passphrase::prompt(const QString &text)
{
    Result<QByteArray> line = SecretPrompt::ask(text, SecretPrompt::Terminal::Controlling);
    if (line)
        return line;
    if (line.error().code == ErrorCode::InvalidArgument)
        return makeError(ErrorCode::InvalidArgument, u"an empty passphrase is not allowed"_s);
    if (line.error().code == ErrorCode::Unavailable)
        return makeError(ErrorCode::InvalidArgument,
                         u"no passphrase given and no terminal to ask on: use --passphrase-file FILE or set "
                         u"PARLEY_PASSPHRASE"_s);
    return line;
}

} // namespace parley::cli
