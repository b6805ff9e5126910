#include "invocation.h"

#include "protocol/adminprotocol.h"
#include "sdk/secretprompt.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslKey>

using namespace Qt::StringLiterals;

namespace parley::ctl {

Invocation::Invocation() = default;
Invocation::~Invocation() = default;

int Invocation::timeoutMs() const
{
    return std::max(1, parser.value(options.timeout).toInt()) * 1000;
}

// The client certificate and key: from the command line, else the ones remembered at login.
QString Invocation::clientCertFile() const
{
    return parser.isSet(options.clientCert) ? parser.value(options.clientCert) : session.clientCert;
}

QString Invocation::clientKeyFile() const
{
    return parser.isSet(options.clientCert) ? parser.value(options.clientKey) : session.clientKey;
}

void Invocation::finish(int code)
{
    if (m_finished)
        return;
    m_finished = true;
    m_client.disconnectFromServer();
    QCoreApplication::exit(code);
}

void Invocation::connect(const QString &server, const QString &fingerprint, std::function<void()> then)
{
    if (parser.isSet(options.clientKey) && !parser.isSet(options.clientCert)) {
        fail(ExitUsage, u"--client-key goes with --client-cert"_s);
        return;
    }
    if (!clientCertFile().isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(clientCertFile());
        QFile keyFile(clientKeyFile());
        if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly)) {
            fail(ExitUsage, u"--client-cert and --client-key must name readable PEM files"_s);
            return;
        }
        const QByteArray pem = keyFile.readAll();
        QSslKey key(pem, QSsl::Ec, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(pem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull()) {
            fail(ExitUsage, u"--client-key holds no usable private key"_s);
            return;
        }
        m_client.setClientCertificate(certs.first(), key);
    }
    const TlsPin pin = TlsPin::fromString(fingerprint);
    if (pin.isNull()) {
        fail(ExitAuth, u"the pinned fingerprint %1 is not a SHA-256 fingerprint (64 hex digits)"_s.arg(fingerprint));
        return;
    }
    m_client.setPin(pin);
    m_client.setConnectTimeout(timeoutMs());
    m_client.setCallTimeout(timeoutMs());
    QObject::connect(&m_client, &AdminApiClient::connected, &m_context, std::move(then), Qt::SingleShotConnection);
    QObject::connect(&m_client, &AdminApiClient::connectionFailed, &m_context, [this](const AdminFailure &failure) {
        fail(failure.error == AdminError::Certificate ? ExitAuth : ExitOther, failure.message);
    });
    m_client.connectToServer(server);
}

void Invocation::call(const QString &name, const QCborMap &args, std::function<void(const AdminReply &)> done)
{
    m_client.call(name, args, &m_context, std::move(done));
}

bool Invocation::run(const QString &call, const QCborMap &args, Print print, ExitRule exitRule)
{
    if (const QString bad = validate(call, args); !bad.isEmpty())
        return fail(ExitUsage, bad);
    auto loaded = loadSession(parser.value(options.server));
    if (!loaded)
        return fail(ExitAuth, u"not logged in: parleyctl --server HOST:PORT --fingerprint HEX login NAME"_s);
    session = *loaded;
    connect(session.server, session.fingerprint, [this, call, args, print = std::move(print), exitRule = std::move(exitRule)] {
        m_client.setToken(session.token);
        this->call(call, args, [this, print, exitRule](const AdminReply &reply) { finishWith(reply, print, exitRule); });
    });
    return true;
}

QString Invocation::validate(const QString &call, const QCborMap &args)
{
    const auto *spec = protocol::admin::findCall(call);
    if (!spec)
        return u"unknown call %1"_s.arg(call);
    return protocol::admin::validateArgs(*spec, args);
}

void Invocation::finishWith(const AdminReply &reply, const Print &print, const ExitRule &exitRule)
{
    const bool json = parser.isSet(options.json);
    if (!reply.ok()) {
        const AdminFailure &f = reply.failure();
        // Failures on this side of the wire are all "network" to scripts, as they always were.
        const QString code = f.isLocal() ? u"network"_s : f.code;
        if (json)
            printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{u"error"_s, code}, {u"message"_s, f.message}}).toJson(QJsonDocument::Compact)));
        fail(f.isLocal() ? ExitOther : exitCodeFor(f.code), f.isLocal() ? f.message : u"%1: %2"_s.arg(f.code, f.message));
        return;
    }
    if (json)
        printOut(QString::fromUtf8(QJsonDocument(reply.result().toJsonObject()).toJson(QJsonDocument::Compact)));
    else if (print)
        print(reply.result());
    else
        printOut(human(reply.result()));
    finish(exitRule ? exitRule(reply.result()) : ExitOk);   // print may have finished already, with a failure
}

std::optional<qint64> Invocation::number(const QString &text)
{
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (!ok || n < 0)
        return std::nullopt;
    return n;
}

std::optional<QString> Invocation::password(const QCommandLineOption &fileOption, const char *env, const QString &prompt) const
{
    if (parser.isSet(fileOption))
        return readLine(parser.value(fileOption));
    const QString fromEnv = qEnvironmentVariable(env);
    if (!fromEnv.isEmpty())
        return fromEnv;
    auto typed = SecretPrompt::ask(prompt, SecretPrompt::Terminal::StandardInput);
    if (!typed)
        return std::nullopt;
    return QString::fromUtf8(*typed);
}

std::optional<QString> Invocation::newPassword() const
{
    if (parser.isSet(options.newPasswordFile))
        return readLine(parser.value(options.newPasswordFile));
    const QString fromEnv = qEnvironmentVariable("PARLEYCTL_NEW_PASSWORD");
    if (!fromEnv.isEmpty())
        return fromEnv;
    auto first = SecretPrompt::ask(u"New password: "_s, SecretPrompt::Terminal::StandardInput);
    if (!first)
        return std::nullopt;
    auto second = SecretPrompt::ask(u"Repeat: "_s, SecretPrompt::Terminal::StandardInput);
    if (!second || *first != *second)
        return std::nullopt;
    return QString::fromUtf8(*first);
}

int Invocation::writeOutput(const QString &text)
{
    const QString path = outFile.isEmpty() ? parser.value(options.out) : outFile;
    if (path.isEmpty()) {
        printOut(text);
        return ExitOk;
    }
    QSaveFile f(path);
    const QByteArray data = text.toUtf8();
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit())
        return printError(ExitOther, u"cannot write %1"_s.arg(path));
    return ExitOk;
}

Invocation::Print Invocation::printKey(const QString &key)
{
    return [this, key](const QCborMap &r) {
        if (const int code = writeOutput(r.value(key).toString()); code != ExitOk)
            finish(code);
    };
}

} // namespace parley::ctl
