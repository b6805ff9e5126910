#include "push/pushcredentials.h"

#include "store/adminstore.h"
#include "crypto/crypto.h"
#include "crypto/p256key.h"
#include "push/fcmprovider.h"
#include "push/pushprovider.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

Error invalid(const QString &message)
{
    return makeError(ErrorCode::InvalidArgument, message);
}

bool isAppleId(const QString &id)
{
    if (id.size() != 10)
        return false;
    for (const QChar c : id) {
        if (!((c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')))
            return false;
    }
    return true;
}

Result<QString> endpointArg(const QString &name, const QString &text, bool bare)
{
    if (text.isEmpty())
        return QString();
    auto url = bare ? PushConfig::parseEndpoint(text) : PushConfig::parseHttpsUrl(text);
    if (!url)
        return invalid(name + u": "_s + url.error().message);
    return url->toString(QUrl::FullyEncoded);
}

} // namespace

const QStringList &ManagedPushCredentials::providers()
{
    static const QStringList names = {u"apns"_s, u"fcm"_s, u"webpush"_s};
    return names;
}

ManagedPushCredentials::ManagedPushCredentials(const QString &dataDir) : m_directory(QDir(dataDir).filePath(u"push"_s))
{
}

QString ManagedPushCredentials::directory() const
{
    return m_directory;
}

QString ManagedPushCredentials::path(const Entry &entry) const
{
    return QDir(m_directory).filePath(entry.file);
}

Status ManagedPushCredentials::load(AdminStore &admin)
{
    m_entries.clear();
    for (const QString &provider : providers()) {
        auto value = admin.setting(settingKey(provider));
        if (!value)
            return value.error();
        if (!*value || (**value).isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson((**value).toUtf8()).object();
        Entry e;
        e.file = o.value(u"file"_s).toString();
        e.updatedAt = o.value(u"updated_at"_s).toInteger();
        e.details = o;
        e.details.remove(u"file"_s);
        e.details.remove(u"updated_at"_s);
        if (e.file.isEmpty() || e.file.contains(u'/') || e.file.startsWith(u'.')) {
            qCWarning(lcPush).noquote() << "The managed setting" << settingKey(provider) << "cannot be read; ignored";
            continue;
        }
        m_entries.insert(provider, e);
    }
    return {};
}

std::optional<ManagedPushCredentials::Entry> ManagedPushCredentials::entry(const QString &provider) const
{
    const auto it = m_entries.constFind(provider);
    if (it == m_entries.cend())
        return std::nullopt;
    return *it;
}

void ManagedPushCredentials::setEntry(const QString &provider, const std::optional<Entry> &entry)
{
    if (entry)
        m_entries.insert(provider, *entry);
    else
        m_entries.remove(provider);
}

QString ManagedPushCredentials::encode(const std::optional<Entry> &entry)
{
    if (!entry)
        return QString();
    QJsonObject o = entry->details;
    o.insert(u"file"_s, entry->file);
    o.insert(u"updated_at"_s, entry->updatedAt);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

PushConfig ManagedPushCredentials::applyTo(const PushConfig &boot) const
{
    PushConfig c = boot;
    auto url = [](const QJsonObject &o, const char *key, const QUrl &fallback) {
        const QString text = o.value(QLatin1StringView(key)).toString();
        return text.isEmpty() ? fallback : QUrl(text, QUrl::StrictMode);
    };
    if (const auto e = entry(u"apns"_s)) {
        c.apnsKeyFile = path(*e);
        c.apnsKeyId = e->details.value(u"key_id"_s).toString();
        c.apnsTeamId = e->details.value(u"team_id"_s).toString();
        c.apnsTopic = e->details.value(u"topic"_s).toString();
        c.apnsEndpoint = url(e->details, "endpoint", boot.apnsEndpoint);
    }
    if (const auto e = entry(u"fcm"_s)) {
        c.fcmServiceAccountFile = path(*e);
        c.fcmEndpoint = url(e->details, "endpoint", boot.fcmEndpoint);
        c.fcmTokenEndpoint = url(e->details, "token_endpoint", boot.fcmTokenEndpoint);
    }
    if (const auto e = entry(u"webpush"_s)) {
        c.vapidPrivateKeyFile = path(*e);
        c.vapidSubject = e->details.value(u"subject"_s).toString();
    }
    return c;
}

Result<ManagedPushCredentials::Upload> ManagedPushCredentials::checkApns(const QString &pem, const QString &keyId,
                                                                         const QString &teamId, const QString &topic,
                                                                         const QString &endpoint)
{
    if (!isAppleId(keyId))
        return invalid(u"key_id: expected Apple's 10-character key ID (A-Z, 0-9)"_s);
    if (!isAppleId(teamId))
        return invalid(u"team_id: expected Apple's 10-character team ID (A-Z, 0-9)"_s);
    if (topic.size() > 255 || topic.contains(u' ') || topic.contains(u'"'))
        return invalid(u"topic: up to 255 characters without spaces or quotes"_s);
    auto url = endpointArg(u"endpoint"_s, endpoint, true);
    if (!url)
        return url.error();
    auto key = PushConfig::parseP256Key(u"key"_s, pem.toUtf8());
    if (!key)
        return key.error();
    auto normalised = key->privatePem();
    if (!normalised)
        return normalised.error();
    Upload upload;
    upload.secret = normalised->view().toByteArray();
    upload.details = QJsonObject{{u"key_id"_s, keyId}, {u"team_id"_s, teamId}, {u"topic"_s, topic}, {u"endpoint"_s, *url}};
    return upload;
}

Result<ManagedPushCredentials::Upload> ManagedPushCredentials::checkFcm(const QString &serviceAccountJson,
                                                                        const QString &endpoint,
                                                                        const QString &tokenEndpoint)
{
    auto url = endpointArg(u"endpoint"_s, endpoint, true);
    if (!url)
        return url.error();
    auto tokenUrl = endpointArg(u"token_endpoint"_s, tokenEndpoint, false);
    if (!tokenUrl)
        return tokenUrl.error();
    QByteArray json = serviceAccountJson.toUtf8();
    auto account = FcmProvider::parseServiceAccount(json, true);
    if (!account) {
        crypto::cleanse(json);
        return invalid(u"service_account: "_s + account.error().message);
    }
    Upload upload;
    upload.secret = json;
    upload.details = QJsonObject{{u"project_id"_s, account->projectId}, {u"client_email"_s, account->clientEmail},
                                 {u"endpoint"_s, *url}, {u"token_endpoint"_s, *tokenUrl}};
    return upload;
}

Result<ManagedPushCredentials::Upload> ManagedPushCredentials::checkWebPush(const QString &subject, const QString &pem)
{
    if (!(subject.startsWith(u"mailto:"_s) || subject.startsWith(u"https://"_s)) || subject.size() < 8
        || subject.size() > 255 || subject.contains(u'"') || subject.contains(u' '))
        return invalid(u"subject: expected a mailto: or https: URI (RFC 8292), e.g. mailto:ops@example.org"_s);
    crypto::P256Key key;
    if (pem.isEmpty()) {
        auto generated = crypto::P256Key::generate();
        if (!generated)
            return generated.error();
        key = std::move(*generated);
    } else {
        auto given = PushConfig::parseP256Key(u"private_key"_s, pem.toUtf8());
        if (!given)
            return given.error();
        key = std::move(*given);
    }
    auto normalised = key.privatePem();
    if (!normalised)
        return normalised.error();
    Upload upload;
    upload.secret = normalised->view().toByteArray();
    upload.details = QJsonObject{{u"subject"_s, subject},
                                 {u"public_key"_s, QString::fromLatin1(jwt::base64url(key.publicPoint()))}};
    return upload;
}

Result<QString> ManagedPushCredentials::writeSecret(const QString &provider, const QByteArray &secret, qint64 nowMs) const
{
    const QFileDevice::Permissions owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!QDir().mkpath(m_directory) || !QFile::setPermissions(m_directory, owner | QFileDevice::ExeOwner))
        return makeError(ErrorCode::Io, u"cannot create %1"_s.arg(m_directory));
    static const QHash<QString, QString> suffixes = {{u"apns"_s, u"p8"_s}, {u"fcm"_s, u"json"_s}, {u"webpush"_s, u"pem"_s}};
    const QString name = u"%1-%2-%3.%4"_s.arg(provider).arg(nowMs)
                             .arg(QString::fromLatin1(crypto::randomBytes(4).toHex()), suffixes.value(provider));
    const QString file = QDir(m_directory).filePath(name);
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || !out.setPermissions(owner) || out.write(secret) != secret.size()
        || !out.commit())
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(file, out.errorString()));
    return name;
}

void ManagedPushCredentials::removeFile(const QString &name) const
{
    if (name.isEmpty() || name.contains(u'/'))
        return;
    QFile::remove(QDir(m_directory).filePath(name));
}

void ManagedPushCredentials::removeOtherFiles(const QString &provider, const QStringList &keep) const
{
    const QDir dir(m_directory);
    const QStringList files = dir.entryList({provider + u"-*"_s}, QDir::Files | QDir::Hidden);
    for (const QString &name : files) {
        if (!keep.contains(name))
            QFile::remove(dir.filePath(name));
    }
}

} // namespace parley::server
