#pragma once

// A stand-in for APNs, FCM (with its OAuth token endpoint) and a Web Push service, as the HTTP/1.1 backend of a real
// HTTP/2 front end (nghttpx terminates TLS and HTTP/2 and forwards here). It checks every request the way the
// providers would (JWT signatures with the public keys, headers, bodies), decrypts Web Push bodies with the
// subscription's private key, and answers with scripted statuses.

#include "crypto/crypto.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QtEndian>

namespace parley::pushtest {

using namespace Qt::StringLiterals;

struct Received {
    QString provider;           // apns, fcm, webpush
    QString key;                // APNs/FCM token or Web Push subscription id
    int status = 0;             // what the receiver answered
    QStringList problems;       // what did not check out (empty: well-formed)
    QByteArray body;            // as received
    QByteArray plaintext;       // APNs/FCM: the body; Web Push: the decrypted content
    QHash<QByteArray, QByteArray> headers;
    qint64 atMs = 0;
};

struct Subscription {
    crypto::P256Key key;        // the browser's private key
    QByteArray auth;
};

class PushReceiver : public QObject {
public:
    crypto::P256Key apnsKey;    // public half checks APNs provider tokens
    QString apnsKeyId;
    QString apnsTeamId;
    QString apnsTopic;
    crypto::RsaKey fcmKey;      // checks the OAuth assertion
    QString fcmClientEmail;
    QString fcmProject;
    QString tokenAudience;      // the token endpoint's URL as the assertion must name it
    crypto::P256Key vapidKey;
    QString webPushOrigin;      // https://127.0.0.1:PORT (the front end's address)
    QHash<QString, Subscription> subscriptions;

    QList<Received> received;
    int tokenRequests = 0;
    QStringList tokenProblems;
    // Statuses to answer for a key, consumed one per request; afterwards the default (200, Web Push 201).
    QHash<QString, QList<int>> script;
    QHash<QString, int> fixedStatus;     // answered every time while set

    // Fresh provider keys, with the key id, team, topic, service account and project the tests configure; false when a
    // key could not be generated.
    bool generateProviderKeys()
    {
        auto apns = crypto::P256Key::generate();
        auto vapid = crypto::P256Key::generate();
        auto fcm = crypto::RsaKey::generate(2048);
        if (!apns || !vapid || !fcm)
            return false;
        apnsKey = apns.value();
        apnsKeyId = u"KEY1234567"_s;
        apnsTeamId = u"TEAM123456"_s;
        apnsTopic = u"org.example.parley"_s;
        fcmKey = fcm.value();
        fcmClientEmail = u"parley@example-project.iam.gserviceaccount.com"_s;
        fcmProject = u"example-project"_s;
        vapidKey = vapid.value();
        return true;
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }

    PushReceiver()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
                connect(s, &QTcpSocket::disconnected, this, [this, s] {
                    m_buffers.remove(s);
                    s->deleteLater();
                });
            }
        });
    }

    QList<Received> forKey(const QString &key) const
    {
        QList<Received> out;
        for (const Received &r : received) {
            if (r.key == key)
                out.append(r);
        }
        return out;
    }

private:
    struct Request {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers;
        QByteArray body;
    };

    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (;;) {
            Request request;
            qsizetype used = parse(buffer, request);
            if (used <= 0)
                return;
            buffer.remove(0, used);
            QByteArray extraHeaders;
            QByteArray answer;
            const int status = handle(request, extraHeaders, answer);
            QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: "
                + QByteArray::number(answer.size()) + "\r\nContent-Type: application/json\r\n" + extraHeaders + "\r\n"
                + answer;
            socket->write(response);
        }
    }

    // Returns the bytes one complete request takes, 0 when more are needed.
    static qsizetype parse(const QByteArray &buffer, Request &request)
    {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return 0;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.path = requestLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        qsizetype at = headEnd + 4;
        if (request.headers.value("transfer-encoding").toLower() == "chunked") {
            for (;;) {
                const qsizetype lineEnd = buffer.indexOf("\r\n", at);
                if (lineEnd < 0)
                    return 0;
                bool ok = false;
                const qsizetype size = buffer.mid(at, lineEnd - at).split(';').value(0).trimmed().toLongLong(&ok, 16);
                if (!ok)
                    return 0;
                at = lineEnd + 2;
                if (size == 0) {
                    const qsizetype trailerEnd = buffer.indexOf("\r\n", at);
                    return trailerEnd < 0 ? 0 : trailerEnd + 2;
                }
                if (buffer.size() < at + size + 2)
                    return 0;
                request.body += buffer.mid(at, size);
                at += size + 2;
            }
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < at + length)
            return 0;
        request.body = buffer.mid(at, length);
        return at + length;
    }

    int scripted(const QString &key, int fallback)
    {
        if (fixedStatus.contains(key))
            return fixedStatus.value(key);
        QList<int> &queue = script[key];
        return queue.isEmpty() ? fallback : queue.takeFirst();
    }

    static QByteArray b64(QByteArrayView text)
    {
        return QByteArray::fromBase64(text.toByteArray(), QByteArray::Base64UrlEncoding);
    }

    // Splits and checks a compact JWS; returns its claims, or adds to `problems`.
    template<typename Verify>
    static QJsonObject checkJwt(const QByteArray &token, const QString &alg, Verify verify, QStringList &problems,
                                QJsonObject *headerOut = nullptr)
    {
        const QList<QByteArray> parts = token.split('.');
        if (parts.size() != 3) {
            problems << u"JWT is not three parts"_s;
            return {};
        }
        const QJsonObject header = QJsonDocument::fromJson(b64(parts[0])).object();
        if (header.value(u"alg"_s).toString() != alg)
            problems << u"JWT alg is not %1"_s.arg(alg);
        if (!verify(parts[0] + '.' + parts[1], b64(parts[2])))
            problems << u"JWT signature does not verify"_s;
        if (headerOut)
            *headerOut = header;
        return QJsonDocument::fromJson(b64(parts[1])).object();
    }

    int handle(const Request &request, QByteArray &extraHeaders, QByteArray &answer)
    {
        const QString path = QString::fromUtf8(request.path);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        Received r;
        r.body = request.body;
        r.headers = request.headers;
        r.atMs = QDateTime::currentMSecsSinceEpoch();
        if (request.method != "POST")
            r.problems << u"method is not POST"_s;

        if (path == u"/token"_s) {
            ++tokenRequests;
            const QUrlQuery form(QString::fromUtf8(request.body));
            if (form.queryItemValue(u"grant_type"_s, QUrl::FullyDecoded) != u"urn:ietf:params:oauth:grant-type:jwt-bearer"_s)
                tokenProblems << u"grant_type"_s;
            QStringList problems;
            const QJsonObject claims = checkJwt(form.queryItemValue(u"assertion"_s, QUrl::FullyDecoded).toLatin1(), u"RS256"_s,
                                                [this](QByteArrayView m, QByteArrayView s) { return fcmKey.verifyRs256(m, s); },
                                                problems);
            if (claims.value(u"iss"_s).toString() != fcmClientEmail)
                problems << u"assertion iss"_s;
            if (claims.value(u"aud"_s).toString() != tokenAudience)
                problems << u"assertion aud"_s;
            if (claims.value(u"scope"_s).toString() != u"https://www.googleapis.com/auth/firebase.messaging"_s)
                problems << u"assertion scope"_s;
            if (claims.value(u"exp"_s).toInteger() <= now || claims.value(u"exp"_s).toInteger() > now + 3700)
                problems << u"assertion exp"_s;
            tokenProblems += problems;
            if (!problems.isEmpty())
                return 400;
            answer = QJsonDocument(QJsonObject{{u"access_token"_s, u"at-%1"_s.arg(tokenRequests)},
                                               {u"expires_in"_s, 3600},
                                               {u"token_type"_s, u"Bearer"_s}}).toJson(QJsonDocument::Compact);
            return 200;
        }

        if (path.startsWith(u"/3/device/"_s)) {
            r.provider = u"apns"_s;
            r.key = path.mid(10);
            const QByteArray auth = request.headers.value("authorization");
            QJsonObject header;
            const QJsonObject claims = checkJwt(auth.startsWith("bearer ") ? auth.mid(7) : QByteArray(), u"ES256"_s,
                                                [this](QByteArrayView m, QByteArrayView s) { return apnsKey.verifyEs256(m, s); },
                                                r.problems, &header);
            if (header.value(u"kid"_s).toString() != apnsKeyId)
                r.problems << u"JWT kid"_s;
            if (claims.value(u"iss"_s).toString() != apnsTeamId)
                r.problems << u"JWT iss"_s;
            if (std::abs(claims.value(u"iat"_s).toInteger() - now) > 3600)
                r.problems << u"JWT iat"_s;
            if (request.headers.value("apns-push-type") != "background")
                r.problems << u"apns-push-type"_s;
            if (request.headers.value("apns-priority") != "5")
                r.problems << u"apns-priority"_s;
            if (request.headers.value("apns-topic") != apnsTopic.toUtf8())
                r.problems << u"apns-topic"_s;
            if (request.headers.value("apns-collapse-id").isEmpty())
                r.problems << u"apns-collapse-id"_s;
            const qint64 expiration = request.headers.value("apns-expiration").toLongLong();
            if (expiration <= now || expiration > now + 86400)
                r.problems << u"apns-expiration"_s;
            r.plaintext = request.body;
            r.status = scripted(r.key, 200);
            if (r.status == 410)
                answer = R"({"reason":"Unregistered","timestamp":1700000000000})";
            else if (r.status == 400)
                answer = R"({"reason":"BadDeviceToken"})";
            else if (r.status != 200)
                answer = R"({"reason":"ServiceUnavailable"})";
        } else if (path.startsWith(u"/v1/projects/"_s)) {
            r.provider = u"fcm"_s;
            if (path != u"/v1/projects/%1/messages:send"_s.arg(fcmProject))
                r.problems << u"path"_s;
            if (!request.headers.value("authorization").startsWith("Bearer at-"))
                r.problems << u"authorization"_s;
            const QJsonObject message = QJsonDocument::fromJson(request.body).object().value(u"message"_s).toObject();
            r.key = message.value(u"token"_s).toString();
            r.plaintext = request.body;
            r.status = scripted(r.key, 200);
            if (r.status == 404)
                answer = R"({"error":{"code":404,"status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}})";
            else if (r.status == 200)
                answer = R"({"name":"projects/p/messages/1"})";
        } else if (path.startsWith(u"/wp/"_s)) {
            r.provider = u"webpush"_s;
            r.key = path.mid(4);
            const QByteArray auth = request.headers.value("authorization");
            // "vapid t=JWT, k=KEY"
            QByteArray t;
            QByteArray k;
            if (auth.startsWith("vapid ")) {
                const QList<QByteArray> params = auth.mid(6).split(',');
                for (const QByteArray &p : params) {
                    const QByteArray item = p.trimmed();
                    if (item.startsWith("t="))
                        t = item.mid(2);
                    else if (item.startsWith("k="))
                        k = item.mid(2);
                }
            }
            if (b64(k) != vapidKey.publicPoint())
                r.problems << u"VAPID k"_s;
            const QJsonObject claims = checkJwt(t, u"ES256"_s,
                                                [this](QByteArrayView m, QByteArrayView s) { return vapidKey.verifyEs256(m, s); },
                                                r.problems);
            if (claims.value(u"aud"_s).toString() != webPushOrigin)
                r.problems << u"VAPID aud"_s;
            const qint64 exp = claims.value(u"exp"_s).toInteger();
            if (exp <= now || exp > now + 24 * 3600)
                r.problems << u"VAPID exp"_s;
            const QString subject = claims.value(u"sub"_s).toString();
            if (!subject.startsWith(u"mailto:"_s) && !subject.startsWith(u"https://"_s))   // RFC 8292 2.1
                r.problems << u"VAPID sub"_s;
            if (request.headers.value("content-encoding") != "aes128gcm")
                r.problems << u"content-encoding"_s;
            if (request.headers.value("ttl").isEmpty())
                r.problems << u"ttl"_s;
            const auto sub = subscriptions.constFind(r.key);
            if (sub == subscriptions.cend()) {
                r.problems << u"unknown subscription"_s;
            } else {
                auto plain = decrypt(request.body, *sub);
                if (!plain)
                    r.problems << u"decryption: "_s + plain.error().message;
                else
                    r.plaintext = *plain;
            }
            r.status = scripted(r.key, 201);
        } else {
            r.problems << u"unknown path"_s;
            r.status = 404;
        }
        if (r.status == 503 || r.status == 429)
            extraHeaders = "Retry-After: 1\r\n";
        received.append(r);
        return r.status;
    }

public:
    // RFC 8291 decryption with the subscription's private key (one record).
    static Result<QByteArray> decrypt(const QByteArray &body, const Subscription &sub)
    {
        if (body.size() < 21)
            return makeError(ErrorCode::InvalidArgument, u"too short"_s);
        const QByteArray salt = body.left(16);
        const quint32 rs = qFromBigEndian<quint32>(body.constData() + 16);
        const int idlen = quint8(body.at(20));
        if (rs < 18 || idlen != 65 || body.size() < 21 + idlen + 17)
            return makeError(ErrorCode::InvalidArgument, u"bad header"_s);
        const QByteArray asPublic = body.mid(21, idlen);
        const QByteArray ciphertext = body.mid(21 + idlen);
        auto as = crypto::P256Key::fromPublicPoint(asPublic);
        if (!as)
            return as.error();
        auto shared = sub.key.deriveShared(*as);
        if (!shared)
            return shared.error();
        QByteArray info = QByteArrayLiteral("WebPush: info");
        info.append('\0').append(sub.key.publicPoint()).append(asPublic);
        auto ikm = crypto::hkdfSha256(shared->view(), sub.auth, info, 32);
        if (!ikm)
            return ikm.error();
        auto cek = crypto::hkdfSha256(ikm->view(), salt, QByteArrayView("Content-Encoding: aes128gcm\0", 28), 16);
        auto nonce = crypto::hkdfSha256(ikm->view(), salt, QByteArrayView("Content-Encoding: nonce\0", 24), 12);
        if (!cek || !nonce)
            return makeError(ErrorCode::Crypto, u"hkdf"_s);
        auto padded = crypto::aesGcmOpen(cek->view(), nonce->view(), ciphertext, {});
        if (!padded)
            return padded.error();
        QByteArray plain = padded->toByteArray();
        while (!plain.isEmpty() && plain.back() == '\0')
            plain.chop(1);
        if (plain.isEmpty() || plain.back() != '\x02')
            return makeError(ErrorCode::Crypto, u"no last-record delimiter"_s);
        plain.chop(1);
        return plain;
    }

private:
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace parley::pushtest
