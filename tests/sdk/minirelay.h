#pragma once

// A miniature relay for the SDK client tests: in memory, one thread, enough of docs/protocol.md over real TLS for
// the client's flows (enrollment, login, prekeys, device lists, bundles, send and ack). Every frame the client sends
// is checked with the strict protocol decoder; what the decoder refused is in clientFrameErrors.
//
// It can also play a hostile server: `rooms` holds each room's membership chain as the test wrote it (served to
// room_get as it is, without any check), `hostile` relays a send to every device it has a key entry for without
// checking recipients, signature or replay, and `tamper` rewrites each msg frame before it is queued.

#include "protocol/frame.h"
#include "protocol/messages.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>
#include <map>
#include <optional>

using namespace Qt::StringLiterals;

namespace parley::sdktest {

class MiniRelay : public QObject {
    Q_OBJECT
public:
    struct Prekey {
        quint32 kid = 0;
        QByteArray pub;
        QByteArray sig;
    };
    struct Queued {
        quint64 seq = 0;
        protocol::Frame msg;
    };
    struct Device {
        quint32 no = 0;
        QByteArray pub;
        QByteArray sig;
        QList<Prekey> pool;
        std::optional<Prekey> lastResort;
        QList<Queued> queue;
        QWebSocket *online = nullptr;
    };
    struct User {
        QByteArray root;
        QByteArray recovery;
        std::map<quint32, Device> devices;
    };
    struct Connection {
        QByteArray challenge;
        QString user;
        quint32 device = 0;
    };

    QHash<QString, User> users;
    QSet<QString> codes;                    // "user:code"
    QSet<QByteArray> seen;                  // sender device + mid
    QStringList clientFrameErrors;          // frames the strict decoder refused
    QList<protocol::Frame> received;        // every decoded client frame
    QList<quint64> acked;
    quint64 nextSeq = 1;
    // Returns true when it answered the frame itself.
    std::function<bool(QWebSocket *, const protocol::Frame &)> intercept;
    QHash<QString, QList<protocol::RoomEntry>> rooms;   // room_get serves these; a room not here is not_found
    bool hostile = false;
    std::function<void(protocol::Frame &msg)> tamper;

    MiniRelay(const QSslCertificate &cert, const QSslKey &key);
    ~MiniRelay() override;

    bool listen();
    quint16 port() const;

    QString issueCode(const QString &user);
    void send(QWebSocket *ws, const protocol::Frame &f);
    static protocol::Frame error(quint64 id, const QString &code, const QString &msg = u"refused"_s);
    void deliver(const QString &user, quint32 deviceNo, const protocol::Frame &msg);

private:
    QWebSocketServer server;
    QHash<QWebSocket *, Connection> connections;

    void onConnection();
    void onData(QWebSocket *ws, const QByteArray &data);
    void handle(QWebSocket *ws, const protocol::Frame &f);
    void onEnrollInfo(QWebSocket *ws, const protocol::Frame &f);
    void onEnroll(QWebSocket *ws, const protocol::Frame &f);
    void onLogin(QWebSocket *ws, Connection &c, const protocol::Frame &f);
    void onPrekeys(QWebSocket *ws, Device &self, const protocol::Frame &f);
    void onDevices(QWebSocket *ws, const protocol::Frame &f);
    void onFetch(QWebSocket *ws, const protocol::Frame &f);
    void onAck(Device &self, const protocol::Frame &f);
    void onSend(QWebSocket *ws, const Connection &c, const protocol::Frame &f);
    void onRoomGet(QWebSocket *ws, const protocol::Frame &f);
    void relay(QWebSocket *ws, const Connection &c, const protocol::Frame &f);
};

} // namespace parley::sdktest
