#pragma once

// A raw protocol client for the daemon's tests: a QWebSocket over real TLS that trusts the test server's
// certificate, decodes every server frame strictly (Direction::ServerToClient) and queues it.

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "protocol/statements.h"

#include <QCborArray>
#include <QCborMap>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTest>
#include <QWebSocket>

#include <deque>
#include <optional>

namespace parley::testing {

using namespace Qt::StringLiterals;

class TestClient : public QObject {
public:
    explicit TestClient(const QString &caFile, QObject *parent = nullptr) : QObject(parent)
    {
        QFile f(caFile);
        if (f.open(QIODevice::ReadOnly)) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setCaCertificates(QSslCertificate::fromData(f.readAll()));
            m_socket.setSslConfiguration(tls);
        }
        m_socket.setMaxAllowedIncomingMessageSize(quint64(protocol::MaxServerFrameBytes));
        connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
            auto decoded = protocol::decode(data, protocol::Direction::ServerToClient);
            if (auto *error = std::get_if<protocol::FrameError>(&decoded)) {
                m_invalid.append(error->message);
                return;
            }
            m_frames.push_back(std::get<protocol::Frame>(std::move(decoded)));
        });
        connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &) { m_invalid.append(u"text"_s); });
        connect(&m_socket, &QWebSocket::disconnected, this, [this] {
            m_closed = true;
            m_closeCode = int(m_socket.closeCode());
            m_closeReason = m_socket.closeReason();
        });
    }

    // The socket is destroyed after the members its handlers write (it is declared first), and a connected socket
    // reports its close from its destructor: the handlers go first.
    ~TestClient() override { m_socket.disconnect(this); }

    QWebSocket &socket() { return m_socket; }

    // Connects and waits for `hello`; returns false on failure.
    bool open(const QString &url, int timeoutMs = 20000)
    {
        m_socket.open(QUrl(url));
        const auto hello = next(u"hello"_s, timeoutMs);
        if (!hello)
            return false;
        m_hello = *hello;
        return true;
    }

    const protocol::Frame &hello() const { return m_hello; }

    void send(const protocol::Frame &frame) { m_socket.sendBinaryMessage(protocol::encode(frame)); }
    void sendRaw(const QByteArray &bytes) { m_socket.sendBinaryMessage(bytes); }

    // The next frame of `type` (frames of other types before it are kept), or nothing after the timeout or once
    // the connection closed without it.
    std::optional<protocol::Frame> next(const QString &type, int timeoutMs = 20000)
    {
        return take([&type](const protocol::Frame &f) { return f.type == type; }, timeoutMs);
    }

    // The reply to request `id`: its frame or an `error` with that id.
    std::optional<protocol::Frame> reply(quint64 id, int timeoutMs = 20000)
    {
        return take([id](const protocol::Frame &f) { return f.id == id; }, timeoutMs);
    }

    template<typename Pred>
    std::optional<protocol::Frame> take(Pred pred, int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        for (;;) {
            const bool closedBefore = m_closed;
            for (auto it = m_frames.begin(); it != m_frames.end(); ++it) {
                if (pred(*it)) {
                    protocol::Frame f = std::move(*it);
                    m_frames.erase(it);
                    return f;
                }
            }
            // Frames that arrived before the close were queued before `disconnected`: one more look suffices.
            if (closedBefore || timer.elapsed() > timeoutMs)
                return std::nullopt;
            QTest::qWait(5);
        }
    }

    bool waitClosed(int timeoutMs = 20000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!m_closed && timer.elapsed() < timeoutMs)
            QTest::qWait(5);
        return m_closed;
    }

    bool isClosed() const { return m_closed; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    const QStringList &invalidFrames() const { return m_invalid; }
    qsizetype pending() const { return qsizetype(m_frames.size()); }
    void clear() { m_frames.clear(); }

private:
    QWebSocket m_socket;
    std::deque<protocol::Frame> m_frames;
    protocol::Frame m_hello;
    QStringList m_invalid;
    bool m_closed = false;
    int m_closeCode = -1;
    QString m_closeReason;
};

// A device's keys and the frames to enroll and log it in.
struct TestDevice {
    QString user;
    crypto::EcKey root;
    crypto::EcKey key;
    quint32 number = 0;

    static TestDevice create(const QString &user, const crypto::EcKey &root = {})
    {
        TestDevice d;
        d.user = user;
        d.root = root.isNull() ? crypto::EcKey::generate().value() : root;
        d.key = crypto::EcKey::generate().value();
        return d;
    }

    protocol::Frame enrollFrame(quint64 id, const QString &code) const
    {
        protocol::Frame f(u"enroll"_s, id);
        f.set("user"_L1, user);
        f.set("code"_L1, code);
        f.set("root"_L1, root.publicPoint());
        f.set("dev"_L1, key.publicPoint());
        f.set("dsig"_L1, root.sign(protocol::deviceStatement(user, key.publicPoint())).value());
        return f;
    }

    protocol::Frame loginFrame(quint64 id, const QByteArray &challenge) const
    {
        protocol::Frame f(u"login"_s, id);
        f.set("user"_L1, user);
        f.set("device"_L1, qint64(number));
        f.set("sig"_L1, key.sign(protocol::loginStatement(challenge, user, number)).value());
        return f;
    }

    // A signed prekey {kid, pub, sig}.
    QCborMap prekey(quint32 kid) const
    {
        const QByteArray pub = crypto::EcKey::generate().value().publicPoint();
        QCborMap m;
        m.insert("kid"_L1, qint64(kid));
        m.insert("pub"_L1, pub);
        m.insert("sig"_L1, key.sign(protocol::prekeyStatement(kid, pub)).value());
        return m;
    }

    // A signed `send` of random content to `to`'s one device (kid 1), with a fresh message id.
    protocol::Frame sendFrame(quint64 id, const TestDevice &to) const
    {
        const QByteArray mid = crypto::randomBytes(16);
        const quint64 at = quint64(QDateTime::currentMSecsSinceEpoch());
        const QByteArray pl = crypto::randomBytes(64);
        const QByteArray kc = crypto::randomBytes(32);
        const protocol::MessageCore core{user, number, mid, {to.user}, at, pl, kc, {}};
        const QByteArray eph = crypto::EcKey::generate().value().publicPoint();
        QCborMap wrapped{{u"user"_s, to.user}, {u"device"_s, qint64(to.number)}, {u"kid"_s, 1}, {u"eph"_s, eph},
                         {u"wk"_s, crypto::randomBytes(48)}};
        protocol::Frame f(u"send"_s, id);
        f.set("mid"_L1, mid).set("to"_L1, QCborArray{to.user}).set("at"_L1, qint64(at)).set("pl"_L1, pl);
        f.set("kc"_L1, kc).set("opts"_L1, QCborMap()).set("keys"_L1, QCborArray{wrapped});
        f.set("sig"_L1, key.sign(core.encode()).value());
        return f;
    }
};

} // namespace parley::testing
