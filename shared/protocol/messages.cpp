#include "protocol/messages.h"

#include "protocol/cborwriter.h"
#include "protocol/schema.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>

#include <optional>
#include <tuple>
#include <type_traits>

using namespace Qt::StringLiterals;

namespace parley::protocol {

namespace {

// ---- field lists: the one place that names the keys of each struct ---------------------------------------------

// One key of a struct: its wire name and the member that holds it. Optional members are std::optional.
template<class S, class M>
struct Def {
    using Member = M;
    QLatin1StringView key;
    M S::*member;
};

template<class S, class M>
constexpr Def<S, M> def(QLatin1StringView key, M S::*member)
{
    return Def<S, M>{key, member};
}

// Fields<S>::list: the keys of S in the order of the schema table (the order encode() writes them in).
template<class S>
struct Fields;

template<class S>
concept Described = requires { Fields<S>::list; };

#define PARLEY_FIELDS(S, ...)                                                                                          \
    template<>                                                                                                         \
    struct Fields<S> {                                                                                                 \
        static constexpr auto list = std::make_tuple(__VA_ARGS__);                                                     \
    }

PARLEY_FIELDS(Prekey, def("kid"_L1, &Prekey::kid), def("pub"_L1, &Prekey::pub), def("sig"_L1, &Prekey::sig));
PARLEY_FIELDS(KeyEntry, def("user"_L1, &KeyEntry::user), def("device"_L1, &KeyEntry::device),
              def("kid"_L1, &KeyEntry::kid), def("eph"_L1, &KeyEntry::eph), def("wk"_L1, &KeyEntry::wk));
PARLEY_FIELDS(DeviceRef, def("user"_L1, &DeviceRef::user), def("device"_L1, &DeviceRef::device));
PARLEY_FIELDS(DeviceCert, def("device"_L1, &DeviceCert::device), def("pub"_L1, &DeviceCert::pub),
              def("sig"_L1, &DeviceCert::sig));
PARLEY_FIELDS(DirectoryUser, def("user"_L1, &DirectoryUser::user), def("root"_L1, &DirectoryUser::root),
              def("devices"_L1, &DirectoryUser::devices));
PARLEY_FIELDS(BundleDevice, def("device"_L1, &BundleDevice::device), def("pub"_L1, &BundleDevice::pub),
              def("sig"_L1, &BundleDevice::sig), def("pk"_L1, &BundleDevice::pk), def("lr"_L1, &BundleDevice::lr));
PARLEY_FIELDS(RoomEntry, def("rec"_L1, &RoomEntry::rec), def("sig"_L1, &RoomEntry::sig),
              def("dpub"_L1, &RoomEntry::dpub), def("dsig"_L1, &RoomEntry::dsig));
PARLEY_FIELDS(RoomSummary, def("room"_L1, &RoomSummary::room), def("seq"_L1, &RoomSummary::seq),
              def("title"_L1, &RoomSummary::title), def("description"_L1, &RoomSummary::description),
              def("members"_L1, &RoomSummary::members), def("admin"_L1, &RoomSummary::admin),
              def("enforced_expire"_L1, &RoomSummary::enforcedExpire),
              def("enforced_burn"_L1, &RoomSummary::enforcedBurn));
PARLEY_FIELDS(RoomLimits, def("max_members"_L1, &RoomLimits::maxMembers), def("max_expire"_L1, &RoomLimits::maxExpire),
              def("default_expire"_L1, &RoomLimits::defaultExpire),
              def("default_burn"_L1, &RoomLimits::defaultBurn));
PARLEY_FIELDS(MessageOptions, def("room"_L1, &MessageOptions::room), def("exp"_L1, &MessageOptions::exp),
              def("burn"_L1, &MessageOptions::burn));

PARLEY_FIELDS(EnrollInfo, def("user"_L1, &EnrollInfo::user), def("code"_L1, &EnrollInfo::code));
PARLEY_FIELDS(Enroll, def("user"_L1, &Enroll::user), def("code"_L1, &Enroll::code), def("root"_L1, &Enroll::root),
              def("dev"_L1, &Enroll::dev), def("dsig"_L1, &Enroll::dsig), def("name"_L1, &Enroll::name),
              def("recovery"_L1, &Enroll::recovery));
PARLEY_FIELDS(Login, def("user"_L1, &Login::user), def("device"_L1, &Login::device), def("sig"_L1, &Login::sig),
              def("resume"_L1, &Login::resume));
PARLEY_FIELDS(Prekeys, def("keys"_L1, &Prekeys::keys), def("lr"_L1, &Prekeys::lr));
PARLEY_FIELDS(Devices, def("users"_L1, &Devices::users));
PARLEY_FIELDS(Fetch, def("user"_L1, &Fetch::user), def("devices"_L1, &Fetch::devices));
PARLEY_FIELDS(SendRequest, def("mid"_L1, &SendRequest::mid), def("to"_L1, &SendRequest::to),
              def("at"_L1, &SendRequest::at), def("pl"_L1, &SendRequest::pl), def("kc"_L1, &SendRequest::kc),
              def("opts"_L1, &SendRequest::opts), def("sig"_L1, &SendRequest::sig),
              def("keys"_L1, &SendRequest::keys), def("blobs"_L1, &SendRequest::blobs));
PARLEY_FIELDS(Ack, def("seqs"_L1, &Ack::seqs));
PARLEY_FIELDS(RecoveryPut, def("blob"_L1, &RecoveryPut::blob));
PARLEY_FIELDS(RecoveryGet);
PARLEY_FIELDS(PushRegister, def("kind"_L1, &PushRegister::kind), def("token"_L1, &PushRegister::token),
              def("topic"_L1, &PushRegister::topic), def("endpoint"_L1, &PushRegister::endpoint),
              def("p256dh"_L1, &PushRegister::p256dh), def("auth"_L1, &PushRegister::auth));
PARLEY_FIELDS(PushRemove);
PARLEY_FIELDS(RoomChange, def("room"_L1, &RoomChange::room), def("rec"_L1, &RoomChange::rec),
              def("sig"_L1, &RoomChange::sig));
PARLEY_FIELDS(RoomGet, def("room"_L1, &RoomGet::room), def("from"_L1, &RoomGet::fromSeq));
PARLEY_FIELDS(RoomsRequest);
PARLEY_FIELDS(TurnRequest);
PARLEY_FIELDS(BlobStart, def("blob"_L1, &BlobStart::blob), def("size"_L1, &BlobStart::size));
PARLEY_FIELDS(BlobPut, def("blob"_L1, &BlobPut::blob), def("offset"_L1, &BlobPut::offset),
              def("data"_L1, &BlobPut::data));
PARLEY_FIELDS(BlobGet, def("blob"_L1, &BlobGet::blob), def("offset"_L1, &BlobGet::offset));

PARLEY_FIELDS(Hello, def("v"_L1, &Hello::v), def("vs"_L1, &Hello::vs), def("ch"_L1, &Hello::ch),
              def("time"_L1, &Hello::time), def("max"_L1, &Hello::max));
PARLEY_FIELDS(EnrollInfoOk, def("new_user"_L1, &EnrollInfoOk::newUser), def("recovery"_L1, &EnrollInfoOk::recovery));
PARLEY_FIELDS(Enrolled, def("device"_L1, &Enrolled::device));
PARLEY_FIELDS(Welcome, def("prekeys"_L1, &Welcome::prekeys), def("lr"_L1, &Welcome::lr),
              def("queued"_L1, &Welcome::queued), def("resume"_L1, &Welcome::resume),
              def("resume_exp"_L1, &Welcome::resumeExp));
PARLEY_FIELDS(PrekeysOk, def("count"_L1, &PrekeysOk::count));
PARLEY_FIELDS(DeviceList, def("users"_L1, &DeviceList::users), def("unknown"_L1, &DeviceList::unknown));
PARLEY_FIELDS(Bundle, def("user"_L1, &Bundle::user), def("root"_L1, &Bundle::root),
              def("devices"_L1, &Bundle::devices));
PARLEY_FIELDS(Accepted, def("mid"_L1, &Accepted::mid), def("seq"_L1, &Accepted::seq));
template<class To, class Opts>
struct Fields<MsgOf<To, Opts>> {
    using M = MsgOf<To, Opts>;
    static constexpr auto list = std::make_tuple(
        def("seq"_L1, &M::seq), def("from"_L1, &M::sender), def("dev"_L1, &M::dev), def("mid"_L1, &M::mid),
        def("to"_L1, &M::to), def("at"_L1, &M::at), def("pl"_L1, &M::pl), def("kc"_L1, &M::kc),
        def("opts"_L1, &M::opts), def("sig"_L1, &M::sig), def("kid"_L1, &M::kid), def("eph"_L1, &M::eph),
        def("wk"_L1, &M::wk));
};
PARLEY_FIELDS(Synced);
PARLEY_FIELDS(Refill, def("remaining"_L1, &Refill::remaining));
PARLEY_FIELDS(Recovery, def("blob"_L1, &Recovery::blob));
PARLEY_FIELDS(Ok);
PARLEY_FIELDS(RoomOk, def("room"_L1, &RoomOk::room), def("seq"_L1, &RoomOk::seq));
PARLEY_FIELDS(Room, def("room"_L1, &Room::room), def("chain"_L1, &Room::chain), def("more"_L1, &Room::more),
              def("enforced_expire"_L1, &Room::enforcedExpire), def("enforced_burn"_L1, &Room::enforcedBurn));
PARLEY_FIELDS(RoomList, def("rooms"_L1, &RoomList::rooms), def("limits"_L1, &RoomList::limits));
PARLEY_FIELDS(RoomChanged, def("room"_L1, &RoomChanged::room), def("seq"_L1, &RoomChanged::seq));
PARLEY_FIELDS(TurnCreds, def("uris"_L1, &TurnCreds::uris), def("user"_L1, &TurnCreds::user),
              def("pass"_L1, &TurnCreds::pass), def("ttl"_L1, &TurnCreds::ttl));
PARLEY_FIELDS(BlobStarted, def("blob"_L1, &BlobStarted::blob), def("offset"_L1, &BlobStarted::offset),
              def("size"_L1, &BlobStarted::size), def("chunk"_L1, &BlobStarted::chunk));
PARLEY_FIELDS(BlobAck, def("blob"_L1, &BlobAck::blob), def("offset"_L1, &BlobAck::offset),
              def("done"_L1, &BlobAck::done));
PARLEY_FIELDS(BlobData, def("blob"_L1, &BlobData::blob), def("offset"_L1, &BlobData::offset),
              def("size"_L1, &BlobData::size), def("data"_L1, &BlobData::data));
PARLEY_FIELDS(ErrorReply, def("code"_L1, &ErrorReply::code), def("msg"_L1, &ErrorReply::msg),
              def("missing"_L1, &ErrorReply::missing), def("stale"_L1, &ErrorReply::stale),
              def("unknown"_L1, &ErrorReply::unknown), def("retry"_L1, &ErrorReply::retry));

#undef PARLEY_FIELDS

// Every frame struct per direction, for the check against the schema table.
using ClientFrames = std::tuple<EnrollInfo, Enroll, Login, Prekeys, Devices, Fetch, SendRequest, Ack, RecoveryPut,
                                RecoveryGet, PushRegister, PushRemove, RoomChange, RoomGet, RoomsRequest,
                                TurnRequest, BlobStart, BlobPut, BlobGet>;
using ServerFrames = std::tuple<Hello, EnrollInfoOk, Enrolled, Welcome, PrekeysOk, DeviceList, Bundle, Accepted, Msg,
                                Synced, Refill, Recovery, Ok, RoomOk, Room, RoomList, RoomChanged, TurnCreds,
                                BlobStarted, BlobAck, BlobData, ErrorReply>;

template<class T>
struct Optional : std::false_type {
    using Value = T;
};
template<class T>
struct Optional<std::optional<T>> : std::true_type {
    using Value = T;
};

template<class T>
struct List : std::false_type {};
template<class T>
struct List<QList<T>> : std::true_type {
    using Element = T;
};

template<class T>
struct IsEncoded : std::false_type {};
template<class T>
struct IsEncoded<Encoded<T>> : std::true_type {
    using Value = T;
};

template<class S, class F>
void forEachField(F &&f)
{
    std::apply([&f](const auto &...d) { (f(d), ...); }, Fields<S>::list);
}

// ---- encoding ------------------------------------------------------------------------------------------------

// W is a CborWriter, a CborSpanWriter or a CborSize: the same walk measures a frame and writes it.
template<class W>
void put(W &w, quint32 v) { w.uint(v); }
template<class W>
void put(W &w, quint64 v) { w.uint(v); }
template<class W>
void put(W &w, bool v) { w.boolean(v); }
template<class W>
void put(W &w, const QString &v) { w.text(QStringView(v)); }
template<class W>
void put(W &w, const QByteArray &v) { w.bytes(v); }
template<class W>
void put(W &w, WireError v) { w.text(QStringView(wireErrorName(v))); }
template<class W>
void put(W &w, const QStringList &v) { w.texts(v); }
template<class W, class T>
void put(W &w, const QList<T> &list);
template<class W, Described S>
void put(W &w, const S &s);
template<class W, class T>
void put(W &w, const Encoded<T> &v)
{
    if (v.cbor.isEmpty())
        put(w, T{});
    else
        w.raw(v.cbor);
}

template<class M>
bool present(const M &) { return true; }
template<class M>
bool present(const std::optional<M> &v) { return v.has_value(); }

template<class W, class M>
void putField(W &w, QLatin1StringView key, const M &v)
{
    w.text(key);
    put(w, v);
}
template<class W, class M>
void putField(W &w, QLatin1StringView key, const std::optional<M> &v)
{
    if (v)
        putField(w, key, *v);
}

template<class S>
quint64 presentFields(const S &s)
{
    quint64 n = 0;
    forEachField<S>([&](const auto &d) { n += present(s.*(d.member)) ? 1 : 0; });
    return n;
}

template<class W, class S>
void putFields(W &w, const S &s)
{
    forEachField<S>([&](const auto &d) { putField(w, d.key, s.*(d.member)); });
}

template<class W, class T>
void put(W &w, const QList<T> &list)
{
    w.array(quint64(list.size()));
    for (const T &e : list)
        put(w, e);
}

template<class W, Described S>
void put(W &w, const S &s)
{
    w.map(presentFields(s));
    putFields(w, s);
}

// {"t": type, "id": id (when non-zero), fields...}: the layout of protocol::encode().
template<class W, class T>
void writeFrame(W &w, const T &frame, quint64 id)
{
    w.map(presentFields(frame) + (id ? 2 : 1));
    w.text("t"_L1);
    w.text(T::Type);
    if (id) {
        w.text("id"_L1);
        w.uint(id);
    }
    putFields(w, frame);
}

// Measures the frame, sizes `out` once and writes it; a frame with non-ASCII text (rare: device names, titles,
// error messages) is written again with the appending writer.
template<class T>
void encodeFrame(const T &frame, QByteArray &out, quint64 id)
{
    CborSize size;
    writeFrame(size, frame, id);
    if (out.isDetached() && out.capacity() >= size.size())
        out.resize(size.size());
    else
        out = QByteArray(size.size(), Qt::Uninitialized);
    CborSpanWriter span(out.data());
    writeFrame(span, frame, id);
    if (span.ascii()) {
        Q_ASSERT(span.end() == out.constData() + out.size());
        return;
    }
    out.resize(0);
    CborWriter w(out);
    writeFrame(w, frame, id);
}

template<class T>
QByteArray encodeFrame(const T &frame, quint64 id)
{
    QByteArray out;
    encodeFrame(frame, out, id);
    return out;
}

// ---- reading a validated frame -------------------------------------------------------------------------------

void get(const QCborValue &v, quint32 &out) { out = quint32(v.toInteger()); }
void get(const QCborValue &v, quint64 &out) { out = quint64(v.toInteger()); }
void get(const QCborValue &v, bool &out) { out = v.toBool(); }
void get(const QCborValue &v, QString &out) { out = v.toString(); }
void get(const QCborValue &v, QByteArray &out) { out = v.toByteArray(); }
void get(const QCborValue &v, WireError &out) { out = wireErrorFromName(v.toString()).value_or(WireError::Internal); }
template<class T>
void get(const QCborValue &v, QList<T> &out);
template<Described S>
void get(const QCborValue &v, S &s);
template<class T>
void get(const QCborValue &v, Encoded<T> &out) { out.cbor = v.toCbor(); }

template<class M>
void getField(const QCborMap &map, QLatin1StringView key, M &out)
{
    get(map.value(key), out);
}
template<class M>
void getField(const QCborMap &map, QLatin1StringView key, std::optional<M> &out)
{
    const auto it = map.constFind(key);
    if (it == map.constEnd()) {
        out.reset();
        return;
    }
    M value{};
    get(QCborValue(it.value()), value);
    out = std::move(value);
}

template<class S>
void getFields(const QCborMap &map, S &s)
{
    forEachField<S>([&](const auto &d) { getField(map, d.key, s.*(d.member)); });
}

template<class T>
void get(const QCborValue &v, QList<T> &out)
{
    const QCborArray array = v.toArray();
    out.clear();
    out.reserve(array.size());
    for (const QCborValue &e : array) {
        T item{};
        get(e, item);
        out.append(std::move(item));
    }
}

template<Described S>
void get(const QCborValue &v, S &s)
{
    getFields(v.toMap(), s);
}

template<class T>
T readFrame(const Frame &frame)
{
    T out;
    getFields(frame.fields, out);
    return out;
}

// ---- the check against the schema table ----------------------------------------------------------------------

template<class S>
void compareFields(schema::FieldList fields, const QString &path, QStringList &out);

template<class M>
void compareSpec(const schema::Spec &spec, const QString &path, QStringList &out)
{
    using schema::Kind;
    const auto expect = [&](Kind kind, const char *what) {
        if (spec.kind != kind)
            out.append(path + u": the struct has "_s + QLatin1StringView(what) + u", the schema another kind"_s);
        return spec.kind == kind;
    };
    if constexpr (std::is_same_v<M, quint32>) {
        if (expect(Kind::Uint, "a quint32") && spec.max > 0xffffffffu)
            out.append(path + u": the schema allows %1, more than a quint32 holds"_s.arg(spec.max));
    } else if constexpr (std::is_same_v<M, quint64>) {
        expect(Kind::Uint, "a quint64");
    } else if constexpr (std::is_same_v<M, bool>) {
        expect(Kind::Bool, "a bool");
    } else if constexpr (std::is_same_v<M, QString> || std::is_same_v<M, WireError>) {
        expect(Kind::Text, "text");
    } else if constexpr (std::is_same_v<M, QByteArray>) {
        expect(Kind::Bytes, "bytes");
    } else if constexpr (IsEncoded<M>::value) {
        compareSpec<typename IsEncoded<M>::Value>(spec, path, out);
    } else if constexpr (List<M>::value) {
        if (expect(Kind::Array, "a list"))
            compareSpec<typename List<M>::Element>(*spec.element, path + u"[]"_s, out);
    } else {
        static_assert(Described<M>, "a member type the protocol does not know");
        if (expect(Kind::Map, "a struct"))
            compareFields<M>(spec.fields, path, out);
    }
}

template<class S>
void compareFields(schema::FieldList fields, const QString &path, QStringList &out)
{
    qsizetype i = 0;
    forEachField<S>([&](const auto &d) {
        using M = typename std::decay_t<decltype(d)>::Member;
        const QString where = path + u'.' + d.key;
        if (i >= fields.size) {
            out.append(where + u": in the struct, not in the schema"_s);
        } else {
            const schema::Field &field = fields.data[i];
            if (field.key != d.key) {
                out.append(where + u": the schema has "_s + field.key + u" here"_s);
            } else {
                if (field.required == Optional<M>::value)
                    out.append(where + (field.required ? u": optional in the struct, required in the schema"_s
                                                       : u": required in the struct, optional in the schema"_s));
                compareSpec<typename Optional<M>::Value>(field.spec, where, out);
            }
        }
        ++i;
    });
    for (; i < fields.size; ++i)
        out.append(path + u'.' + fields.data[i].key + u": in the schema, not in the struct"_s);
}

template<class... T>
void compareFrames(Direction direction, std::tuple<T...> *, QStringList &out)
{
    const auto one = [&](auto *tag) {
        using F = std::remove_pointer_t<decltype(tag)>;
        const schema::FrameSchema *s = schema::find(direction, QByteArrayView(F::Type.data(), F::Type.size()));
        if (!s) {
            out.append(QString(F::Type) + u": a struct without a frame type"_s);
            return;
        }
        compareFields<F>(s->fields, QString(F::Type), out);
    };
    (one(static_cast<T *>(nullptr)), ...);
    for (const schema::FrameSchema *s = schema::begin(); s != schema::end(); ++s) {
        if (s->direction == direction && !((s->type == T::Type) || ...))
            out.append(QString(s->type) + u": a frame type without a struct"_s);
    }
}

} // namespace

#define PARLEY_MESSAGE(T)                                                                                              \
    QByteArray T::encode(quint64 id) const { return encodeFrame(*this, id); }                                          \
    T T::from(const Frame &frame) { return readFrame<T>(frame); }

PARLEY_MESSAGE(EnrollInfo)
PARLEY_MESSAGE(Enroll)
PARLEY_MESSAGE(Login)
PARLEY_MESSAGE(Prekeys)
PARLEY_MESSAGE(Devices)
PARLEY_MESSAGE(Fetch)
PARLEY_MESSAGE(SendRequest)
PARLEY_MESSAGE(Ack)
PARLEY_MESSAGE(RecoveryPut)
PARLEY_MESSAGE(RecoveryGet)
PARLEY_MESSAGE(PushRegister)
PARLEY_MESSAGE(PushRemove)
PARLEY_MESSAGE(RoomChange)
PARLEY_MESSAGE(RoomGet)
PARLEY_MESSAGE(RoomsRequest)
PARLEY_MESSAGE(TurnRequest)
PARLEY_MESSAGE(BlobStart)
PARLEY_MESSAGE(BlobPut)
PARLEY_MESSAGE(BlobGet)
PARLEY_MESSAGE(Hello)
PARLEY_MESSAGE(EnrollInfoOk)
PARLEY_MESSAGE(Enrolled)
PARLEY_MESSAGE(Welcome)
PARLEY_MESSAGE(PrekeysOk)
PARLEY_MESSAGE(DeviceList)
PARLEY_MESSAGE(Bundle)
PARLEY_MESSAGE(Accepted)
PARLEY_MESSAGE(Synced)
PARLEY_MESSAGE(Refill)
PARLEY_MESSAGE(Recovery)
PARLEY_MESSAGE(Ok)
PARLEY_MESSAGE(RoomOk)
PARLEY_MESSAGE(Room)
PARLEY_MESSAGE(RoomList)
PARLEY_MESSAGE(RoomChanged)
PARLEY_MESSAGE(TurnCreds)
PARLEY_MESSAGE(BlobStarted)
PARLEY_MESSAGE(BlobAck)
PARLEY_MESSAGE(BlobData)
PARLEY_MESSAGE(ErrorReply)

#undef PARLEY_MESSAGE

void detail::encode(const Msg &frame, QByteArray &out, quint64 id) { encodeFrame(frame, out, id); }
void detail::encode(const RelayedMsg &frame, QByteArray &out, quint64 id) { encodeFrame(frame, out, id); }
void detail::read(const Frame &frame, Msg &out) { getFields(frame.fields, out); }
void detail::read(const Frame &frame, RelayedMsg &out) { getFields(frame.fields, out); }

QByteArray MessageOptions::encode() const
{
    QByteArray out;
    CborWriter w(out);
    put(w, *this);
    return out;
}

ErrorReply errorReply(WireError code, const QString &message)
{
    return ErrorReply::from(errorFrame(code, message));
}

FrameError detail::wrongType(QLatin1StringView expected, const Frame &frame)
{
    return FrameError{WireError::UnknownType, u"expected a %1 frame, not %2"_s.arg(expected, frame.type), frame.id};
}

Frame frameOf(QByteArrayView encoded)
{
    QCborMap fields = QCborValue::fromCbor(encoded.toByteArray()).toMap();
    const QString type = fields.take("t"_L1).toString();
    const quint64 id = quint64(fields.take("id"_L1).toInteger());
    return Frame(type, id, std::move(fields));
}

QStringList schemaDifferences()
{
    QStringList out;
    compareFrames(Direction::ClientToServer, static_cast<ClientFrames *>(nullptr), out);
    compareFrames(Direction::ServerToClient, static_cast<ServerFrames *>(nullptr), out);
    // The server's form of `msg` against the same schema entry.
    const QByteArrayView msg(RelayedMsg::Type.data(), RelayedMsg::Type.size());
    compareFields<RelayedMsg>(schema::find(Direction::ServerToClient, msg)->fields, u"msg (relayed)"_s, out);
    return out;
}

} // namespace parley::protocol
