#include "sdk/calls.h"

#include "crypto/crypto.h"
#include "protocol/statements.h"
#include "sdk/client.h"
#include "sdk/roomchains.h"
#include "sdk/rooms.h"
#include "sdk/sdklog.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

#include <map>

using namespace Qt::StringLiterals;

namespace parley::sdk {

using Kind = CallSignal::Kind;

struct Calls::Private {
    Calls *q;
    Client &client;
    Rooms rooms;
    quint32 lifetime = CallSignal::Lifetime;
    std::map<QByteArray, Call> calls;
    QHash<QByteArray, QTimer *> ringTimers;

    Private(Calls *calls, Client &c) : q(calls), client(c), rooms(c) {}

    QString me() const { return client.profile().settings().user; }

    Call *find(const QByteArray &id)
    {
        const auto it = calls.find(id);
        return it == calls.end() ? nullptr : &it->second;
    }

    QStringList othersIn(const Call &call) const
    {
        QStringList out = call.participants;
        out.removeAll(me());
        return out;
    }

    void send(const QByteArray &callId, const QStringList &to, const CallSignal &signal, const QString &text = {})
    {
        if (to.isEmpty())
            return;
        protocol::MessageOptions opts;
        opts.exp = lifetime;
        client.send(to, MessageContent{text, signal, {}}, opts, q, [this, callId, signal](const SendResult &result) {
            if (const auto *failure = std::get_if<SendFailure>(&result))
                Q_EMIT q->signalFailed(callId, u"%1 not sent: %2: %3"_s.arg(callSignalKindName(signal.kind),
                                                                            sendErrorName(failure->error),
                                                                            failure->message));
        });
    }

    void startRingTimer(const QByteArray &id, const QString &reason)
    {
        auto *timer = new QTimer(q);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, q, [this, id, reason] {
            const Call *call = find(id);
            if (!call || (call->state != State::Ringing && call->state != State::Calling && call->state != State::Joining))
                return;
            if (call->state == State::Calling)   // nobody answered: withdraw the offer everywhere
                send(id, {call->peer}, signalFor(*call, Kind::HangUp));
            end(id, reason);
        });
        stopRingTimer(id);
        ringTimers.insert(id, timer);
        timer->start(std::chrono::seconds(lifetime));
    }

    void stopRingTimer(const QByteArray &id)
    {
        if (QTimer *t = ringTimers.take(id))
            t->deleteLater();
    }

    void end(const QByteArray &id, const QString &reason)
    {
        stopRingTimer(id);
        if (const auto it = calls.find(id); it != calls.end()) {
            crypto::cleanse(it->second.mediaKey);
            calls.erase(it);
            Q_EMIT q->ended(id, reason);
        }
    }

    static CallSignal signalFor(const Call &call, Kind kind)
    {
        CallSignal s;
        s.kind = kind;
        s.callId = call.id;
        s.room = call.room;
        return s;
    }

    // The owner makes the next key and gives it to every participant but itself.
    void rotate(Call &call)
    {
        call.epoch += 1;
        crypto::cleanse(call.mediaKey);
        call.mediaKey = crypto::randomBytes(CallSignal::MediaKeySize);
        CallSignal s = signalFor(call, Kind::Key);
        s.mediaKey = call.mediaKey;
        s.epoch = call.epoch;
        s.participants = call.participants;
        send(call.id, othersIn(call), s);
        Q_EMIT q->mediaKeyChanged(call.id, call.epoch, call.mediaKey, call.participants);
    }

    bool isRoomMember(const QString &room, const QString &user) const
    {
        const std::optional<protocol::RoomState> state = client.roomChains().verified(room);
        return state && state->isMember(user);
    }

    void onSignal(const IncomingMessage &m)
    {
        const CallSignal &s = *m.call;
        // A room's ring travels as a room message; every other signal is direct, and names its room itself.
        if (!m.room.isEmpty() && (s.kind != Kind::Offer || !s.sdp.isEmpty() || s.room != m.room))
            return drop(m, u"a room message holds only a room's ring"_s);
        if (s.kind == Kind::Offer && !s.room.isEmpty() && s.sdp.isEmpty() && m.room.isEmpty())
            return drop(m, u"a ring must come as a room message"_s);
        if (m.from == me())
            return fromOwnDevice(m);
        Call *call = find(s.callId);
        switch (s.kind) {
        case Kind::Offer:
            if (s.room.isEmpty() || s.sdp.isEmpty())
                return incoming(m);
            if (!call || !call->participants.contains(m.from) || call->room != s.room)
                return drop(m, u"a description from outside the call"_s);
            Q_EMIT q->descriptionReceived(s.callId, m.from, true, s.sdp);
            return;
        case Kind::Answer:
            if (!call || call->room != s.room)
                return drop(m, u"an answer to no call of ours"_s);
            if (!s.room.isEmpty()) {
                if (!call->participants.contains(m.from))
                    return drop(m, u"a description from outside the call"_s);
                Q_EMIT q->descriptionReceived(s.callId, m.from, false, s.sdp);
                return;
            }
            if (!call->outgoing || m.from != call->peer || call->state != State::Calling)
                return drop(m, u"an answer from someone we did not call"_s);
            stopRingTimer(call->id);
            call->state = State::Active;
            Q_EMIT q->answered(call->id, m.from, m.device, s.sdp);
            Q_EMIT q->mediaKeyChanged(call->id, call->epoch, call->mediaKey, call->participants);
            return;
        case Kind::Candidates:
            if (!call || !call->participants.contains(m.from) || call->room != s.room
                || (call->room.isEmpty() && call->state != State::Active && call->state != State::Calling))
                return drop(m, u"candidates from outside the call"_s);
            Q_EMIT q->candidatesReceived(call->id, m.from, s.candidates);
            return;
        case Kind::Join:
            if (!call || call->room != s.room || call->owner != me())
                return drop(m, u"a join for a call we do not own"_s);
            if (!isRoomMember(call->room, m.from))
                return drop(m, u"a join from someone who is not a member of the room"_s);
            if (!call->participants.contains(m.from)) {
                call->participants = protocol::normalisedRecipients(call->participants << m.from);
                rotate(*call);
            }
            return;
        case Kind::Key:
            if (!call || call->room != s.room || m.from != call->owner || (!call->mediaKey.isEmpty() && s.epoch <= call->epoch)
                || !s.participants.contains(me()))
                return drop(m, u"a media key not from the call's owner, or not newer"_s);
            stopRingTimer(call->id);
            call->state = State::Active;
            crypto::cleanse(call->mediaKey);
            call->mediaKey = s.mediaKey;
            call->epoch = s.epoch;
            call->participants = s.participants;
            Q_EMIT q->mediaKeyChanged(call->id, call->epoch, call->mediaKey, call->participants);
            return;
        case Kind::Decline:
            if (call && call->outgoing && call->room.isEmpty() && m.from == call->peer && call->state == State::Calling)
                return end(call->id, u"declined"_s);
            return drop(m, u"a refusal of no call of ours"_s);
        case Kind::HangUp:
            if (!call || call->room != s.room)
                return;
            if (call->room.isEmpty()) {
                if (m.from == call->peer)   // a caller that gives up before we answered: a missed call
                    end(call->id, call->state == State::Ringing ? u"missed"_s : u"remote_hung_up"_s);
                return;
            }
            return participantLeft(*call, m.from);
        }
    }

    // An offer to this user, or a room's ring (no description, no key: those come once we join).
    void incoming(const IncomingMessage &m)
    {
        const CallSignal &s = *m.call;
        if (calls.count(s.callId))
            return;   // the same call again
        Call call;
        call.id = s.callId;
        call.room = s.room;
        call.peer = m.from;
        call.owner = m.from;
        call.video = s.video;
        call.state = State::Ringing;
        if (s.room.isEmpty()) {
            call.participants = protocol::normalisedRecipients({m.from, me()});
            call.mediaKey = s.mediaKey;
            call.epoch = s.epoch;
        }
        calls.emplace(call.id, call);
        startRingTimer(call.id, u"missed"_s);
        Q_EMIT q->incomingCall(call, s.sdp);
    }

    // What our own other devices did: the copies every message sends them.
    void fromOwnDevice(const IncomingMessage &m)
    {
        const CallSignal &s = *m.call;
        Call *call = find(s.callId);
        if (!call || call->state != State::Ringing)
            return;
        if (s.kind == Kind::Answer && s.room.isEmpty())
            end(call->id, u"answered_elsewhere"_s);
        else if (s.kind == Kind::Join)
            end(call->id, u"answered_elsewhere"_s);
        else if (s.kind == Kind::Decline)
            end(call->id, u"declined_elsewhere"_s);
    }

    void participantLeft(Call &call, const QString &user)
    {
        if (!call.participants.contains(user)) {
            if (user == call.owner && call.state == State::Ringing)   // the ring was withdrawn
                end(call.id, u"missed"_s);
            return;
        }
        call.participants.removeAll(user);
        if (user == call.owner)
            call.owner = call.participants.value(0);
        if (call.owner == me() && call.state == State::Active)
            rotate(call);
    }

    void drop(const IncomingMessage &m, const QString &why)
    {
        qCWarning(lcSdk).noquote() << "call signal dropped:" << callSignalKindName(m.call->kind) << why;
    }
};

Calls::Calls(Client &client, QObject *parent) : QObject(parent), d(std::make_unique<Private>(this, client))
{
    connect(&client, &Client::callSignalReceived, this, [this](const IncomingMessage &m) { d->onSignal(m); });
}

Calls::~Calls()
{
    for (auto &[id, call] : d->calls)
        crypto::cleanse(call.mediaKey);
}

QByteArray Calls::call(const QString &user, const QString &sdpOffer, bool video)
{
    Call call;
    call.id = crypto::randomBytes(CallSignal::CallIdSize);
    call.peer = user;
    call.owner = d->me();
    call.outgoing = true;
    call.video = video;
    call.state = State::Calling;
    call.participants = protocol::normalisedRecipients({user, d->me()});
    call.mediaKey = crypto::randomBytes(CallSignal::MediaKeySize);
    CallSignal s = Private::signalFor(call, Kind::Offer);
    s.sdp = sdpOffer;
    s.mediaKey = call.mediaKey;
    s.video = video;
    const QByteArray id = call.id;
    if (user == d->me() || !protocol::isValidUserName(user) || sdpOffer.isEmpty()) {
        QTimer::singleShot(0, this, [this, id] { Q_EMIT signalFailed(id, u"a call needs another user and an offer"_s); });
        return id;
    }
    d->calls.emplace(id, call);
    d->startRingTimer(id, u"no_answer"_s);
    d->send(id, {user}, s, video ? u"Incoming video call"_s : u"Incoming call"_s);
    return id;
}

QByteArray Calls::ringRoom(const QString &room, bool video)
{
    Call call;
    call.id = crypto::randomBytes(CallSignal::CallIdSize);
    call.room = room;
    call.peer = d->me();
    call.owner = d->me();
    call.outgoing = true;
    call.video = video;
    call.state = State::Active;
    call.participants = {d->me()};
    call.mediaKey = crypto::randomBytes(CallSignal::MediaKeySize);
    const QByteArray id = call.id;
    CallSignal s = Private::signalFor(call, Kind::Offer);
    s.video = video;
    d->calls.emplace(id, call);
    Q_EMIT mediaKeyChanged(id, 0, call.mediaKey, call.participants);
    MessageOptions opts;
    opts.expireSeconds = d->lifetime;
    d->rooms.send(room, MessageContent{u"Call in room %1"_s.arg(room), s, {}}, opts, this,
                  [this, id](Result<QByteArray> sent) {
                      if (!sent) {
                          Q_EMIT signalFailed(id, u"ring not sent: "_s + sent.error().message);
                          d->end(id, u"send_failed"_s);
                      }
                  });
    return id;
}

void Calls::answer(const QByteArray &callId, const QString &sdpAnswer)
{
    Call *call = d->find(callId);
    if (!call || !call->room.isEmpty() || call->state != State::Ringing || sdpAnswer.isEmpty())
        return;
    d->stopRingTimer(callId);
    call->state = State::Active;
    CallSignal s = Private::signalFor(*call, Kind::Answer);
    s.sdp = sdpAnswer;
    d->send(callId, {call->peer}, s);
    Q_EMIT mediaKeyChanged(callId, call->epoch, call->mediaKey, call->participants);
}

void Calls::join(const QByteArray &callId)
{
    Call *call = d->find(callId);
    if (!call || call->room.isEmpty() || call->state != State::Ringing)
        return;
    call->state = State::Joining;
    d->startRingTimer(callId, u"no_answer"_s);
    d->send(callId, {call->owner}, Private::signalFor(*call, Kind::Join));
}

void Calls::decline(const QByteArray &callId)
{
    Call *call = d->find(callId);
    if (!call || call->state != State::Ringing)
        return;
    // A room's ring is refused here only: its owner needs no answer from those who do not join.
    if (call->room.isEmpty())
        d->send(callId, {call->peer}, Private::signalFor(*call, Kind::Decline));
    d->end(callId, u"declined"_s);
}

void Calls::sendDescription(const QByteArray &callId, const QString &user, bool offer, const QString &sdp)
{
    Call *call = d->find(callId);
    if (!call || call->room.isEmpty() || call->state != State::Active || !call->participants.contains(user)
        || user == d->me() || sdp.isEmpty())
        return;
    CallSignal s = Private::signalFor(*call, offer ? Kind::Offer : Kind::Answer);
    s.sdp = sdp;
    d->send(callId, {user}, s);
}

void Calls::sendCandidates(const QByteArray &callId, const QStringList &candidates)
{
    Call *call = d->find(callId);
    if (!call || candidates.isEmpty())
        return;
    for (qsizetype i = 0; i < candidates.size(); i += CallSignal::MaxCandidates) {
        CallSignal s = Private::signalFor(*call, Kind::Candidates);
        s.candidates = candidates.mid(i, CallSignal::MaxCandidates);
        d->send(callId, d->othersIn(*call), s);
    }
}

void Calls::hangUp(const QByteArray &callId)
{
    Call *call = d->find(callId);
    if (!call)
        return;
    if (call->room.isEmpty())
        d->send(callId, {call->peer}, Private::signalFor(*call, Kind::HangUp));
    else if (call->state == State::Active || call->state == State::Joining)
        d->send(callId, call->state == State::Active ? d->othersIn(*call) : QStringList{call->owner},
                Private::signalFor(*call, Kind::HangUp));
    d->end(callId, u"hung_up"_s);
}

std::optional<Calls::Call> Calls::call(const QByteArray &callId) const
{
    const auto it = d->calls.find(callId);
    if (it == d->calls.end())
        return std::nullopt;
    return it->second;
}

QList<Calls::Call> Calls::calls() const
{
    QList<Call> out;
    for (const auto &[id, call] : d->calls)
        out << call;
    return out;
}

void Calls::setSignalLifetime(quint32 seconds) { d->lifetime = std::max<quint32>(1, seconds); }

} // namespace parley::sdk
