#include "registercommand.h"

#include "passphrase.h"
#include "session.h"

#include <QFile>
#include <QSysInfo>

using namespace Qt::StringLiterals;

namespace parley::cli {

class RegisterCommand::Private {
public:
    explicit Private(Session &s) : session(s) {}

    Session &session;
    QString deviceName;
};

RegisterCommand::RegisterCommand(Session &session) : d(std::make_unique<Private>(session)) {}

RegisterCommand::~RegisterCommand() = default;

std::optional<int> RegisterCommand::start(const QStringList &args)
{
    const QCommandLineParser &parser = d->session.parser();
    const auto usage = [this](const QString &message) {
        d->session.fail(message, ExitUsage);
        return std::nullopt;
    };
    if (args.size() != 3)
        return usage(u"usage: parley register wss://HOST:PORT USER CODE (--fingerprint HEX | --ca FILE) "
                     u"[--device-name NAME]"_s);
    const QUrl url(args.at(0), QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"wss"_s || url.host().isEmpty())
        return usage(u"the server must be a wss://HOST:PORT URL (got \"%1\")"_s.arg(args.at(0)));
    const QString user = args.at(1);
    if (!protocol::isValidUserName(user))
        return usage(u"invalid user name \"%1\": 1 to 64 characters of a-z, 0-9, '.', '_', '-', starting with a "
                     u"letter or digit"_s.arg(user));
    if (parser.isSet(u"fingerprint"_s) == parser.isSet(u"ca"_s))
        return usage(u"register needs exactly one of --fingerprint HEX and --ca FILE"_s);
    d->deviceName = parser.isSet(u"device-name"_s) ? parser.value(u"device-name"_s) : QSysInfo::machineHostName();
    while (d->deviceName.toUtf8().size() > 64)
        d->deviceName.chop(1);
    if (std::optional<QByteArray> recoveryPassphrase = prepareProfile(url))
        enroll(user, args.at(2), std::move(*recoveryPassphrase));
    return std::nullopt;
}

std::optional<QByteArray> RegisterCommand::prepareProfile(const QUrl &server)
{
    Session &s = d->session;
    const QCommandLineParser &parser = s.parser();
    const auto refuse = [&s](const QString &message, int code = ExitFailure) {
        s.fail(message, code);
        return std::nullopt;
    };
    const bool hasCa = parser.isSet(u"ca"_s);
    QString fingerprint;
    QByteArray caPem;
    if (!hasCa) {
        Result<QString> fp = sdk::Profile::normaliseFingerprint(parser.value(u"fingerprint"_s));
        if (!fp)
            return refuse(fp.error().message, ExitUsage);
        fingerprint = fp.value();
    } else {
        QFile ca(parser.value(u"ca"_s));
        if (!ca.open(QIODevice::ReadOnly))
            return refuse(u"cannot read the CA file %1: %2"_s.arg(ca.fileName(), ca.errorString()));
        caPem = ca.read(4 * 1024 * 1024);
    }
    const bool creating = !sdk::Profile::exists(s.profileDir());
    Result<QByteArray> pass = s.passphrase(creating);
    if (!pass)
        return refuse(pass.error().message);
    QByteArray recoveryPass = pass.value();
    if (parser.isSet(u"recovery-passphrase-file"_s)) {
        Result<QByteArray> r = Passphrase::fromFile(parser.value(u"recovery-passphrase-file"_s));
        if (!r)
            return refuse(r.error().message);
        recoveryPass = r.value();
    }
    Result<std::unique_ptr<sdk::Profile>> opened = creating ? sdk::Profile::create(s.profileDir(), pass.value())
                                                            : sdk::Profile::open(s.profileDir(), pass.value());
    crypto::cleanse(pass.value());
    const auto refuseAndCleanse = [&refuse, &recoveryPass](const QString &message) {
        crypto::cleanse(recoveryPass);
        return refuse(message);
    };
    if (!opened)
        return refuseAndCleanse(opened.error().message);
    s.adoptProfile(std::move(opened.value()), creating);
    sdk::Profile &profile = s.profile();
    if (profile.settings().isEnrolled())
        return refuseAndCleanse(u"profile %1 is already registered as %2#%3"_s
                                    .arg(s.profileDir(), profile.settings().user).arg(profile.settings().device));
    sdk::ProfileSettings settings = profile.settings();
    settings.server = server;
    settings.fingerprint = fingerprint;
    settings.caTrust = hasCa;
    settings.deviceName = d->deviceName;
    if (hasCa) {
        if (Status st = profile.setCaCertificates(caPem); !st)
            return refuseAndCleanse(st.error().message);
    }
    if (Status st = profile.setSettings(settings); !st)
        return refuseAndCleanse(st.error().message);
    return recoveryPass;
}

void RegisterCommand::enroll(const QString &user, const QString &code, QByteArray recoveryPassphrase)
{
    Session &s = d->session;
    sdk::Client &client = s.makeClient();
    client.setReceiveEnabled(false);
    auto registered = std::make_shared<bool>(false);
    QObject::connect(&client, &sdk::Client::enrolled, &s,
                     [&s, registered](const QString &name, quint32 device, bool newUser) {
                         *registered = true;
                         s.markRegistered();
                         writeLine(stdout, u"registered %1#%2 (%3)"_s.arg(name).arg(device)
                                               .arg(newUser ? u"new user"_s : u"new device"_s));
                     });
    QObject::connect(&client, &sdk::Client::prekeysReady, &s, [&s, registered](int) {
        if (*registered)
            s.finish(ExitOk);
    });
    client.enroll(user, code, d->deviceName, recoveryPassphrase);
    crypto::cleanse(recoveryPassphrase);
}

} // namespace parley::cli
