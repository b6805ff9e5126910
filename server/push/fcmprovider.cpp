#include "push/fcmprovider.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr qint64 AssertionLifetimeSeconds = 3600;
constexpr qint64 TokenMarginMs = 60 * 1000;
const QString DefaultTokenUri = u"https://oauth2.googleapis.com/token"_s;

} // namespace

Result<FcmProvider::Account> FcmProvider::parseServiceAccount(QByteArrayView json, bool requireTokenUri)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &parseError);
    auto bad = [](const QString &what) { return makeError(ErrorCode::InvalidArgument, what); };
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return bad(u"not a JSON object"_s);
    const QJsonObject o = doc.object();
    if (o.value(u"type"_s).toString() != u"service_account"_s)
        return bad(u"\"type\" is not \"service_account\""_s);
    Account account;
    account.projectId = o.value(u"project_id"_s).toString();
    account.clientEmail = o.value(u"client_email"_s).toString();
    account.privateKeyId = o.value(u"private_key_id"_s).toString();
    if (account.projectId.isEmpty() || account.clientEmail.isEmpty())
        return bad(u"\"project_id\" and \"client_email\" are required"_s);
    for (const QChar c : std::as_const(account.projectId)) {
        if (!(c.isLetterOrNumber() || c == u'-' || c == u'.' || c == u':' || c == u'_'))
            return bad(u"\"project_id\" has unexpected characters"_s);
    }
    if (account.clientEmail.size() > 320 || !account.clientEmail.contains(u'@') || account.clientEmail.contains(u' '))
        return bad(u"\"client_email\" is not an e-mail address"_s);
    if (!o.value(u"private_key"_s).isString())
        return bad(u"\"private_key\" is required"_s);
    QByteArray pem = o.value(u"private_key"_s).toString().toUtf8();
    auto key = crypto::RsaKey::fromPrivatePem(pem);
    crypto::cleanse(pem);
    if (!key)
        return bad(u"\"private_key\": "_s + key.error().message);
    account.key = std::move(*key);
    if (requireTokenUri && !o.contains(u"token_uri"_s))
        return bad(u"\"token_uri\" is required"_s);
    account.tokenUri = QUrl(o.value(u"token_uri"_s).toString(DefaultTokenUri), QUrl::StrictMode);
    if (!account.tokenUri.isValid() || account.tokenUri.scheme() != u"https"_s || account.tokenUri.host().isEmpty())
        return bad(u"\"token_uri\" is not an https URL"_s);
    return account;
}

Result<std::unique_ptr<FcmProvider>> FcmProvider::create(QNetworkAccessManager *network, const PushConfig &config,
                                                         QObject *parent)
{
    const QString file = config.fcmServiceAccountFile;
    auto json = PushConfig::readPrivateFile(file);
    if (!json)
        return json.error();
    auto account = parseServiceAccount(*json, false);
    crypto::cleanse(*json);
    if (!account)
        return makeError(ErrorCode::InvalidArgument,
                         u"[push] fcm_service_account_file %1: %2"_s.arg(file, account.error().message));
    if (!config.fcmTokenEndpoint.isEmpty())
        account->tokenUri = config.fcmTokenEndpoint;
    return std::unique_ptr<FcmProvider>(new FcmProvider(network, config, std::move(*account), parent));
}

QString FcmProvider::projectId() const
{
    return m_account.projectId;
}

QString FcmProvider::clientEmail() const
{
    return m_account.clientEmail;
}

FcmProvider::FcmProvider(QNetworkAccessManager *network, const PushConfig &config, Account account, QObject *parent)
    : PushProvider(network, config, parent), m_account(std::move(account))
{
}

FcmProvider::~FcmProvider()
{
    // Nobody waits any more: the service is going away with its queue entries still pending on disk.
    m_waiting.clear();
}

QByteArray FcmProvider::payload(const QString &token, qint64 ttlSeconds)
{
    const QJsonObject android{
        {u"priority"_s, u"HIGH"_s},
        {u"collapse_key"_s, u"parley-wake"_s},
        {u"ttl"_s, u"%1s"_s.arg(ttlSeconds)},
    };
    const QJsonObject message{
        {u"token"_s, token},
        {u"data"_s, QJsonObject{{u"wake"_s, u"1"_s}}},
        {u"android"_s, android},
    };
    return QJsonDocument(QJsonObject{{u"message"_s, message}}).toJson(QJsonDocument::Compact);
}

void FcmProvider::withAccessToken(std::function<void(Result<QByteArray>)> ready)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_accessToken.isEmpty() && now < m_accessTokenExpiresMs - TokenMarginMs)
        return ready(m_accessToken);
    m_waiting.append(std::move(ready));
    if (!m_tokenRequestRunning)
        requestAccessToken();
}

void FcmProvider::requestAccessToken()
{
    m_tokenRequestRunning = true;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() / 1000;
    QJsonObject header{{u"alg"_s, u"RS256"_s}, {u"typ"_s, u"JWT"_s}};
    if (!m_account.privateKeyId.isEmpty())
        header.insert(u"kid"_s, m_account.privateKeyId);
    const QJsonObject claims{
        {u"iss"_s, m_account.clientEmail},
        {u"scope"_s, QString::fromLatin1(Scope)},
        {u"aud"_s, m_account.tokenUri.toString()},
        {u"iat"_s, now},
        {u"exp"_s, now + AssertionLifetimeSeconds},
    };
    auto assertion = jwt::signRs256(m_account.key, header, claims);
    if (!assertion)
        return finishTokenRequest(assertion.error());
    QUrlQuery form;
    form.addQueryItem(u"grant_type"_s, u"urn:ietf:params:oauth:grant-type:jwt-bearer"_s);
    form.addQueryItem(u"assertion"_s, QString::fromLatin1(*assertion));
    QNetworkRequest r = request(m_account.tokenUri);
    r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
    post(r, form.toString(QUrl::FullyEncoded).toLatin1(), [this](int status, const QByteArray &body, QNetworkReply *reply) {
        if (status != 200) {
            const QString why = status == 0 ? errorName(reply) : u"HTTP %1"_s.arg(status);
            return finishTokenRequest(makeError(ErrorCode::Unauthorized, u"FCM access token request failed: "_s + why));
        }
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        const QString token = o.value(u"access_token"_s).toString();
        const qint64 expiresIn = o.value(u"expires_in"_s).toInteger(3600);
        if (token.isEmpty() || expiresIn <= 0)
            return finishTokenRequest(makeError(ErrorCode::Unauthorized, u"the token endpoint sent no access token"_s));
        m_accessToken = token.toUtf8();
        m_accessTokenExpiresMs = QDateTime::currentMSecsSinceEpoch() + expiresIn * 1000;
        qCDebug(lcPush) << "FCM access token obtained, valid for" << expiresIn << "s";
        finishTokenRequest(m_accessToken);
    });
}

void FcmProvider::finishTokenRequest(const Result<QByteArray> &result)
{
    m_tokenRequestRunning = false;
    const QList<std::function<void(Result<QByteArray>)>> waiting = std::exchange(m_waiting, {});
    for (const auto &ready : waiting)
        ready(result);
}

void FcmProvider::send(const PushJob &job, qint64 expiresAtMs, Done done)
{
    const qint64 ttl = std::max<qint64>(0, (expiresAtMs - QDateTime::currentMSecsSinceEpoch()) / 1000);
    withAccessToken([this, token = job.token.token, ttl, done = std::move(done)](Result<QByteArray> access) {
        if (!access)
            return done(PushOutcome::retry(access.error().message));
        QUrl url = m_config.fcmEndpoint;
        url.setPath(u"/v1/projects/%1/messages:send"_s.arg(m_account.projectId));
        QNetworkRequest r = request(url);
        r.setRawHeader("authorization", "Bearer " + *access);
        r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        post(r, payload(token, ttl), [this, done](int status, const QByteArray &body, QNetworkReply *reply) {
            if (status == 200)
                return done(PushOutcome::delivered());
            // FCM's error: {"error": {"status": "NOT_FOUND", "details": [{"errorCode": "UNREGISTERED", ...}]}}
            const QJsonObject error = QJsonDocument::fromJson(body).object().value(u"error"_s).toObject();
            QString code = error.value(u"status"_s).toString().left(64);
            const QJsonArray details = error.value(u"details"_s).toArray();
            for (const QJsonValue &d : details) {
                const QString c = d.toObject().value(u"errorCode"_s).toString();
                if (!c.isEmpty())
                    code = c.left(64);
            }
            if (status == 404 || code == u"UNREGISTERED"_s || code == u"NOT_FOUND"_s)
                return done(PushOutcome::unregistered(u"FCM %1 %2"_s.arg(status).arg(code)));
            if (status == 401) {
                m_accessToken.clear();
                return done(PushOutcome::retry(u"FCM 401 (access token refused)"_s));
            }
            if (auto transient = transientOutcome(status, reply))
                return done(*transient);
            return done(PushOutcome::rejected(u"FCM %1 %2"_s.arg(status).arg(code)));
        });
    });
}

} // namespace parley::server
