// The device plane's frame decoder (protocol::decode, schema.cpp, framedecoder.cpp) in both directions and the typed
// structs of messages.cpp: what the server runs on every frame a client sends and every client on every frame the
// server sends. Any input: no crash, no leak, no undefined behaviour. An accepted frame:
// - encode() of it decodes to the same frame (frameOf() reads the same back);
// - its typed struct (T::from) encodes to bytes that decode to an equal struct, and encoding that again gives the
//   same bytes (the typed encoding is canonical);
// - a `msg` read as the server's RelayedMsg encodes to a frame that reads back as the same Msg;
// - every text string in it is valid UTF-8 by Qt's decoder (an oracle apart from the frame decoder's own check).

#include "fuzzsupport.h"

#include "protocol/frame.h"
#include "protocol/messages.h"

#include <QCborStreamReader>
#include <QStringDecoder>

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace parley;
using namespace parley::protocol;

namespace {

bool sameFrame(const Frame &a, const Frame &b) { return a.type == b.type && a.id == b.id && a.fields == b.fields; }

bool validUtf8(const QByteArray &utf8)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(utf8);
    return !decoder.hasError();
}

// Walks the items of the current container (or the top level); false at the first text that is not UTF-8 or at
// malformed CBOR.
bool textsAreUtf8(QCborStreamReader &r)
{
    while (r.hasNext()) {
        if (r.isString() || r.isByteArray()) {
            const bool text = r.isString();
            QByteArray bytes;
            for (;;) {
                const qsizetype size = r.currentStringChunkSize();
                if (size < 0)
                    return false;
                const qsizetype used = bytes.size();
                bytes.resize(used + size);
                const auto chunk = r.readStringChunk(bytes.data() + used, size);
                if (chunk.status == QCborStreamReader::Error)
                    return false;
                if (chunk.status == QCborStreamReader::EndOfString)
                    break;
            }
            if (text && !validUtf8(bytes))
                return false;
        } else if (r.isArray() || r.isMap()) {
            if (!r.enterContainer() || !textsAreUtf8(r) || !r.leaveContainer())
                return false;
        } else if (!r.next()) {
            return false;
        }
    }
    return r.lastError() == QCborError::NoError;
}

template<class T>
void typedRoundTrip(const Frame &frame, Direction direction)
{
    const T typed = T::from(frame);
    const QByteArray bytes = typed.encode(frame.id);
    const auto again = decodeAs<T>(bytes, direction);
    FUZZ_CHECK(std::holds_alternative<T>(again));
    FUZZ_CHECK(std::get<T>(again) == typed);
    FUZZ_CHECK(std::get<T>(again).encode(frame.id) == bytes);
}

template<class... Types>
struct TypeList {
    // Runs the typed round trip for the struct whose Type is the frame's; false when none is.
    static bool roundTrip(const Frame &frame, Direction direction)
    {
        return ((frame.type == Types::Type ? (typedRoundTrip<Types>(frame, direction), true) : false) || ...);
    }
};

using ClientTypes = TypeList<EnrollInfo, Enroll, Login, Prekeys, Devices, Fetch, SendRequest, Ack, RecoveryPut,
                             RecoveryGet, PushRegister, PushRemove, RoomChange, RoomGet, RoomsRequest,
                             TurnRequest, BlobStart, BlobPut, BlobGet>;
using ServerTypes = TypeList<Hello, EnrollInfoOk, Enrolled, Welcome, PrekeysOk, DeviceList, Bundle, Accepted, Msg,
                             Synced, Refill, Recovery, Ok, RoomOk, Room, RoomList, RoomChanged, TurnCreds,
                             BlobStarted, BlobAck, BlobData, ErrorReply>;

void relayedRoundTrip(const Frame &frame)
{
    const Msg msg = Msg::from(frame);
    const RelayedMsg relayed = RelayedMsg::from(frame);
    const auto again = decodeAs<Msg>(relayed.encode(frame.id), Direction::ServerToClient);
    FUZZ_CHECK(std::holds_alternative<Msg>(again));
    FUZZ_CHECK(std::get<Msg>(again) == msg);
}

void check(QByteArrayView data, Direction direction)
{
    const DecodeResult result = decode(data, direction);
    const Frame *frame = std::get_if<Frame>(&result);
    if (!frame)
        return;
    FUZZ_CHECK(data.size() <= (direction == Direction::ClientToServer ? MaxClientFrameBytes : MaxServerFrameBytes));
    FUZZ_CHECK(frameTypes(direction).contains(frame->type));
    FUZZ_CHECK(frame->id <= MaxRequestId);
    QCborStreamReader reader(data.toByteArray());
    FUZZ_CHECK(textsAreUtf8(reader));

    const QByteArray encoded = encode(*frame);
    const DecodeResult again = decode(encoded, direction);
    FUZZ_CHECK(std::holds_alternative<Frame>(again));
    FUZZ_CHECK(sameFrame(std::get<Frame>(again), *frame));
    FUZZ_CHECK(sameFrame(frameOf(encoded), *frame));

    const bool typed = direction == Direction::ClientToServer ? ClientTypes::roundTrip(*frame, direction)
                                                              : ServerTypes::roundTrip(*frame, direction);
    FUZZ_CHECK(typed);
    if (frame->type == Msg::Type)
        relayedRoundTrip(*frame);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    check(input, Direction::ClientToServer);
    check(input, Direction::ServerToClient);
    return 0;
}
