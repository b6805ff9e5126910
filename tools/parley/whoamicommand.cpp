#include "whoamicommand.h"

#include "session.h"

#include <QDir>

using namespace Qt::StringLiterals;

namespace parley::cli {

class WhoamiCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
};

WhoamiCommand::WhoamiCommand(Session &session) : d(std::make_unique<Private>(session)) {}

WhoamiCommand::~WhoamiCommand() = default;

std::optional<int> WhoamiCommand::start(const QStringList &args)
{
    if (!args.isEmpty()) {
        writeLine(stderr, u"parley: error: usage: parley whoami"_s);
        return ExitUsage;
    }
    const QString profileDir = d->session.profileDir();
    Result<sdk::ProfileSettings> settings = sdk::Profile::readSettings(profileDir);
    if (!settings) {
        writeLine(stderr, u"parley: error: "_s + oneLine(settings.error().message));
        return ExitFailure;
    }
    const sdk::ProfileSettings &s = settings.value();
    if (!s.isEnrolled()) {
        writeLine(stderr, u"parley: error: profile %1 is not registered"_s.arg(profileDir));
        return ExitFailure;
    }
    writeLine(stdout, u"user: "_s + s.user);
    writeLine(stdout, u"device: "_s + QString::number(s.device));
    if (!s.deviceName.isEmpty())
        writeLine(stdout, u"device-name: "_s + s.deviceName);
    writeLine(stdout, u"server: "_s + s.server.toString());
    if (!s.fingerprint.isEmpty())
        writeLine(stdout, u"fingerprint: "_s + sdk::Profile::formatFingerprint(s.fingerprint));
    if (s.caTrust)
        writeLine(stdout, u"ca: "_s + QDir(profileDir).filePath(u"ca.pem"_s));
    writeLine(stdout, u"root-key: "_s
                          + sdk::Profile::formatFingerprint(QString::fromLatin1(crypto::sha256(s.rootPub).toHex())));
    return ExitOk;
}

} // namespace parley::cli
