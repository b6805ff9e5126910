#include "sso/pendinglogins.h"

#include "crypto/crypto.h"

namespace parley::server {

namespace {

constexpr int TokenBytes = 32;

QByteArray base64Url(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// IPv4 addresses count alone, IPv6 ones by their /64 (what one subscriber usually gets).
QByteArray addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QByteArray::number(v4);
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(v6.c), 8);
}

} // namespace

QString PendingLogins::Login::challenge() const
{
    return QString::fromLatin1(base64Url(crypto::sha256(verifier.toLatin1())));
}

PendingLogins::PendingLogins(qint64 lifetimeMs, int maxTotal, int maxPerAddress)
    : m_lifetimeMs(lifetimeMs), m_maxTotal(maxTotal), m_maxPerAddress(maxPerAddress)
{
}

QString PendingLogins::randomToken()
{
    return QString::fromLatin1(base64Url(crypto::randomBytes(TokenBytes)));
}

std::optional<PendingLogins::Started> PendingLogins::start(const QHostAddress &from, qint64 nowMs)
{
    prune(nowMs);
    const QByteArray key = addressKey(from);
    if (m_logins.size() >= m_maxTotal || m_perAddress.value(key) >= m_maxPerAddress)
        return std::nullopt;
    Started s;
    s.cookie = randomToken().toLatin1();
    s.login.state = randomToken();
    s.login.nonce = randomToken();
    s.login.verifier = randomToken();
    s.login.bindingHash = crypto::sha256(s.cookie);
    s.login.addressKey = key;
    s.login.createdMs = nowMs;
    m_logins.insert(s.login.state, s.login);
    ++m_perAddress[key];
    return s;
}

std::optional<PendingLogins::Login> PendingLogins::take(const QString &state, qint64 nowMs)
{
    const auto it = m_logins.constFind(state);
    if (it == m_logins.cend())
        return std::nullopt;
    const Login login = *it;
    remove(state);
    if (nowMs - login.createdMs >= m_lifetimeMs)
        return std::nullopt;
    return login;
}

bool PendingLogins::boundTo(const Login &login, QByteArrayView cookie)
{
    return !cookie.isEmpty() && crypto::constantTimeEquals(crypto::sha256(cookie), login.bindingHash);
}

void PendingLogins::prune(qint64 nowMs)
{
    QList<QString> expired;
    for (auto it = m_logins.cbegin(); it != m_logins.cend(); ++it) {
        if (nowMs - it->createdMs >= m_lifetimeMs)
            expired.append(it.key());
    }
    for (const QString &state : expired)
        remove(state);
}

void PendingLogins::remove(const QString &state)
{
    const auto it = m_logins.find(state);
    if (it == m_logins.end())
        return;
    const auto count = m_perAddress.find(it->addressKey);
    if (count != m_perAddress.end() && --*count <= 0)
        m_perAddress.erase(count);
    m_logins.erase(it);
}

} // namespace parley::server
