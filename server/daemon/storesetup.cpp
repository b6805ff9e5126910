#include "daemon/storesetup.h"

#include "core/settingsvalue.h"
#include "crypto/securebuffer.h"
#include "daemon/config.h"

#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr qint64 MaxPasswordBytes = 1024;

// The password on the first line of `path` (a trailing CR is dropped).
Result<QString> readPasswordFile(const QString &path)
{
    const QString key = u"store/password_file"_s;
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISREG(st.st_mode))
        return settings::keyError(key, u"%1 is not a regular file"_s.arg(path));
    if (st.st_mode & S_IROTH)
        return settings::keyError(key, u"%1 is readable by every user; make it readable by parleyd only (chmod o-r)"_s.arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return settings::keyError(key, u"cannot read %1: %2"_s.arg(path, file.errorString()));
    QByteArray text = file.read(MaxPasswordBytes + 2);
    qsizetype end = text.indexOf('\n');
    if (end < 0)
        end = text.size();
    if (end > 0 && text.at(end - 1) == '\r')
        --end;
    const QString password = QString::fromUtf8(text.first(end));
    crypto::cleanse(text);
    if (password.isEmpty() || end > MaxPasswordBytes)
        return settings::keyError(key, u"expected the password on the first line of %1 (1 to %2 bytes)"_s.arg(path).arg(MaxPasswordBytes));
    return password;
}

} // namespace

Result<StoreOptions> StoreSetup::options(const Config &config, StoreMetrics *metrics)
{
    StoreOptions options;
    options.driver = config.store.driver;
    options.path = config.databaseFile();
    options.maxQueued = config.limits.writeQueue;
    options.commitDelayUs = config.limits.commitDelayUs;
    options.metrics = metrics;
    if (options.driver != StoreDriver::PostgreSql)
        return options;
    options.postgres = config.store.postgres;
    if (!config.store.passwordFile.isEmpty()) {
        const Result<QString> password = readPasswordFile(config.store.passwordFile);
        if (!password)
            return password.error();
        options.postgres.password = *password;
    }
    const QString &ca = options.postgres.caFile;
    if (!ca.isEmpty() && !QFileInfo(ca).isReadable())
        return settings::keyError(u"store/ca_file"_s, u"cannot read %1"_s.arg(ca));
    return options;
}

} // namespace parley::server
