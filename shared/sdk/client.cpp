#include "sdk/client.h"

#include "sdk/connection.h"
#include "sdk/devicelists.h"
#include "sdk/enrollment.h"
#include "sdk/prekeyupkeep.h"
#include "sdk/profilesaver.h"
#include "sdk/receiver.h"
#include "sdk/roomchains.h"
#include "sdk/sdklog.h"
#include "sdk/sender.h"
#include "protocol/messages.h"

#include <QPointer>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace parley::sdk {

// The parts, in the order they depend on each other (and are destroyed in reverse).
class Client::Private {
public:
    Client *q;
    Profile &profile;
    Connection connection;
    ProfileSaver saver;
    Enrollment enrollment;
    PrekeyUpkeep prekeys;
    DeviceLists devices;
    Sender sender;
    RoomChains rooms;
    Receiver receiver;

    Private(Client *client, Profile &p)
        : q(client)
        , profile(p)
        , connection(p)
        , saver(p, [this](const QString &code, const QString &message) { connection.reportError(code, message); })
        , enrollment(connection, p)
        , prekeys(connection, p, saver)
        , devices(connection, p)
        , sender(connection, p, devices, saver)
        , rooms(connection, p)
        , receiver(connection, p, devices, rooms, saver)
    {
    }

    void wire();
    void onServerPushed(const protocol::Frame &frame);
    void onClosed();
};

void Client::Private::wire()
{
    QObject::connect(&connection, &Connection::stateChanged, q, &Client::stateChanged);
    QObject::connect(&connection, &Connection::frameReceived, q, &Client::frameReceived);
    QObject::connect(&connection, &Connection::errorOccurred, q, &Client::errorOccurred);
    QObject::connect(&connection, &Connection::disconnected, q, &Client::disconnected);
    QObject::connect(&connection, &Connection::connected, q, [this] {
        Q_EMIT q->connected();
        if (enrollment.active())
            enrollment.start();
        else
            connection.login();
    });
    QObject::connect(&connection, &Connection::loggedIn, q, [this](int prekeysOnServer, bool lastResortOnServer) {
        Q_EMIT q->loggedIn();
        prekeys.topUp(prekeysOnServer, lastResortOnServer);
        sender.resume();
    });
    QObject::connect(&connection, &Connection::serverPushed, q, [this](const protocol::Frame &f) { onServerPushed(f); });
    QObject::connect(&connection, &Connection::closed, q, [this] { onClosed(); });

    QObject::connect(&enrollment, &Enrollment::enrolled, q, &Client::enrolled);
    QObject::connect(&prekeys, &PrekeyUpkeep::prekeysReady, q, &Client::prekeysReady);
    QObject::connect(&prekeys, &PrekeyUpkeep::prekeysPurged, q, [this] { receiver.forgetPrekeys(); });
    QObject::connect(&devices, &DeviceLists::identityChanged, q, &Client::identityChanged);
    QObject::connect(&rooms, &RoomChains::identityChanged, q, &Client::identityChanged);
    QObject::connect(&sender, &Sender::accepted, q, &Client::accepted);
    QObject::connect(&sender, &Sender::sendFailed, q, &Client::sendFailed);
    QObject::connect(&receiver, &Receiver::messageReceived, q, &Client::messageReceived);
    QObject::connect(&receiver, &Receiver::callSignalReceived, q, &Client::callSignalReceived);
    QObject::connect(&receiver, &Receiver::verificationFailed, q, &Client::verificationFailed);
    QObject::connect(&receiver, &Receiver::synced, q, &Client::synced);
}

void Client::Private::onServerPushed(const protocol::Frame &frame)
{
    if (frame.type == protocol::Refill::Type)
        return prekeys.onRefill(int(qMin<quint64>(protocol::Refill::from(frame).remaining, 1u << 30)));
    receiver.onFrame(frame);   // msg, synced
}

// The connection closed: save, fail whatever waited on it, forget what belonged to it.
void Client::Private::onClosed()
{
    saver.persist();
    const QString message = u"the connection closed before the server answered"_s;
    connection.failPending(message);
    sender.failQueued(message);
    prekeys.reset();
    receiver.reset();
    devices.clear();
    enrollment.reset();
    connection.finishClose();
}

Client::Client(Profile &profile, QObject *parent) : QObject(parent), d(std::make_unique<Private>(this, profile))
{
    d->wire();
}

Client::~Client()
{
    d->saver.persist();
}

Client::State Client::state() const { return d->connection.state(); }
Profile &Client::profile() const { return d->profile; }

void Client::connectToServer()
{
    d->enrollment.reset();
    d->connection.open();
}

void Client::enroll(const QString &user, const QString &code, const QString &deviceName,
                    const QByteArray &recoveryPassphrase, crypto::ScryptParams recoveryKdf)
{
    if (d->enrollment.prepare(user, code, deviceName, recoveryPassphrase, recoveryKdf))
        d->connection.open();
}

void Client::disconnectFromServer()
{
    if (d->connection.state() == State::Disconnected)
        return;
    d->receiver.flushAcks();
    d->saver.persist();
    d->connection.close();
}

QByteArray Client::send(const QStringList &users, const QString &text, QObject *context, SendCallback done)
{
    return d->sender.send(users, MessageContent{text, std::nullopt, {}}, {}, context, std::move(done));
}

QByteArray Client::send(const QStringList &users, const QString &text, const protocol::MessageOptions &options, QObject *context,
                        SendCallback done)
{
    return d->sender.send(users, MessageContent{text, std::nullopt, {}}, options, context, std::move(done));
}

QByteArray Client::send(const QStringList &users, const MessageContent &content, const protocol::MessageOptions &options,
                        QObject *context, SendCallback done)
{
    return d->sender.send(users, content, options, context, std::move(done));
}

QByteArray Client::send(const QStringList &users, const QString &text)
{
    return d->sender.send(users, MessageContent{text, std::nullopt, {}}, {}, nullptr, {});
}

QByteArray Client::send(const QStringList &users, const QString &text, const protocol::MessageOptions &options)
{
    return d->sender.send(users, MessageContent{text, std::nullopt, {}}, options, nullptr, {});
}

void Client::sendEnvelope(const Envelope &envelope, QObject *context, SendCallback done)
{
    d->sender.sendEnvelope(envelope, context, std::move(done));
}

void Client::sendEnvelope(const Envelope &envelope) { d->sender.sendEnvelope(envelope, nullptr, {}); }

void Client::resolveRecipients(const QStringList &users, QObject *context,
                               std::function<void(Result<QList<RecipientDevice>>)> done)
{
    d->sender.resolveRecipients(users, context, std::move(done));
}

void Client::turnCredentials(QObject *context, std::function<void(Result<TurnCredentials>)> done)
{
    QPointer<QObject> guard(context);
    auto finish = [guard, done = std::move(done)](Result<TurnCredentials> r) {
        if (guard)
            done(std::move(r));
    };
    if (state() != State::LoggedIn)
        return finish(makeError(ErrorCode::Unavailable, u"not logged in"_s));
    d->connection.request(protocol::TurnRequest{}, [finish](const protocol::Frame &reply) {
        if (reply.type == protocol::TurnCreds::Type) {
            const protocol::TurnCreds creds = protocol::TurnCreds::from(reply);
            TurnCredentials c;
            c.uris = creds.uris;
            c.user = creds.user;
            c.password = creds.pass;
            c.ttlSeconds = creds.ttl;
            bool ok = false;
            const qint64 expiry = creds.user.section(u':', 0, 0).toLongLong(&ok);
            if (ok)
                c.expiresAt = QDateTime::fromSecsSinceEpoch(expiry, Qt::UTC);
            return finish(c);
        }
        if (reply.type != protocol::ErrorReply::Type)
            return finish(makeError(ErrorCode::Protocol, u"unexpected reply %1"_s.arg(reply.type)));
        const QString code = Connection::errorCode(reply);
        const QString text = code + u": "_s + Connection::errorText(reply);
        if (code == u"rate_limited"_s)
            return finish(makeError(ErrorCode::RateLimited,
                                    text + u" (retry in %1 ms)"_s.arg(protocol::ErrorReply::from(reply).retry.value_or(0))));
        if (code == u"unavailable"_s || code == u"disconnected"_s)
            return finish(makeError(ErrorCode::Unavailable, text));
        finish(makeError(ErrorCode::Protocol, text));
    });
}

Result<SenderIdentity> Client::identity() const
{
    if (d->connection.self())
        return *d->connection.self();
    const ProfileSettings &s = d->profile.settings();
    if (!s.isEnrolled())
        return makeError(ErrorCode::NotFound, u"the profile is not registered"_s);
    Result<crypto::EcKey> key = d->profile.keys().deviceKey();
    if (!key)
        return key.error();
    return SenderIdentity{s.user, s.device, s.rootPub, s.devicePub, key.value()};
}

qint64 Client::serverTimeMs() const { return d->connection.serverTimeMs(); }

RoomChains &Client::roomChains() const { return d->rooms; }

quint64 Client::sendFrame(const protocol::Frame &frame) { return d->connection.sendRaw(frame); }

void Client::flushAcks() { d->receiver.flushAcks(); }

Upload *Client::upload(const QString &path, const UploadOptions &options, QObject *parent)
{
    auto *u = new Upload(d->connection, path, options, parent);
    QTimer::singleShot(0, u, &Upload::start);
    return u;
}

Download *Client::download(const FileRef &file, const QString &directory, QObject *parent)
{
    auto *dl = new Download(d->connection, file, directory, parent);
    QTimer::singleShot(0, dl, &Download::start);
    return dl;
}

bool Client::holdAck(const IncomingMessage &message) { return d->receiver.hold(message); }
void Client::releaseAck(const IncomingMessage &message) { d->receiver.release(message); }

bool Client::prekeyUploadPending() const { return d->prekeys.uploadPending(); }

void Client::setReceiveEnabled(bool enabled) { d->receiver.setEnabled(enabled); }
bool Client::receiveEnabled() const { return d->receiver.isEnabled(); }

} // namespace parley::sdk
