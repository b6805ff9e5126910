#pragma once

// The client's connection to its server (docs/protocol.md "Connection and authentication"): the TLS WebSocket and
// the server's certificate checked against the profile's trust, `hello`, login, requests matched with their replies
// by id, and errors. Frames the server pushes on its own (`msg`, `synced`, `refill`) go to serverPushed().
//
// When the socket closes, closed() is emitted while the state is still the old one, so that the owner can save and
// fail what waits on the connection; it then calls finishClose().

#include "protocol/frame.h"
#include "sdk/client.h"
#include "sdk/envelope.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <concepts>
#include <functional>
#include <memory>
#include <optional>

namespace parley::sdk {

class Profile;

// A typed frame of protocol/messages.h: encode(id) writes it with request id `id` (0: none).
template<class T>
concept EncodableFrame = requires(const T &frame, quint64 id) {
    { frame.encode(id) } -> std::same_as<QByteArray>;
};

class Connection : public QObject {
    Q_OBJECT
public:
    using ReplyHandler = std::function<void(const protocol::Frame &)>;

    explicit Connection(Profile &profile, QObject *parent = nullptr);
    ~Connection() override;

    Client::State state() const;
    void setState(Client::State state);
    // This device as a sender; set at login.
    const std::optional<SenderIdentity> &self() const;
    // Local time corrected by the offset measured at `hello`.
    qint64 serverTimeMs() const;
    // The largest frame the server accepts (0 before `hello`).
    qsizetype serverMaxFrame() const;
    // Whether the server's `hello` listed protocol version `version` (`v` or `vs`).
    bool serverSpeaks(quint64 version) const;

    // Opens the socket (reports "busy" unless disconnected); connected() follows `hello`.
    void open();
    // Closes normally; closed() follows.
    void close();
    // Signs the `hello` challenge and logs in; loggedIn() follows.
    void login();

    // Sends a request with a fresh id, written by `encode`; `handler` gets the reply, or disconnectedReply() when
    // the connection is not there or closes first. Replies come from decode(), so the handler may read them with
    // T::from() for the type it checked; an error's code is errorCode()'s to read (disconnectedReply() has one that
    // ErrorReply::code cannot hold).
    quint64 request(const std::function<QByteArray(quint64 id)> &encode, ReplyHandler handler);
    template<EncodableFrame T>
    quint64 request(const T &frame, ReplyHandler handler)
    {
        return request([&frame](quint64 id) { return frame.encode(id); }, std::move(handler));
    }
    // Sends a frame as it is (no reply expected).
    void transmit(const protocol::Frame &frame);
    template<EncodableFrame T>
    void transmit(const T &frame)
    {
        transmitEncoded(frame.encode());
    }
    void transmitEncoded(const QByteArray &encoded);
    // Sends a raw frame whose reply goes to frameReceived() only; see Client::sendFrame().
    quint64 sendRaw(const protocol::Frame &frame);
    // Answers every waiting request with disconnectedReply(message).
    void failPending(const QString &message);
    // Completes a close after closed(): Disconnected, then disconnected().
    void finishClose();

    void reportError(const QString &code, const QString &message);
    // Reports and closes the connection.
    void abortWith(const QString &code, const QString &message);

    // The connection's own `error` reply to a request it could not send or whose answer a close cut off. Its code,
    // "disconnected", is no wire code (decode() admits only those of docs/protocol.md), so protocol::ErrorReply
    // cannot carry it: the reply is ErrorReply's frame with that code, and the functions below read it.
    static protocol::Frame disconnectedReply(const QString &message, quint64 id = 0);
    // The code of an `error` reply: a wire error's name, or "disconnected".
    static QString errorCode(const protocol::Frame &reply);
    // Its message, or the code when the message is empty.
    static QString errorText(const protocol::Frame &reply);
    // Whether `reply` is disconnectedReply().
    static bool isDisconnected(const protocol::Frame &reply);

Q_SIGNALS:
    void stateChanged(parley::sdk::Client::State state);
    void connected();
    void loggedIn(int prekeysOnServer, bool lastResortOnServer);
    void frameReceived(const parley::protocol::Frame &frame);
    void serverPushed(const parley::protocol::Frame &frame);
    void errorOccurred(const QString &code, const QString &message);
    void closed();
    void disconnected();

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
