#include "sdk/receiver.h"

#include "sdk/connection.h"
#include "sdk/devicelists.h"
#include "sdk/profile.h"
#include "sdk/profilesaver.h"
#include "sdk/roomchains.h"
#include "sdk/sdklog.h"

#include <QHash>
#include <QSet>
#include <QTimer>

#include <variant>

using namespace Qt::StringLiterals;

namespace parley::sdk {

namespace {

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

IncomingMessage incomingMessage(const OpenedMessage &opened)
{
    IncomingMessage message;
    message.from = opened.from;
    message.device = opened.device;
    message.mid = opened.mid;
    message.seq = opened.seq;
    message.sentAt = QDateTime::fromMSecsSinceEpoch(qint64(opened.sentAt), Qt::UTC);
    message.text = opened.text;
    message.call = opened.call;
    message.files = opened.files;
    message.to = opened.to;
    message.options = opened.options;
    message.room = opened.options.room.value_or(QString());
    message.burnOnRead = opened.options.burn.value_or(false);
    return message;
}

// What names one delivered message while its room's chain is fetched: room, sender device and message id.
QByteArray messageKey(const protocol::Msg &msg)
{
    return msg.opts.room.value_or(QString()).toUtf8() + '\n' + msg.sender.toUtf8() + '#' + QByteArray::number(msg.dev)
        + '\n' + msg.mid;
}

} // namespace

class Receiver::Private {
public:
    Receiver *q;
    Connection &connection;
    Profile &profile;
    DeviceLists &devices;
    RoomChains &rooms;
    ProfileSaver &saver;
    // What the server pushed, in order: messages and the `synced` marker.
    QList<std::variant<protocol::Msg, protocol::Synced>> incoming;
    bool blocked = false;            // waiting for a sender's device list
    QSet<QString> refreshedSenders;
    QSet<QByteArray> refreshedRooms;        // messages whose room chain was fetched (messageKey())
    QHash<QByteArray, Error> roomFailures;  // ... and failed to verify
    QList<quint64> pendingAcks;
    std::optional<quint64> showing;  // the seq of the message being shown by messageReceived()
    bool heldNow = false;            // ... and whether its handler held it
    QSet<quint64> held;              // held messages of this connection, not yet released
    QHash<quint32, crypto::EcKey> prekeyKeys;
    QTimer ackTimer;
    bool enabled = true;

    Private(Receiver *receiver, Connection &c, Profile &p, DeviceLists &dl, RoomChains &rc, ProfileSaver &s)
        : q(receiver), connection(c), profile(p), devices(dl), rooms(rc), saver(s)
    {
    }

    std::optional<crypto::EcKey> lookupPrekey(quint32 kid)
    {
        auto it = prekeyKeys.constFind(kid);
        if (it != prekeyKeys.constEnd())
            return *it;
        Result<crypto::EcKey> key = profile.keys().prekey(kid);
        if (!key)
            return std::nullopt;
        prekeyKeys.insert(kid, key.value());
        return key.value();
    }

    void process()
    {
        while (!blocked && !incoming.isEmpty()) {
            if (std::holds_alternative<protocol::Synced>(incoming.first())) {
                incoming.removeFirst();
                flushAcks();
                Q_EMIT q->synced();
                continue;
            }
            const protocol::Msg msg = std::get<protocol::Msg>(incoming.first());
            const QString &from = msg.sender;
            const quint32 dev = msg.dev;
            const quint64 seq = msg.seq;
            if (profile.received().contains(from, dev, msg.mid)) {
                incoming.removeFirst();
                queueAck(seq);
                continue;
            }
            const QString label = deviceLabel(from, dev);
            const UserDevices *sender = devices.find(from);
            const bool known = sender && sender->devices.contains(dev);
            if (!known && !refreshedSenders.contains(label)) {
                blocked = true;
                refreshedSenders.insert(label);
                devices.fetch({from}, [this, label](Result<QStringList> result) {
                    blocked = false;
                    if (!result && result.error().code == ErrorCode::Unavailable) {
                        // No answer (the connection closed, or a server fault): nothing is known about the sender's
                        // devices, so the message stays unacked and comes again on the next connection.
                        refreshedSenders.remove(label);
                        if (connection.state() == Client::State::LoggedIn)
                            connection.abortWith(u"unavailable"_s, u"the device list of %1 could not be fetched to check "
                                                                   u"a message: %2"_s.arg(label, result.error().message));
                        return;
                    }
                    if (!result)
                        qCWarning(lcSdk).noquote() << "sender lookup failed:" << result.error().message;
                    process();
                });
                return;
            }
            if ((known || !fallbacks(msg, sender).isEmpty()) && awaitRoom(msg))
                return;
            incoming.removeFirst();
            heldNow = false;
            open(msg, sender);
            if (!heldNow)
                queueAck(seq);
        }
    }

    // A room message is judged against the room's chain as verified when it arrives (a message names no chain
    // position): when that chain is not known yet, or does not list the sender and this user as members, it is
    // fetched (and verified) once for the message first. Returns whether processing waits for it.
    bool awaitRoom(const protocol::Msg &msg)
    {
        if (!msg.opts.room)
            return false;
        const QByteArray key = messageKey(msg);
        if (refreshedRooms.contains(key))
            return false;
        const std::optional<protocol::RoomState> state = rooms.verified(*msg.opts.room);
        if (state && state->isMember(msg.sender) && state->isMember(profile.settings().user))
            return false;
        refreshedRooms.insert(key);
        blocked = true;
        rooms.fetch(*msg.opts.room, [this, key, room = *msg.opts.room](Result<protocol::RoomState> result) {
            blocked = false;
            if (!result && !isVerdict(result.error())) {
                refreshedRooms.remove(key);
                // Nothing is known about the message: it stays unacked and comes again on the next connection.
                if (connection.state() == Client::State::LoggedIn)
                    connection.abortWith(u"unavailable"_s, u"the membership chain of room %1 could not be fetched to "
                                                           u"check a message: %2"_s.arg(room, result.error().message));
                return;
            }
            if (!result)
                roomFailures.insert(key, result.error());
            process();
        });
        return true;
    }

    // A failed chain fetch that says something about the room (the chain does not verify, or the server does not
    // show the room to this user), as opposed to a closed connection or a server fault.
    static bool isVerdict(const Error &error)
    {
        return error.code == ErrorCode::Crypto || error.code == ErrorCode::Forbidden || error.code == ErrorCode::NotFound;
    }

    // The checks of an authentic message's signed details against this user and the room's verified chain: a
    // refusal "CODE: explanation", or nothing.
    std::optional<QString> refusal(const OpenedMessage &opened, const std::optional<Error> &roomFailure) const
    {
        const QString &me = profile.settings().user;
        if (opened.from != me && !opened.to.contains(me))
            return u"recipients_mismatch: the message's signed recipients do not name %1"_s.arg(me);
        if (!opened.options.room)
            return std::nullopt;
        const QString &room = *opened.options.room;
        if (roomFailure) {
            const ErrorCode code = roomFailure->code;
            if (code == ErrorCode::Forbidden || code == ErrorCode::NotFound)
                return u"room_mismatch: the server does not show room %1 to %2 (%3)"_s.arg(room, me, roomFailure->message);
            if (roomFailure->message.startsWith(u"identity_changed"_s))
                return u"bad_chain: the chain cannot be verified: "_s + roomFailure->message;
            return roomFailure->message;   // bad_chain, chain_rollback, chain_fork
        }
        const std::optional<protocol::RoomState> state = rooms.verified(room);
        if (!state || !state->isMember(me))
            return u"room_mismatch: %1 is not a member of room %2"_s.arg(me, room);
        if (!state->isMember(opened.from))
            return u"not_a_member: %1 is not a member of room %2 (chain verified up to record %3)"_s
                .arg(opened.from, room)
                .arg(state->nextSeq - 1);
        return std::nullopt;
    }

    OpenResult openWith(const protocol::Msg &msg, const QByteArray &root, const TrustStore::KnownDevice &device)
    {
        const ProfileSettings &s = profile.settings();
        const RecipientIdentity me{s.user, s.device, s.rootPub, s.devicePub};
        const SenderDevice sender{msg.sender, root, msg.dev, device.pub, device.sig};
        return Envelope::open(msg, me, sender, [this](quint32 kid) { return lookupPrekey(kid); });
    }

    // A key kept in the trust store that a message may be opened with.
    struct Fallback {
        QByteArray root;
        TrustStore::KnownDevice device;
        bool previous = false;   // a previous identity (not the pinned key)
    };

    // The keys kept in the trust store for a message that the sender's current device list does not open: the
    // pinned key's last device list while the server presents another root key, then the previous identities of
    // the sender (the most recent first) superseded no earlier than the message was sent. Each must hold the
    // sending device; the message's `at` must not be later than the moment the key was superseded (or a change
    // was first seen).
    QList<Fallback> fallbacks(const protocol::Msg &msg, const UserDevices *list) const
    {
        QList<Fallback> out;
        const TrustStore &trust = profile.trust();
        const std::optional<TrustStore::Entry> pinned = trust.entry(msg.sender);
        if (list && list->rootChanged && pinned && pinned->devices.contains(msg.dev) && pinned->changeSeenAt > 0
            && qint64(msg.at) <= pinned->changeSeenAt)
            out.append(Fallback{pinned->root, pinned->devices.value(msg.dev), false});
        for (const TrustStore::PreviousIdentity &p : trust.previous(msg.sender, nowMs())) {
            if (p.devices.contains(msg.dev) && qint64(msg.at) <= p.supersededAt)
                out.append(Fallback{p.root, p.devices.value(msg.dev), true});
        }
        return out;
    }

    struct Opening {
        OpenResult result;
        bool verified = false;
        bool previousKey = false;
    };

    // Opens `msg` with the sending device of the current list, else with the keys of fallbacks(). The failure
    // reported is the current device's, else the first fallback's; nullopt when the device is in neither.
    std::optional<Opening> openMessage(const protocol::Msg &msg, const UserDevices *list)
    {
        std::optional<Opening> first;
        if (list && list->devices.contains(msg.dev)) {
            const DeviceInfo info = list->devices.value(msg.dev);
            first = Opening{openWith(msg, list->root, {info.pub, info.sig}), !list->rootChanged, false};
            if (std::holds_alternative<OpenedMessage>(first->result))
                return first;
        }
        for (const Fallback &f : fallbacks(msg, list)) {
            Opening o{openWith(msg, f.root, f.device), true, f.previous};
            if (std::holds_alternative<OpenedMessage>(o.result))
                return o;
            if (!first)
                first = o;
        }
        return first;
    }

    void open(const protocol::Msg &msg, const UserDevices *sender)
    {
        const QString &from = msg.sender;
        const quint32 dev = msg.dev;
        const QByteArray key = messageKey(msg);
        refreshedRooms.remove(key);
        const std::optional<Error> roomFailure = roomFailures.contains(key) ? std::optional(roomFailures.take(key))
                                                                            : std::nullopt;
        const std::optional<Opening> opening = openMessage(msg, sender);
        if (!opening) {
            rejected(msg);
            Q_EMIT q->verificationFailed(from, dev, u"unknown_device: the sending device %1 is not a current device of %2"_s
                                                        .arg(deviceLabel(from, dev), from));
            return;
        }
        const OpenResult &result = opening->result;
        if (const auto *failure = std::get_if<EnvelopeFailure>(&result)) {
            qCWarning(lcSdk).noquote() << "message failed verification:" << envelopeErrorName(failure->code);
            rejected(msg);
            Q_EMIT q->verificationFailed(from, dev, u"%1: %2"_s.arg(envelopeErrorName(failure->code), failure->message));
            return;
        }
        const OpenedMessage &opened = std::get<OpenedMessage>(result);
        if (profile.keys().markUsed(opened.kid, nowMs()))
            saver.keysChanged();
        if (const std::optional<QString> refused = refusal(opened, roomFailure)) {
            qCWarning(lcSdk).noquote() << "message refused:" << refused->section(u':', 0, 0);
            rejected(msg);
            Q_EMIT q->verificationFailed(from, dev, *refused);
            return;
        }
        // An expired message is never shown (the server should not have delivered it; clocks may differ).
        const qint64 exp = qint64(opened.options.exp.value_or(0));
        if (exp > 0 && qint64(opened.sentAt) + exp * 1000 <= connection.serverTimeMs()) {
            qCDebug(lcSdk) << "dropped an expired message";
            profile.received().insert(from, dev, opened.mid, nowMs());
            saver.receivedChanged();
            return;
        }
        IncomingMessage message = incomingMessage(opened);
        message.verified = opening->verified;
        message.previousKey = opening->previousKey;
        if (!message.verified)
            Q_EMIT q->verificationFailed(from, dev, u"identity_changed: the root key of %1 differs from the one first "
                                                    u"seen; the message cannot be attributed to %1"_s.arg(from));
        if (message.call) {
            profile.received().insert(from, dev, opened.mid, nowMs());
            saver.receivedChanged();
            if (message.verified)
                Q_EMIT q->callSignalReceived(message);
            return;
        }
        // The handler may hold the message (hold()): then it is neither recorded nor acked until release().
        showing = message.seq;
        heldNow = false;
        Q_EMIT q->messageReceived(message);
        showing.reset();
        if (heldNow) {
            held.insert(message.seq);
            return;
        }
        profile.received().insert(from, dev, opened.mid, nowMs());
        saver.receivedChanged();
    }

    // A message that is not shown is still recorded in the dedupe log (it is acked like any other): should the
    // server deliver it again before the ack is through, it is dropped without a second report.
    void rejected(const protocol::Msg &msg)
    {
        profile.received().insert(msg.sender, msg.dev, msg.mid, nowMs());
        saver.receivedChanged();
    }

    void queueAck(quint64 seq)
    {
        pendingAcks.append(seq);
        if (pendingAcks.size() >= protocol::MaxAcksPerFrame)
            flushAcks();
        else if (!ackTimer.isActive())
            ackTimer.start(0);
    }

    void flushAcks()
    {
        ackTimer.stop();
        if (pendingAcks.isEmpty())
            return;
        // The dedupe record goes to disk before the server forgets the messages.
        saver.persist();
        while (!pendingAcks.isEmpty()) {
            const QList<quint64> chunk = pendingAcks.mid(0, protocol::MaxAcksPerFrame);
            pendingAcks.remove(0, chunk.size());
            connection.transmit(protocol::Ack{chunk});
        }
    }
};

Receiver::Receiver(Connection &connection, Profile &profile, DeviceLists &devices, RoomChains &rooms,
                   ProfileSaver &saver, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, profile, devices, rooms, saver))
{
    d->ackTimer.setSingleShot(true);
    connect(&d->ackTimer, &QTimer::timeout, this, [this] { d->flushAcks(); });
}

Receiver::~Receiver() = default;

void Receiver::onFrame(const protocol::Frame &frame)
{
    if (!d->enabled)
        return;
    if (frame.type == protocol::Msg::Type) {
        if (d->connection.state() != Client::State::LoggedIn)
            return;
        d->incoming.append(protocol::Msg::from(frame));
    } else if (frame.type == protocol::Synced::Type) {
        d->incoming.append(protocol::Synced{});
    } else {
        return;
    }
    d->process();
}

void Receiver::flushAcks() { d->flushAcks(); }

bool Receiver::hold(const IncomingMessage &message)
{
    if (!d->showing || *d->showing != message.seq)
        return false;
    d->heldNow = true;
    return true;
}

void Receiver::release(const IncomingMessage &message)
{
    if (!d->held.remove(message.seq))
        return;
    d->profile.received().insert(message.from, message.device, message.mid, nowMs());
    d->saver.receivedChanged();
    d->queueAck(message.seq);
}

void Receiver::forgetPrekeys() { d->prekeyKeys.clear(); }

void Receiver::reset()
{
    d->ackTimer.stop();
    d->incoming.clear();
    d->blocked = false;
    d->pendingAcks.clear();   // unacked messages come again on the next connection
    d->held.clear();          // ... and so do held ones, shown again as they were never recorded
    d->refreshedSenders.clear();
    d->refreshedRooms.clear();
    d->roomFailures.clear();
}

void Receiver::setEnabled(bool enabled) { d->enabled = enabled; }
bool Receiver::isEnabled() const { return d->enabled; }

} // namespace parley::sdk
