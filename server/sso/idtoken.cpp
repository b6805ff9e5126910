#include "sso/idtoken.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <cmath>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

const QString Rs256 = u"RS256"_s;
const QString Es256 = u"ES256"_s;

// Unpadded base64url (RFC 7515 2); anything else, padding included, is refused.
std::optional<QByteArray> base64Url(QByteArrayView text)
{
    for (const char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return std::nullopt;
    }
    if (text.size() % 4 == 1)
        return std::nullopt;
    auto decoded = QByteArray::fromBase64Encoding(text.toByteArray(), QByteArray::Base64UrlEncoding
                                                                          | QByteArray::OmitTrailingEquals
                                                                          | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

std::optional<QJsonObject> jsonObject(const QByteArray &bytes)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

Error refusal(const QString &why)
{
    return makeError(ErrorCode::Unauthorized, why);
}

// A NumericDate (RFC 7519 2): a finite number of seconds; nullopt when absent or of another type.
std::optional<qint64> numericDate(const QJsonObject &claims, QLatin1StringView name, bool *malformed)
{
    const QJsonValue v = claims.value(name);
    if (v.isUndefined())
        return std::nullopt;
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || !std::isfinite(d) || d < 0 || d > 1e12) {
        *malformed = true;
        return std::nullopt;
    }
    return qint64(std::floor(d));
}

// A key of the set for RS256 or ES256, or nullopt for one that is left out.
std::optional<KeySet::Key> readKey(const QJsonObject &jwk)
{
    const QString kty = jwk.value("kty"_L1).toString();
    const QJsonValue use = jwk.value("use"_L1);
    if (!use.isUndefined() && use.toString() != u"sig"_s)
        return std::nullopt;
    const QJsonValue ops = jwk.value("key_ops"_L1);
    if (!ops.isUndefined() && !ops.toArray().contains(u"verify"_s))
        return std::nullopt;
    const QJsonValue alg = jwk.value("alg"_L1);
    const QJsonValue kid = jwk.value("kid"_L1);
    if (!kid.isUndefined() && !kid.isString())
        return std::nullopt;
    KeySet::Key key;
    key.kid = kid.toString();
    if (kty == u"RSA"_s) {
        if (!alg.isUndefined() && alg.toString() != Rs256)
            return std::nullopt;
        const auto n = base64Url(jwk.value("n"_L1).toString().toLatin1());
        const auto e = base64Url(jwk.value("e"_L1).toString().toLatin1());
        if (!n || !e)
            return std::nullopt;
        auto rsa = crypto::RsaKey::fromPublicComponents(*n, *e);
        if (!rsa)
            return std::nullopt;
        key.alg = Rs256;
        key.rsa = *rsa;
        return key;
    }
    if (kty == u"EC"_s) {
        if ((!alg.isUndefined() && alg.toString() != Es256) || jwk.value("crv"_L1).toString() != u"P-256"_s)
            return std::nullopt;
        const auto x = base64Url(jwk.value("x"_L1).toString().toLatin1());
        const auto y = base64Url(jwk.value("y"_L1).toString().toLatin1());
        if (!x || !y || x->size() != 32 || y->size() != 32)
            return std::nullopt;
        auto ec = crypto::P256Key::fromPublicPoint(QByteArray(1, '\x04') + *x + *y);
        if (!ec)
            return std::nullopt;
        key.alg = Es256;
        key.ec = *ec;
        return key;
    }
    return std::nullopt;
}

} // namespace

Result<KeySet> KeySet::parse(const QByteArray &json)
{
    const auto doc = jsonObject(json);
    if (!doc || !doc->value("keys"_L1).isArray())
        return makeError(ErrorCode::InvalidArgument, u"the key set is not a JSON object with a \"keys\" array"_s);
    KeySet set;
    const QJsonArray keys = doc->value("keys"_L1).toArray();
    for (const QJsonValue &entry : keys) {
        if (auto key = readKey(entry.toObject()))
            set.m_keys.append(std::move(*key));
    }
    return set;
}

const KeySet::Key *KeySet::find(const QString &kid, const QString &alg) const
{
    const Key *found = nullptr;
    for (const Key &key : m_keys) {
        if (key.alg != alg)
            continue;
        if (!kid.isEmpty()) {
            if (key.kid == kid)
                return &key;
            continue;
        }
        // No kid in the token: only a set with a single key for the algorithm says which one (OIDC Core 10.1).
        if (found)
            return nullptr;
        found = &key;
    }
    return found;
}

Result<IdToken> IdToken::parse(QByteArrayView compact)
{
    const auto malformed = [](const QString &why) { return makeError(ErrorCode::InvalidArgument, why); };
    if (compact.size() > MaxSize)
        return malformed(u"the ID token is larger than 16 KiB"_s);
    const qsizetype first = compact.indexOf('.');
    const qsizetype second = first < 0 ? -1 : compact.indexOf('.', first + 1);
    if (first <= 0 || second < 0 || compact.indexOf('.', second + 1) >= 0 || second + 1 >= compact.size())
        return malformed(u"the ID token is not a signed JWT in compact form"_s);
    const auto headerBytes = base64Url(compact.first(first));
    const auto payloadBytes = base64Url(compact.sliced(first + 1, second - first - 1));
    const auto signature = base64Url(compact.sliced(second + 1));
    if (!headerBytes || !payloadBytes || !signature)
        return malformed(u"the ID token is not base64url"_s);
    const auto header = jsonObject(*headerBytes);
    const auto claims = jsonObject(*payloadBytes);
    if (!header || !claims)
        return malformed(u"the ID token's header or payload is not a JSON object"_s);

    IdToken token;
    token.m_alg = header->value("alg"_L1).toString();
    if (token.m_alg != Rs256 && token.m_alg != Es256)
        return makeError(ErrorCode::Forbidden, u"the ID token's algorithm is not RS256 or ES256"_s);
    if (header->contains("crit"_L1) || header->contains("enc"_L1))
        return malformed(u"the ID token has a header this client does not understand"_s);
    const QJsonValue kid = header->value("kid"_L1);
    if (!kid.isUndefined() && (!kid.isString() || kid.toString().isEmpty()))
        return malformed(u"the ID token's key id is not a string"_s);
    token.m_kid = kid.toString();
    token.m_signingInput = compact.first(second).toByteArray();
    token.m_signature = *signature;
    token.m_claims = *claims;
    return token;
}

Status IdToken::verify(const KeySet &keys) const
{
    const KeySet::Key *key = keys.find(m_kid, m_alg);
    if (!key)
        return makeError(ErrorCode::NotFound, u"the provider's key set has no key for the ID token"_s);
    const bool good = m_alg == Rs256 ? key->rsa.verifyRs256(m_signingInput, m_signature)
                                     : m_signature.size() == crypto::Es256SignatureSize
                                           && key->ec.verifyEs256(m_signingInput, m_signature);
    if (!good)
        return makeError(ErrorCode::Crypto, u"the ID token's signature does not verify"_s);
    return {};
}

Result<QJsonObject> IdToken::validate(const IdTokenExpectations &expect) const
{
    const QJsonObject &c = m_claims;
    const QJsonValue iss = c.value("iss"_L1);
    if (!iss.isString() || iss.toString() != expect.issuer)
        return refusal(u"the ID token's issuer is not the configured one"_s);

    // The client must be the audience, and the only one: no other audience is trusted here (Core 3.1.3.7, item 3).
    const QJsonValue aud = c.value("aud"_L1);
    bool audienceOk = aud.isString() && aud.toString() == expect.clientId;
    if (aud.isArray()) {
        const QJsonArray list = aud.toArray();
        audienceOk = list.size() == 1 && list.first().isString() && list.first().toString() == expect.clientId;
    }
    if (!audienceOk)
        return refusal(u"the ID token's audience is not this client alone"_s);
    const QJsonValue azp = c.value("azp"_L1);
    if (!azp.isUndefined() && (!azp.isString() || azp.toString() != expect.clientId))
        return refusal(u"the ID token's authorized party is not this client"_s);

    const QJsonValue sub = c.value("sub"_L1);
    if (!sub.isString() || sub.toString().isEmpty() || sub.toString().size() > 255)
        return refusal(u"the ID token has no subject"_s);

    bool malformed = false;
    const auto exp = numericDate(c, "exp"_L1, &malformed);
    const auto iat = numericDate(c, "iat"_L1, &malformed);
    const auto nbf = numericDate(c, "nbf"_L1, &malformed);
    if (malformed || !exp || !iat)
        return refusal(u"the ID token's exp or iat is missing or not a number"_s);
    if (expect.now >= *exp + expect.skewSeconds)
        return refusal(u"the ID token has expired"_s);
    if (*iat > expect.now + expect.skewSeconds)
        return refusal(u"the ID token was issued in the future"_s);
    if (*iat < expect.now - expect.maxAgeSeconds - expect.skewSeconds)
        return refusal(u"the ID token was issued too long ago"_s);
    if (nbf && *nbf > expect.now + expect.skewSeconds)
        return refusal(u"the ID token is not valid yet"_s);

    const QJsonValue nonce = c.value("nonce"_L1);
    if (!nonce.isString() || expect.nonce.isEmpty() || nonce.toString() != expect.nonce)
        return refusal(u"the ID token's nonce is not the one this sign-in sent"_s);
    return c;
}

} // namespace parley::server
