// The room record chain (protocol/roomchain.cpp) on both sides:
// - a client reads a `room` page and verifies the chain from its first record (verifyRoomChain: decoding, links,
//   rules, device certificates and record signatures), with the root keys of docs/protocol-vectors/ as the pinned
//   identities;
// - the same records replayed through RoomState::check()/apply() without signatures (the rules alone);
// - the server takes a `room_change` and checks its record against the room's state (here the states the chain of
//   room-records.json leads to); the input is also taken as such a record by itself.
// Invariants: a record that decodes is exactly the deterministic encoding of what it decodes to; a chain that
// verifies is a prefix of the chain of the vectors (only those records are signed) and leads to the same state as
// its unsigned replay; after every applied record a room with members has an admin, and the sequence counts the
// records.

#include "fuzzsupport.h"

#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/roomchain.h"

#include <QJsonArray>
#include <QMap>

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace parley;
using namespace parley::protocol;

namespace {

struct Fixture {
    QMap<QString, QByteArray> roots;
    QString room;
    QList<QByteArray> records;          // the vectors' chain, in order
    QList<RoomState> states;            // states[i]: after the first i records
};

const Fixture *fixture = nullptr;

Fixture *makeFixture()
{
    const QJsonObject file = fuzz::vectorFile(QStringLiteral("room-records.json"));
    auto *f = new Fixture;
    const QJsonObject roots = file.value(QLatin1StringView("roots")).toObject();
    for (auto it = roots.begin(); it != roots.end(); ++it)
        f->roots.insert(it.key(), fuzz::unhex(it.value()));
    f->room = file.value(QLatin1StringView("room")).toString();
    RoomState state;
    state.room = f->room;
    f->states.append(state);
    for (const QJsonValue &v : file.value(QLatin1StringView("chain")).toArray()) {
        const QByteArray bytes = fuzz::unhex(v.toObject().value(QLatin1StringView("record")));
        Result<RoomRecord> record = RoomRecord::decode(bytes);
        if (!record || !state.check(*record))
            fuzz::setupFailed(QStringLiteral("room-records.json: the chain does not replay"));
        state.apply(*record, bytes);
        f->records.append(bytes);
        f->states.append(state);
    }
    return f;
}

void checkState(const RoomState &state, quint64 applied)
{
    FUZZ_CHECK(state.nextSeq == applied);
    FUZZ_CHECK(state.members.isEmpty() || state.adminCount() >= 1);
}

std::optional<RoomRecord> decodeStrict(const QByteArray &bytes)
{
    Result<RoomRecord> record = RoomRecord::decode(bytes);
    if (!record)
        return std::nullopt;
    FUZZ_CHECK(record->encode() == bytes);
    return record.value();
}

bool sameState(const RoomState &a, const RoomState &b)
{
    return a.room == b.room && a.nextSeq == b.nextSeq && a.head == b.head && a.members == b.members
           && a.policy == b.policy && a.lastAt == b.lastAt;
}

// The chain's records through the rules alone; returns the state after the longest prefix that passes.
RoomState replay(const QString &room, const QList<SignedRoomRecord> &chain, qsizetype *applied)
{
    RoomState state;
    state.room = room;
    *applied = 0;
    for (const SignedRoomRecord &s : chain) {
        const std::optional<RoomRecord> record = decodeStrict(s.bytes);
        if (!record || !state.check(*record))
            break;
        state.apply(*record, s.bytes);
        ++*applied;
        checkState(state, quint64(*applied));
    }
    return state;
}

void checkPage(const Room &page)
{
    QList<SignedRoomRecord> chain;
    for (const RoomEntry &e : page.chain)
        chain.append(SignedRoomRecord{e.rec, e.sig, e.dpub, e.dsig});
    qsizetype applied = 0;
    const RoomState replayed = replay(page.room, chain, &applied);
    Result<RoomState> verified = verifyRoomChain(page.room, chain, [](const QString &user) {
        return fixture->roots.value(user);
    });
    if (!verified)
        return;
    FUZZ_CHECK(page.room == fixture->room);
    FUZZ_CHECK(chain.size() <= fixture->records.size());
    for (qsizetype i = 0; i < chain.size(); ++i)
        FUZZ_CHECK(chain.at(i).bytes == fixture->records.at(i));
    FUZZ_CHECK(applied == chain.size());
    FUZZ_CHECK(sameState(*verified, replayed));
    FUZZ_CHECK(sameState(*verified, fixture->states.at(chain.size())));
}

// A record the server was asked to append (the `rec` of a room_change, or the input itself, so that the rules see
// records changed without the frame's length prefixes in the way).
void checkChange(const QByteArray &bytes)
{
    const std::optional<RoomRecord> record = decodeStrict(bytes);
    if (!record)
        return;
    const qsizetype at = qsizetype(qMin(record->seq, quint64(fixture->records.size())));
    RoomState state = fixture->states.at(at);
    if (!state.check(*record))
        return;
    FUZZ_CHECK(record->seq == quint64(at) && record->room == fixture->room);
    state.apply(*record, bytes);
    checkState(state, quint64(at) + 1);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietLogging();
    fixture = makeFixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto page = decodeAs<Room>(input, Direction::ServerToClient);
    if (const Room *r = std::get_if<Room>(&page))
        checkPage(*r);
    const auto change = decodeAs<RoomChange>(input, Direction::ClientToServer);
    if (const RoomChange *c = std::get_if<RoomChange>(&change))
        checkChange(c->rec);
    checkChange(input.toByteArray());
    return 0;
}
