#include "admin/ssocalls.h"

#include "admin/adminlog.h"
#include "crypto/securebuffer.h"
#include "push/pushconfig.h"
#include "sso/oidcclient.h"
#include "sso/ssoserver.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslCertificate>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace proto = protocol::admin;

namespace {

const QString SettingKey = u"sso"_s;
const QString SecretPrefix = u"client-secret-"_s;
const QString CaPrefix = u"ca-"_s;
constexpr qsizetype MaxSecretBytes = 1024;
constexpr int MaxCodeValidSeconds = 86400;

Error invalid(const QString &argument, const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, u"%1: %2"_s.arg(argument, what));
}

// A client secret as the provider issued it: one line of visible characters.
bool isSecret(const QString &secret)
{
    const qsizetype bytes = secret.toUtf8().size();
    if (bytes < 1 || bytes > MaxSecretBytes)
        return false;
    return std::none_of(secret.cbegin(), secret.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
}

// The first line of a client secret file (as SsoServer reads it).
Result<QByteArray> secretOf(const QString &file)
{
    auto bytes = PushConfig::readPrivateFile(file);
    if (!bytes)
        return bytes.error();
    QByteArray line = bytes->left(bytes->indexOf('\n') < 0 ? bytes->size() : bytes->indexOf('\n'));
    crypto::cleanse(*bytes);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

// sso.set's settings but the client secret and the CA, read with SsoConfig's own rules ([sso]'s) and the narrower
// ranges of the admin API; the error names the argument. Absent ones get their defaults.
Result<SsoConfig> readArguments(const QCborMap &a)
{
    SsoConfig c;
    for (const char *key : {"issuer", "client_id", "listen", "public_url"}) {
        const QLatin1StringView name(key);
        if (!a.contains(name))
            continue;
        if (Status s = SsoConfig::parseValue(name, a.value(name).toString(), c); !s)
            return invalid(name, s.error().message);
    }
    if (a.contains("username_claim"_L1)) {
        const QString claim = a.value("username_claim"_L1).toString();
        if (claim != u"preferred_username"_s && claim != u"email"_s)
            return invalid(u"username_claim"_s, u"expected preferred_username or email"_s);
        c.usernameClaim = claim;
    }
    c.createUsers = a.value("create_users"_L1).toBool(false);
    if (a.contains("code_valid_seconds"_L1)) {
        const qint64 seconds = a.value("code_valid_seconds"_L1).toInteger();
        if (seconds < 60 || seconds > MaxCodeValidSeconds)
            return invalid(u"code_valid_seconds"_s, u"expected 60 to %1"_s.arg(MaxCodeValidSeconds));
        c.codeValidSeconds = int(seconds);
    }
    return c;
}

// The provider's CA as given: PEM certificates, no private key.
Status checkCa(const QString &pem)
{
    if (pem.contains(u"PRIVATE KEY"_s))
        return invalid(u"ca_certificate"_s, u"holds a private key; give the CA certificate only"_s);
    if (QSslCertificate::fromData(pem.toUtf8(), QSsl::Pem).isEmpty())
        return invalid(u"ca_certificate"_s, u"expected the PEM certificate of the CA that issued the provider's certificate"_s);
    return {};
}

} // namespace

SsoCalls::SsoCalls(AdminContext &ctx) : m_ctx(ctx) {}

const QList<AdminCall<SsoCalls>> &SsoCalls::calls()
{
    static const QList<AdminCall<SsoCalls>> calls = {
        {"sso.show"_L1, &SsoCalls::handleShow},
        {"sso.set"_L1, &SsoCalls::handleSet},
        {"sso.clear"_L1, &SsoCalls::handleClear},
        {"sso.test"_L1, &SsoCalls::handleTest},
    };
    return calls;
}

QString SsoCalls::directory() const
{
    return QDir(m_ctx.config().dataDir).filePath(u"sso"_s);
}

Result<QString> SsoCalls::writeFile(const QString &prefix, const QByteArray &data, qint64 nowMs) const
{
    const QFileDevice::Permissions owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!QDir().mkpath(directory()) || !QFile::setPermissions(directory(), owner | QFileDevice::ExeOwner))
        return makeError(ErrorCode::Io, u"cannot create %1"_s.arg(directory()));
    const QString path = QDir(directory()).filePath(prefix + QString::number(nowMs));
    if (Status s = AdminContext::writePrivateFile(path, data, owner); !s)
        return s.error();
    return path;
}

void SsoCalls::removeOtherFiles(const QStringList &keep) const
{
    const QDir dir(directory());
    for (const QString &name : dir.entryList({SecretPrefix + u"*"_s, CaPrefix + u"*"_s}, QDir::Files | QDir::Hidden)) {
        if (!keep.contains(dir.filePath(name)))
            QFile::remove(dir.filePath(name));
    }
}

QString SsoCalls::encode(const std::optional<Managed> &managed)
{
    if (!managed)
        return {};
    const SsoConfig &c = managed->config;
    const QJsonObject o{
        {u"issuer"_s, c.issuer},
        {u"client_id"_s, c.clientId},
        {u"listen"_s, c.listenText()},
        {u"public_url"_s, c.publicUrl.toString()},
        {u"username_claim"_s, c.usernameClaim},
        {u"create_users"_s, c.createUsers},
        {u"code_valid_seconds"_s, c.codeValidSeconds},
        {u"client_secret_file"_s, QFileInfo(c.clientSecretFile).fileName()},
        {u"ca_file"_s, c.caFile.isEmpty() ? QString() : QFileInfo(c.caFile).fileName()},
        {u"updated_at"_s, managed->updatedAt},
    };
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

// The stored setting read back through the same rules as sso.set's arguments; its files are names in directory().
Result<std::optional<SsoCalls::Managed>> SsoCalls::decode(const QString &stored) const
{
    if (stored.isEmpty())
        return std::optional<Managed>();
    const QJsonObject o = QJsonDocument::fromJson(stored.toUtf8()).object();
    Managed m;
    for (const char *key : {"issuer", "client_id", "listen", "username_claim"}) {
        if (Status s = SsoConfig::parseValue(QLatin1StringView(key), o.value(QLatin1StringView(key)).toString(), m.config); !s)
            return makeError(ErrorCode::Internal, u"the stored %1: %2"_s.arg(QLatin1StringView(key), s.error().message));
    }
    if (const QString url = o.value("public_url"_L1).toString(); !url.isEmpty()) {
        if (Status s = SsoConfig::parseValue(u"public_url"_s, url, m.config); !s)
            return makeError(ErrorCode::Internal, u"the stored public_url: %1"_s.arg(s.error().message));
    }
    m.config.createUsers = o.value("create_users"_L1).toBool();
    m.config.codeValidSeconds = o.value("code_valid_seconds"_L1).toInt(m.config.codeValidSeconds);
    const auto file = [this](const QString &name) {
        return name.isEmpty() || name.contains(u'/') ? QString() : QDir(directory()).filePath(name);
    };
    m.config.clientSecretFile = file(o.value("client_secret_file"_L1).toString());
    m.config.caFile = file(o.value("ca_file"_L1).toString());
    m.updatedAt = o.value("updated_at"_L1).toInteger();
    if (m.config.clientSecretFile.isEmpty())
        return makeError(ErrorCode::Internal, u"the stored setting names no client secret file"_s);
    return std::optional<Managed>(m);
}

Status SsoCalls::load(AdminStore &admin)
{
    auto value = admin.setting(SettingKey);
    if (!value)
        return value.error();
    auto managed = decode(value->value_or(QString()));
    if (!managed) {
        m_applyError = managed.error().message;
        qCWarning(lcAdmin).noquote() << "The single sign-on settings set through the admin API are not readable; set "
                                        "them again (sso.set):" << managed.error().message;
        return {};
    }
    m_managed = *managed;
    if (!m_managed)
        return {};
    if (Status s = m_ctx.host()->applySso(m_managed->config); !s) {
        m_applyError = s.error().message;
        qCWarning(lcAdmin).noquote() << "The single sign-on settings set through the admin API cannot be applied:"
                                     << s.error().message;
    }
    return {};
}

SsoConfig SsoCalls::effective() const
{
    return m_managed ? m_managed->config : m_ctx.config().sso;
}

QCborMap SsoCalls::showMap() const
{
    const SsoServer *server = m_ctx.host()->sso();
    const SsoConfig c = effective();
    const bool configured = c.enabled();
    const bool running = server && server->isListening();
    QCborMap m;
    m.insert("configured"_L1, configured);
    m.insert("source"_L1, m_managed ? u"admin"_s : m_ctx.config().sso.enabled() ? u"config"_s : QString());
    m.insert("listen"_L1, configured ? c.listenText(running ? server->port() : 0) : QString());
    m.insert("public_url"_L1, c.publicUrl.toString());
    m.insert("redirect_uri"_L1, configured ? (running ? server->redirectUri() : c.redirectUri(c.listenPort)).toString() : QString());
    m.insert("issuer"_L1, c.issuer);
    m.insert("client_id"_L1, c.clientId);
    m.insert("secret_set"_L1, configured && !c.clientSecretFile.isEmpty());
    m.insert("username_claim"_L1, configured ? c.usernameClaim : QString());
    m.insert("create_users"_L1, c.createUsers);
    m.insert("code_valid_seconds"_L1, configured ? c.codeValidSeconds : 0);
    if (!c.caFile.isEmpty()) {
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(c.caFile, QSsl::Pem);
        if (!ca.isEmpty()) {
            m.insert("ca_subject"_L1, ca.first().subjectDisplayName());
            m.insert("ca_fingerprint"_L1, QString::fromLatin1(ca.first().digest(QCryptographicHash::Sha256).toHex()));
            m.insert("ca_expires_at"_L1, ca.first().expiryDate().toMSecsSinceEpoch());
        }
    }
    m.insert("running"_L1, running);
    m.insert("updated_at"_L1, m_managed ? m_managed->updatedAt : qint64(0));
    const QString error = running ? server->lastError() : QString();
    m.insert("last_error"_L1, !error.isEmpty() || running ? error : m_applyError);
    return m;
}

void SsoCalls::handleShow(const AdminRequestPtr &r)
{
    m_ctx.reply(r, showMap());
}

// Every setting from the arguments (defaults for those absent), but the client secret and the CA, which are kept
// when absent: they are not shown back, so a client cannot send them again. An empty ca_certificate removes the CA.
void SsoCalls::handleSet(const AdminRequestPtr &r)
{
    const QCborMap &a = r->args;
    auto parsed = readArguments(a);
    if (!parsed)
        return m_ctx.reply(r, parsed.error());
    Managed next{*parsed, AdminContext::now()};
    const SsoConfig current = effective();

    QByteArray secret;
    if (a.contains("client_secret"_L1)) {
        const QString given = a.value("client_secret"_L1).toString();
        if (!isSecret(given))
            return m_ctx.reply(r, invalid(u"client_secret"_s, u"one line of 1 to %1 bytes"_s.arg(MaxSecretBytes)));
        secret = given.toUtf8();
    } else if (current.enabled() && !current.clientSecretFile.isEmpty()) {
        auto kept = secretOf(current.clientSecretFile);
        if (!kept || kept->isEmpty())
            return m_ctx.reply(r, invalid(u"client_secret"_s, u"required: the one set cannot be read (%1)"_s
                                                                 .arg(kept ? u"it is empty"_s : kept.error().message)));
        secret = *kept;
    } else {
        return m_ctx.reply(r, invalid(u"client_secret"_s, u"required: no client secret is set"_s));
    }

    QByteArray ca;
    if (a.contains("ca_certificate"_L1)) {
        const QString pem = a.value("ca_certificate"_L1).toString();
        if (!pem.isEmpty()) {
            if (Status s = checkCa(pem); !s) {
                crypto::cleanse(secret);
                return m_ctx.reply(r, s.error());
            }
            ca = pem.toUtf8();
        }
    } else if (current.enabled() && !current.caFile.isEmpty()) {
        QFile file(current.caFile);
        if (file.open(QIODevice::ReadOnly))
            ca = file.readAll();
    }

    auto secretFile = writeFile(SecretPrefix, secret, next.updatedAt);
    crypto::cleanse(secret);
    if (!secretFile)
        return m_ctx.reply(r, secretFile.error());
    next.config.clientSecretFile = *secretFile;
    if (!ca.isEmpty()) {
        auto caFile = writeFile(CaPrefix, ca, next.updatedAt);
        if (!caFile) {
            QFile::remove(*secretFile);
            return m_ctx.reply(r, caFile.error());
        }
        next.config.caFile = *caFile;
    }
    change(r, next);
}

void SsoCalls::handleClear(const AdminRequestPtr &r)
{
    change(r, std::nullopt);
}

void SsoCalls::change(const AdminRequestPtr &r, const std::optional<Managed> &next)
{
    const auto dropNewFiles = [next] {
        if (next) {
            QFile::remove(next->config.clientSecretFile);
            if (!next->config.caFile.isEmpty())
                QFile::remove(next->config.caFile);
        }
    };
    const SsoConfig before = effective();
    const SsoConfig after = next ? next->config : m_ctx.config().sso;
    if (Status s = m_ctx.host()->applySso(after); !s) {
        dropNewFiles();
        // A listener that cannot be bound is the listen address's fault; a file that cannot be used is the setting's.
        const QString what = s.error().code == ErrorCode::Network ? u"listen"_s
                                                                   : next ? u"sso.set"_s : u"[sso] of the configuration file"_s;
        return m_ctx.reply(r, makeError(s.error().code == ErrorCode::Internal ? ErrorCode::Internal
                                                                                : next ? ErrorCode::InvalidArgument
                                                                                       : ErrorCode::Unavailable,
                                        u"%1: %2"_s.arg(what, s.error().message)));
    }
    const QString value = encode(next);
    m_ctx.store()->write<bool>(m_ctx.owner(), [value](Db &db) -> Result<bool> {
        if (Status s = AdminStore(db).setSetting(SettingKey, value, AdminContext::now()); !s)
            return s.error();
        return true;
    }, [this, r, next, before, dropNewFiles](Result<bool> stored) {
        if (!stored) {
            if (Status s = m_ctx.host()->applySso(before); !s)
                qCWarning(lcAdmin).noquote() << "Restoring single sign-on failed:" << s.error().message;
            dropNewFiles();
            return m_ctx.reply(r, stored.error());
        }
        m_managed = next;
        m_applyError.clear();
        removeOtherFiles(next ? QStringList{next->config.clientSecretFile, next->config.caFile} : QStringList());
        qCInfo(lcAdmin).noquote() << (next ? "Single sign-on set through the admin API"
                                           : "Single sign-on settings of the admin API cleared; [sso] of the configuration file applies");
        m_ctx.reply(r, showMap());
    });
}

// The provider's discovery document and key set, fetched now by a client of their own (the running service's caches
// stay as they are).
void SsoCalls::handleTest(const AdminRequestPtr &r)
{
    const SsoConfig c = effective();
    if (!c.enabled())
        return m_ctx.fail(r, proto::errors::NotFound, u"single sign-on is not configured"_s);
    auto *client = new OidcClient(c, {}, m_ctx.owner());
    if (Status s = client->loadCa(); !s) {
        client->deleteLater();
        return m_ctx.fail(r, proto::errors::Unavailable, u"ca: "_s + s.error().message);
    }
    client->metadata([this, r, client, issuer = c.issuer](Result<ProviderMetadata> metadata) {
        if (!metadata) {
            client->deleteLater();
            return m_ctx.fail(r, proto::errors::Unavailable, u"discovery: "_s + metadata.error().message);
        }
        client->keys(std::nullopt, [this, r, client, issuer, metadata = *metadata](Result<KeySet> keys) {
            client->deleteLater();
            if (!keys)
                return m_ctx.fail(r, proto::errors::Unavailable, u"key set: "_s + keys.error().message);
            QCborMap m;
            m.insert("ok"_L1, true);
            m.insert("issuer"_L1, issuer);
            m.insert("authorization_endpoint"_L1, metadata.authorizationEndpoint.toString());
            m.insert("token_endpoint"_L1, metadata.tokenEndpoint.toString());
            m.insert("jwks_uri"_L1, metadata.jwksUri.toString());
            m.insert("keys"_L1, qint64(keys->size()));
            m_ctx.reply(r, m);
        });
    });
}

} // namespace parley::server
