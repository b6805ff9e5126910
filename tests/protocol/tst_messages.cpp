// The typed frames of protocol/messages.h: they agree with the schema table, every type survives encode -> decode ->
// from() at both ends of every range and with random values, their bytes are those of protocol::encode() and of the
// QCborValue encoding, and decodeAs() refuses a frame of another type.

#include "referenceencoding.h"
#include "protocol/cborwriter.h"
#include "protocol/frame.h"
#include "protocol/messages.h"

#include <QCborStreamWriter>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;
using namespace parley::protocol;

namespace {

constexpr auto C2S = Direction::ClientToServer;
constexpr auto S2C = Direction::ServerToClient;

using parley::protocol::test::referenceEncode;

// Values for one struct: every range at its lower end (Min: absent optionals, fewest elements, shortest strings,
// smallest numbers), at its upper end (Max: every optional present), or random within it.
enum class Mode { Min, Max, Random };

class Gen {
public:
    Gen(Mode mode, quint32 seed) : m_mode(mode), m_rng(seed) {}

    Mode mode() const { return m_mode; }

    quint64 uint(quint64 min, quint64 max)
    {
        switch (m_mode) {
        case Mode::Min: return min;
        case Mode::Max: return max;
        case Mode::Random: break;
        }
        // Ends of the range now and then; otherwise spread over the head sizes.
        switch (m_rng.bounded(8)) {
        case 0: return min;
        case 1: return max;
        default: break;
        }
        const quint64 span = max - min;
        const int bits = int(m_rng.bounded(64)) + 1;
        const quint64 mask = bits == 64 ? ~quint64(0) : (quint64(1) << bits) - 1;
        return min + ((m_rng.generate64() & mask) % (span + 1 == 0 ? ~quint64(0) : span + 1));
    }
    qsizetype count(qsizetype min, qsizetype max) { return qsizetype(uint(quint64(min), quint64(max))); }
    bool flag() { return m_mode == Mode::Random ? m_rng.bounded(2) == 1 : m_mode == Mode::Max; }
    bool present() { return flag(); }
    quint32 device() { return quint32(uint(1, quint64(1) << 31)); }
    quint32 kid() { return quint32(uint(0, 0xffffffffu)); }
    quint64 counter() { return uint(0, MaxRequestId); }

    QByteArray bytes(qsizetype min, qsizetype max)
    {
        const qsizetype n = count(min, max);
        QByteArray b(n, Qt::Uninitialized);
        for (qsizetype i = 0; i < n; ++i)
            b[i] = char(m_mode == Mode::Random ? m_rng.bounded(256) : (m_mode == Mode::Max ? 0xff : 0));
        return b;
    }
    QByteArray point() { return bytes(133, 133); }
    QByteArray signature() { return bytes(1, 139); }

    // A user name of 1 to 64 bytes.
    QString name() { return nameOf(count(1, 64), 0); }
    // `n` distinct names in ascending UTF-8 order.
    QStringList sortedNames(qsizetype min, qsizetype max)
    {
        const qsizetype n = count(min, max);
        QStringList out;
        for (qsizetype i = 0; i < n; ++i)
            out.append(nameOf(m_mode == Mode::Min ? 1 : (m_mode == Mode::Max ? 64 : 5 + m_rng.bounded(60)), i));
        std::sort(out.begin(), out.end(), [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
        return out;
    }
    QStringList names(qsizetype min, qsizetype max)
    {
        const qsizetype n = count(min, max);
        QStringList out;
        for (qsizetype i = 0; i < n; ++i)
            out.append(name());
        return out;
    }

    // Text of min … max UTF-8 bytes; random text mixes in two- and three-byte characters.
    QString text(qsizetype min, qsizetype max)
    {
        const qsizetype target = count(min, max);
        QString s;
        qsizetype used = 0;
        while (used < target) {
            const qsizetype left = target - used;
            const int pick = m_mode == Mode::Random ? int(m_rng.bounded(3)) : (m_mode == Mode::Max ? 1 : 0);
            if (pick == 2 && left >= 3) {
                s += u'\u20ac';
                used += 3;
            } else if (pick >= 1 && left >= 2) {
                s += u'\u00e9';
                used += 2;
            } else {
                s += QChar(u'a' + char16_t(m_mode == Mode::Random ? m_rng.bounded(26) : 0));
                used += 1;
            }
        }
        return s;
    }

    template<class T, class F>
    std::optional<T> maybe(F make)
    {
        if (!present())
            return std::nullopt;
        return make();
    }
    template<class T, class F>
    QList<T> list(qsizetype min, qsizetype max, F make)
    {
        const qsizetype n = count(min, max);
        QList<T> out;
        out.reserve(n);
        for (qsizetype i = 0; i < n; ++i)
            out.append(make());
        return out;
    }

private:
    // Distinct for distinct `index` (for index < 10000), `length` bytes (at least 4 when index > 0).
    QString nameOf(qsizetype length, qsizetype index)
    {
        QString s;
        if (length == 1 && index == 0)
            return m_mode == Mode::Max ? u"z"_s : u"a"_s;
        s = u"%1"_s.arg(index, 4, 10, QChar(u'0'));
        static const QString tail = u"abcdefghijklmnopqrstuvwxyz0123456789._-"_s;
        while (s.size() < length)
            s += m_mode == Mode::Random ? tail.at(m_rng.bounded(int(tail.size()))) : QChar(u'x');
        return s.left(std::max<qsizetype>(length, 4));
    }

    Mode m_mode;
    QRandomGenerator m_rng;
};

// ---- one value of each struct ----------------------------------------------------------------------------------

Prekey makePrekey(Gen &g) { return Prekey{g.kid(), g.point(), g.signature()}; }
KeyEntry makeKeyEntry(Gen &g) { return KeyEntry{g.name(), g.device(), g.kid(), g.point(), g.bytes(48, 48)}; }
DeviceRef makeDeviceRef(Gen &g) { return DeviceRef{g.name(), g.device()}; }
DeviceCert makeDeviceCert(Gen &g) { return DeviceCert{g.device(), g.point(), g.signature()}; }
BundleDevice makeBundleDevice(Gen &g)
{
    return BundleDevice{g.device(), g.point(), g.signature(), makePrekey(g), g.flag()};
}
RoomEntry makeRoomEntry(Gen &g) { return RoomEntry{g.bytes(1, 2048), g.signature(), g.point(), g.signature()}; }
MessageOptions makeOptions(Gen &g)
{
    MessageOptions o;
    o.room = g.maybe<QString>([&] { return g.name(); });
    o.exp = g.maybe<quint64>([&] { return g.uint(1, quint64(1) << 32); });
    o.burn = g.maybe<bool>([&] { return g.flag(); });
    return o;
}

template<class T>
T make(Gen &g);

template<>
EnrollInfo make(Gen &g) { return EnrollInfo{g.name(), g.text(1, 64)}; }
template<>
Enroll make(Gen &g)
{
    Enroll e{g.name(), g.text(1, 64), g.point(), g.point(), g.signature(), {}, {}};
    e.name = g.maybe<QString>([&] { return g.text(0, 64); });
    e.recovery = g.maybe<QByteArray>([&] { return g.bytes(1, MaxRecoveryBytes); });
    return e;
}
template<>
Login make(Gen &g)
{
    Login l{g.name(), g.device(), std::nullopt, std::nullopt};
    l.sig = g.maybe<QByteArray>([&] { return g.signature(); });
    l.resume = g.maybe<QByteArray>([&] { return g.bytes(32, 32); });
    return l;
}
template<>
Prekeys make(Gen &g)
{
    Prekeys p;
    p.keys = g.list<Prekey>(0, MaxPrekeysPerUpload, [&] { return makePrekey(g); });
    p.lr = g.maybe<Prekey>([&] { return makePrekey(g); });
    return p;
}
template<>
Devices make(Gen &g) { return Devices{g.names(1, MaxRecipients)}; }
template<>
Fetch make(Gen &g)
{
    Fetch f{g.name(), {}};
    f.devices = g.maybe<QList<quint32>>([&] { return g.list<quint32>(1, 1000, [&] { return g.device(); }); });
    return f;
}
template<>
SendRequest make(Gen &g)
{
    SendRequest s;
    s.mid = g.bytes(16, 16);
    s.to = g.sortedNames(1, MaxRecipients);
    s.at = g.counter();
    s.pl = g.bytes(0, MaxPayloadBytes);
    s.kc = g.bytes(32, 32);
    s.opts = makeOptions(g);
    s.sig = g.signature();
    // The schema allows 10,000 entries, the 1 MiB client frame about 3,200 of them next to 1,000 long names.
    s.keys = g.list<KeyEntry>(1, 3000, [&] { return makeKeyEntry(g); });
    s.blobs = g.maybe<QList<QByteArray>>([&] { return g.list<QByteArray>(1, MaxBlobsPerMessage, [&] { return g.bytes(16, 16); }); });
    return s;
}
template<>
Ack make(Gen &g) { return Ack{g.list<quint64>(1, MaxAcksPerFrame, [&] { return g.counter(); })}; }
template<>
RecoveryPut make(Gen &g) { return RecoveryPut{g.bytes(1, MaxRecoveryBytes)}; }
template<>
RecoveryGet make(Gen &) { return RecoveryGet{}; }
template<>
PushRegister make(Gen &g)
{
    static const QStringList kinds{u"apns"_s, u"fcm"_s, u"webpush"_s};
    PushRegister p;
    p.kind = kinds.at(qsizetype(g.uint(0, 2)));
    p.token = g.maybe<QString>([&] { return g.text(1, 4096); });
    p.topic = g.maybe<QString>([&] { return g.text(1, 255); });
    p.endpoint = g.maybe<QString>([&] { return g.text(1, 2048); });
    p.p256dh = g.maybe<QByteArray>([&] { return g.bytes(65, 65); });
    p.auth = g.maybe<QByteArray>([&] { return g.bytes(16, 16); });
    return p;
}
template<>
PushRemove make(Gen &) { return PushRemove{}; }
template<>
RoomChange make(Gen &g) { return RoomChange{g.name(), g.bytes(1, 2048), g.signature()}; }
template<>
RoomGet make(Gen &g)
{
    RoomGet r{g.name(), {}};
    r.fromSeq = g.maybe<quint64>([&] { return g.counter(); });
    return r;
}
template<>
RoomsRequest make(Gen &) { return RoomsRequest{}; }
template<>
TurnRequest make(Gen &) { return TurnRequest{}; }
template<>
BlobStart make(Gen &g)
{
    BlobStart b;
    b.blob = g.maybe<QByteArray>([&] { return g.bytes(16, 16); });
    b.size = g.uint(1, MaxRequestId);
    return b;
}
template<>
BlobPut make(Gen &g) { return BlobPut{g.bytes(16, 16), g.counter(), g.bytes(1, MaxBlobChunkBytes)}; }
template<>
BlobGet make(Gen &g) { return BlobGet{g.bytes(16, 16), g.counter()}; }

template<>
Hello make(Gen &g)
{
    Hello h;
    h.v = g.uint(1, MaxRequestId);
    // Ascending without duplicates: 1 … 64 versions ending at a value at least their number.
    const qsizetype n = g.count(1, 64);
    const quint64 last = g.uint(quint64(n), MaxRequestId);
    for (qsizetype i = 0; i < n; ++i)
        h.vs.append(last - quint64(n - 1 - i));
    h.ch = g.bytes(32, 32);
    h.time = g.counter();
    h.max = g.counter();
    return h;
}
template<>
EnrollInfoOk make(Gen &g)
{
    EnrollInfoOk e{g.flag(), {}};
    e.recovery = g.maybe<QByteArray>([&] { return g.bytes(1, MaxRecoveryBytes); });
    return e;
}
template<>
Enrolled make(Gen &g) { return Enrolled{g.device()}; }
template<>
Welcome make(Gen &g)
{
    Welcome w{g.counter(), g.flag(), g.counter(), std::nullopt, std::nullopt};
    w.resume = g.maybe<QByteArray>([&] { return g.bytes(32, 32); });
    w.resumeExp = g.maybe<quint64>([&] { return g.counter(); });
    return w;
}
template<>
PrekeysOk make(Gen &g) { return PrekeysOk{g.counter()}; }
template<>
DeviceList make(Gen &g)
{
    DeviceList d;
    qsizetype i = 0;
    // 1,000 users, the first with 1,000 devices, stay under the 4 MiB server frame.
    d.users = g.list<DirectoryUser>(0, 1000, [&] {
        const qsizetype devices = i++ == 0 ? 1000 : 2;
        return DirectoryUser{g.name(), g.point(), g.list<DeviceCert>(0, devices, [&] { return makeDeviceCert(g); })};
    });
    d.unknown = g.names(0, 1000);
    return d;
}
template<>
Bundle make(Gen &g)
{
    return Bundle{g.name(), g.point(), g.list<BundleDevice>(0, 1000, [&] { return makeBundleDevice(g); })};
}
template<>
Accepted make(Gen &g) { return Accepted{g.bytes(16, 16), g.counter()}; }
template<>
Msg make(Gen &g)
{
    Msg m;
    m.seq = g.counter();
    m.sender = g.name();
    m.dev = g.device();
    m.mid = g.bytes(16, 16);
    m.to = g.sortedNames(1, MaxRecipients);
    m.at = g.counter();
    m.pl = g.bytes(0, MaxPayloadBytes);
    m.kc = g.bytes(32, 32);
    m.opts = makeOptions(g);
    m.sig = g.signature();
    m.kid = g.kid();
    m.eph = g.point();
    m.wk = g.bytes(48, 48);
    return m;
}
template<>
Synced make(Gen &) { return Synced{}; }
template<>
Refill make(Gen &g) { return Refill{g.counter()}; }
template<>
Recovery make(Gen &g) { return Recovery{g.maybe<QByteArray>([&] { return g.bytes(1, MaxRecoveryBytes); })}; }
template<>
Ok make(Gen &) { return Ok{}; }
template<>
RoomOk make(Gen &g) { return RoomOk{g.name(), g.counter()}; }
template<>
Room make(Gen &g)
{
    Room r;
    r.room = g.name();
    r.chain = g.list<RoomEntry>(0, 1000, [&] { return makeRoomEntry(g); });
    r.more = g.flag();
    r.enforcedExpire = g.maybe<quint64>([&] { return g.uint(0, quint64(1) << 32); });
    r.enforcedBurn = g.maybe<bool>([&] { return g.flag(); });
    return r;
}
template<>
RoomList make(Gen &g)
{
    RoomList l;
    qsizetype i = 0;
    // 10,000 rooms; only the first has the longest title and description (the 4 MiB frame).
    l.rooms = g.list<RoomSummary>(0, 10000, [&] {
        const bool first = i++ == 0;
        RoomSummary s;
        s.room = g.name();
        s.seq = g.counter();
        s.title = g.text(0, first ? 128 : 8);
        s.description = g.text(0, first ? 1024 : 8);
        s.members = g.counter();
        s.admin = g.flag();
        s.enforcedExpire = g.maybe<quint64>([&] { return g.uint(0, quint64(1) << 32); });
        s.enforcedBurn = g.maybe<bool>([&] { return g.flag(); });
        return s;
    });
    l.limits = RoomLimits{g.counter(), g.counter(), g.counter(), g.flag()};
    return l;
}
template<>
RoomChanged make(Gen &g) { return RoomChanged{g.name(), g.counter()}; }
template<>
TurnCreds make(Gen &g)
{
    TurnCreds t;
    const qsizetype n = g.count(1, 16);
    for (qsizetype i = 0; i < n; ++i)
        t.uris.append(g.text(1, 512));
    t.user = g.text(1, 128);
    t.pass = g.text(1, 128);
    t.ttl = g.counter();
    return t;
}
template<>
BlobStarted make(Gen &g) { return BlobStarted{g.bytes(16, 16), g.counter(), g.uint(1, MaxRequestId), g.uint(1, MaxBlobChunkBytes)}; }
template<>
BlobAck make(Gen &g) { return BlobAck{g.bytes(16, 16), g.counter(), g.flag()}; }
template<>
BlobData make(Gen &g) { return BlobData{g.bytes(16, 16), g.counter(), g.uint(1, MaxRequestId), g.bytes(0, MaxBlobChunkBytes)}; }
template<>
ErrorReply make(Gen &g)
{
    ErrorReply e;
    e.code = WireError(g.uint(quint64(WireError::BadFrame), quint64(WireError::Internal)));
    e.msg = g.text(0, MaxErrorMessageBytes);
    e.missing = g.maybe<QList<DeviceRef>>([&] { return g.list<DeviceRef>(0, MaxKeyEntries, [&] { return makeDeviceRef(g); }); });
    e.stale = g.maybe<QList<DeviceRef>>([&] { return g.list<DeviceRef>(0, MaxKeyEntries, [&] { return makeDeviceRef(g); }); });
    e.unknown = g.maybe<QStringList>([&] { return g.names(0, 1000); });
    e.retry = g.maybe<quint64>([&] { return g.counter(); });
    return e;
}

// ---- the round trip ----------------------------------------------------------------------------------------------

// Another frame of the direction, for decodeAs() to refuse.
QByteArray otherFrame(Direction d, QLatin1StringView type, quint64 id)
{
    if (d == C2S)
        return type == RecoveryGet::Type ? PushRemove{}.encode(id) : RecoveryGet{}.encode(id);
    return type == Ok::Type ? RoomOk{u"team"_s, 1}.encode(id) : Ok{}.encode(id);
}

// What is wrong with the round trip of `value` (empty: nothing).
template<class T>
QString roundTripProblem(const T &value, Direction d, quint64 id)
{
    const QByteArray bytes = value.encode(id);
    const DecodeResult result = decode(bytes, d);
    if (const auto *error = std::get_if<FrameError>(&result))
        return u"decode refused it: "_s + wireErrorName(error->code) + u": "_s + error->message;
    const Frame &frame = std::get<Frame>(result);
    if (frame.type != T::Type || frame.id != id)
        return u"decoded as %1 with id %2"_s.arg(frame.type).arg(frame.id);
    if (!(T::from(frame) == value))
        return u"from() gives another value"_s;
    if (encode(frame) != bytes)
        return u"protocol::encode() of the decoded frame gives other bytes"_s;
    if (referenceEncode(frame) != bytes)
        return u"the QCborValue encoding of the decoded frame gives other bytes"_s;

    const std::variant<T, FrameError> typed = decodeAs<T>(bytes, d);
    if (!std::holds_alternative<T>(typed) || !(std::get<T>(typed) == value))
        return u"decodeAs() does not give the value"_s;
    const std::variant<T, FrameError> wrong = decodeAs<T>(otherFrame(d, T::Type, 77), d);
    if (const auto *error = std::get_if<FrameError>(&wrong); !error || error->code != WireError::UnknownType
                                                              || error->id != 77)
        return u"decodeAs() takes a frame of another type"_s;
    return QString();
}

using Check = std::function<QString()>;

bool carriesNoId(QLatin1StringView type)
{
    return type == Hello::Type || type == Msg::Type || type == Synced::Type || type == Refill::Type
        || type == RoomChanged::Type;
}

template<class T>
void addRows(Direction d)
{
    const struct {
        Mode mode;
        const char *name;
    } modes[] = {{Mode::Min, "min"}, {Mode::Max, "max"}, {Mode::Random, "random 1"}, {Mode::Random, "random 2"},
                 {Mode::Random, "random 3"}};
    quint32 seed = quint32(qHash(QString(T::Type)));
    for (const auto &m : modes) {
        Gen g(m.mode, ++seed);
        const T value = make<T>(g);
        quint64 id = g.uint(1, MaxRequestId);
        if (carriesNoId(T::Type) || ((T::Type == Ack::Type || T::Type == ErrorReply::Type) && m.mode == Mode::Min))
            id = 0;
        QTest::addRow("%s %s", T::Type.data(), m.name) << Check([value, d, id] { return roundTripProblem(value, d, id); });
    }
}

} // namespace

Q_DECLARE_METATYPE(Check)
Q_DECLARE_METATYPE(parley::protocol::MessageOptions)

class TestMessages : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void structsMatchTheSchema()
    {
        const QStringList differences = schemaDifferences();
        QVERIFY2(differences.isEmpty(), qPrintable(differences.join(u"\n"_s)));
    }

    void roundTrip_data()
    {
        QTest::addColumn<Check>("check");
        addRows<EnrollInfo>(C2S);
        addRows<Enroll>(C2S);
        addRows<Login>(C2S);
        addRows<Prekeys>(C2S);
        addRows<Devices>(C2S);
        addRows<Fetch>(C2S);
        addRows<SendRequest>(C2S);
        addRows<Ack>(C2S);
        addRows<RecoveryPut>(C2S);
        addRows<RecoveryGet>(C2S);
        addRows<PushRegister>(C2S);
        addRows<PushRemove>(C2S);
        addRows<RoomChange>(C2S);
        addRows<RoomGet>(C2S);
        addRows<RoomsRequest>(C2S);
        addRows<TurnRequest>(C2S);
        addRows<BlobStart>(C2S);
        addRows<BlobPut>(C2S);
        addRows<BlobGet>(C2S);
        addRows<Hello>(S2C);
        addRows<EnrollInfoOk>(S2C);
        addRows<Enrolled>(S2C);
        addRows<Welcome>(S2C);
        addRows<PrekeysOk>(S2C);
        addRows<DeviceList>(S2C);
        addRows<Bundle>(S2C);
        addRows<Accepted>(S2C);
        addRows<Msg>(S2C);
        addRows<Synced>(S2C);
        addRows<Refill>(S2C);
        addRows<Recovery>(S2C);
        addRows<Ok>(S2C);
        addRows<RoomOk>(S2C);
        addRows<Room>(S2C);
        addRows<RoomList>(S2C);
        addRows<RoomChanged>(S2C);
        addRows<TurnCreds>(S2C);
        addRows<BlobStarted>(S2C);
        addRows<BlobAck>(S2C);
        addRows<BlobData>(S2C);
        addRows<ErrorReply>(S2C);
    }

    void roundTrip()
    {
        QFETCH(Check, check);
        const QString problem = check();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void everyFrameTypeHasRows()
    {
        // The rows above cover every type of the schema (structsMatchTheSchema() ties the structs to it).
        QCOMPARE(frameTypes(C2S).size() + frameTypes(S2C).size(), 41);
    }

    void encodeLayout()
    {
        // "t", then "id", then the fields in the schema's order; absent optionals are left out.
        QCOMPARE((Ack{{1, 24}}.encode(300).toHex()), QByteArray("a361746361636b62696419012c647365717382011818"));
        QCOMPARE(Synced{}.encode().toHex(), QByteArray("a161746673796e636564"));
        QCOMPARE((RoomGet{u"a"_s, {}}.encode(1).toHex()), QByteArray("a3617468726f6f6d5f676574626964016472" "6f6f6d6161"));
        MessageOptions opts;
        opts.burn = true;
        SendRequest s;
        s.opts = opts;
        const auto r = decode(s.encode(1), C2S);
        QVERIFY(std::holds_alternative<FrameError>(r));   // not a valid send, but the layout holds
        QVERIFY(s.encode(1).contains(QByteArray::fromHex("646f707473a1646275726ef5")));
    }

    void errorReplyCutsTheMessage()
    {
        const ErrorReply e = errorReply(WireError::Quota, QString(2000, u'\u00e9'));
        QCOMPARE(e.code, WireError::Quota);
        QCOMPARE(e.msg.toUtf8().size(), MaxErrorMessageBytes);
        QCOMPARE(e.encode(5), encode(errorFrame(WireError::Quota, QString(2000, u'\u00e9'), 5)));
    }

    // The server's form of `msg` writes the bytes of the typed one, and reads back the same encoded parts.
    void decodeAsPassesDecodeErrors()
    {
        // A frame decode() refuses is refused with decode()'s error, whatever type was asked for.
        Login login{u"alice"_s, 0, QByteArray(1, 's'), std::nullopt};   // device 0 is out of range
        const auto r = decodeAs<Login>(login.encode(9), C2S);
        QVERIFY(std::holds_alternative<FrameError>(r));
        QCOMPARE(std::get<FrameError>(r).code, WireError::BadField);
        QCOMPARE(std::get<FrameError>(r).id, quint64(9));
        // A type of the other direction is unknown to decode().
        const auto other = decodeAs<Welcome>(Welcome{}.encode(3), C2S);
        QVERIFY(std::holds_alternative<FrameError>(other));
        QCOMPARE(std::get<FrameError>(other).code, WireError::UnknownType);
        const auto wrong = decodeAs<Welcome>(Accepted{QByteArray(16, 'm'), 1}.encode(3), S2C);
        QVERIFY(std::holds_alternative<FrameError>(wrong));
        QCOMPARE(std::get<FrameError>(wrong).code, WireError::UnknownType);
        QCOMPARE(std::get<FrameError>(wrong).message, u"expected a welcome frame, not accepted"_s);
        QCOMPARE(std::get<FrameError>(wrong).id, quint64(3));
    }
};

QTEST_GUILESS_MAIN(TestMessages)
#include "tst_messages.moc"
