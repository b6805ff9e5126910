// Opening a message envelope (sdk/envelope.cpp) as a receiving device does: a `msg` frame from the server, checked
// against the sender's device certificate, the core signature, the prekey, the key unwrap, the key commitment, the
// payload and its plaintext format. The keys are those of docs/protocol-vectors/ (message.json: alice#1 sends to
// bob#2 with a copy for alice#3), so the message of the vectors opens.
//
// The first byte picks a mode, the rest is the input:
//   0, 1  a `msg` frame opened by bob#2 (0) or alice#3 (1), as it arrives;
//   2, 3  the same, but the harness signs the core again with alice#1's device key and wraps the vectors' message
//         key for the recipient anew, so that a changed core, options or recipient list still reaches the unwrap,
//         the commitment, the decryption and the plaintext checks;
//   4     a decrypted plaintext, for Envelope::decodePlaintext.
// Invariants: open() on the Msg and on the Frame agree; only the message of the vectors ever opens (the text is
// its text, and the opened fields are the frame's); a plaintext that decodes encodes back to one that decodes to
// the same text, padded to the block size.

#include "fuzzsupport.h"

#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/envelope.h"

#include <QJsonArray>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>

using namespace parley;
using namespace parley::protocol;
using namespace parley::sdk;

namespace {

struct Recipient {
    RecipientIdentity identity;
    quint32 kid = 0;
    crypto::EcKey prekey;
    QByteArray prekeyPub;
};

struct Fixture {
    SenderDevice sender;
    crypto::EcKey senderDeviceKey;
    Recipient recipients[2];
    crypto::SecureBuffer messageKey;
    QString text;
};

const Fixture *fixture = nullptr;

Fixture *makeFixture()
{
    const QJsonObject message = fuzz::vectorFile(QStringLiteral("message.json"));
    auto *f = new Fixture;
    const QJsonObject sender = message.value(QLatin1StringView("sender")).toObject();
    f->sender.user = sender.value(QLatin1StringView("user")).toString();
    f->sender.device = quint32(sender.value(QLatin1StringView("device")).toInteger());
    f->sender.rootPub = fuzz::unhex(sender.value(QLatin1StringView("root_public")));
    f->sender.devicePub = fuzz::unhex(sender.value(QLatin1StringView("device_public")));
    f->sender.certificate = fuzz::unhex(sender.value(QLatin1StringView("device_certificate")));
    f->senderDeviceKey = fuzz::vectorPrivateKey(QStringLiteral("alice.device1"));
    const QJsonArray keys = message.value(QLatin1StringView("keys")).toArray();
    if (keys.size() != 2)
        fuzz::setupFailed(QStringLiteral("message.json: expected two key entries"));
    for (int i = 0; i < 2; ++i) {
        const QJsonObject k = keys.at(i).toObject();
        Recipient &r = f->recipients[i];
        r.identity.user = k.value(QLatin1StringView("user")).toString();
        r.identity.device = quint32(k.value(QLatin1StringView("device")).toInteger());
        r.identity.rootPub = fuzz::unhex(k.value(QLatin1StringView("root_public")));
        r.identity.devicePub = fuzz::unhex(k.value(QLatin1StringView("device_public")));
        r.kid = quint32(k.value(QLatin1StringView("kid")).toInteger());
        Result<crypto::EcKey> prekey = crypto::EcKey::fromPrivateScalar(fuzz::unhex(k.value(QLatin1StringView("prekey_private"))));
        if (!prekey)
            fuzz::setupFailed(QStringLiteral("message.json: bad prekey"));
        r.prekey = prekey.value();
        r.prekeyPub = prekey->publicPoint();
    }
    f->messageKey = crypto::SecureBuffer(fuzz::unhex(message.value(QLatin1StringView("message_key"))));
    f->text = message.value(QLatin1StringView("text")).toString();
    return f;
}

PrekeyLookup lookupFor(const Recipient &r)
{
    return [&r](quint32 kid) -> std::optional<crypto::EcKey> {
        if (kid != r.kid)
            return std::nullopt;
        return r.prekey;
    };
}

// Signs the core again and wraps the message key for `r`, as the sender would have for this core.
bool resign(Msg &msg, const Recipient &r)
{
    const MessageCore core = MessageCore::of(msg);
    Result<QByteArray> sig = fixture->senderDeviceKey.sign(core.encode());
    if (!sig)
        return false;
    msg.sig = sig.value();
    SenderIdentity sender{fixture->sender.user, fixture->sender.device, fixture->sender.rootPub,
                          fixture->sender.devicePub, fixture->senderDeviceKey};
    RecipientDevice device{r.identity.user, r.identity.rootPub, r.identity.device, r.identity.devicePub, r.kid, r.prekeyPub};
    Result<KeyEntry> entry = Envelope::wrapKey(fixture->messageKey, msg.mid, core.hash(), sender, device);
    if (!entry)
        return false;
    msg.kid = entry->kid;
    msg.eph = entry->eph;
    msg.wk = entry->wk;
    return true;
}

void checkOpened(const OpenResult &result, const Msg &msg)
{
    const auto *opened = std::get_if<OpenedMessage>(&result);
    if (!opened)
        return;
    FUZZ_CHECK(opened->text == fixture->text);
    FUZZ_CHECK(opened->from == msg.sender && opened->device == msg.dev && opened->mid == msg.mid);
    FUZZ_CHECK(opened->seq == msg.seq && opened->sentAt == msg.at && opened->to == msg.to);
    FUZZ_CHECK(opened->options == msg.opts && opened->kid == msg.kid);
}

bool sameOutcome(const OpenResult &a, const OpenResult &b)
{
    if (a.index() != b.index())
        return false;
    if (const auto *fa = std::get_if<EnvelopeFailure>(&a))
        return fa->code == std::get<EnvelopeFailure>(b).code;
    return std::get<OpenedMessage>(a).text == std::get<OpenedMessage>(b).text;
}

void openFrame(QByteArrayView bytes, const Recipient &r, bool signAgain)
{
    const auto decoded = decodeAs<Msg>(bytes, Direction::ServerToClient);
    const Msg *parsed = std::get_if<Msg>(&decoded);
    if (!parsed)
        return;
    Msg msg = *parsed;
    if (signAgain && !resign(msg, r))
        return;
    const OpenResult viaMsg = Envelope::open(msg, r.identity, fixture->sender, lookupFor(r));
    checkOpened(viaMsg, msg);
    const OpenResult viaFrame = Envelope::open(frameOf(msg.encode()), r.identity, fixture->sender, lookupFor(r));
    FUZZ_CHECK(sameOutcome(viaMsg, viaFrame));
}

void decodePlaintext(QByteArrayView plaintext)
{
    // The whole content (text, call signal, attachments' file entries) survives a round trip.
    if (Result<MessageContent> content = MessageContent::decode(plaintext); content) {
        if (Result<QByteArray> encoded = content->encode(); encoded) {
            Result<MessageContent> again = MessageContent::decode(*encoded);
            FUZZ_CHECK(again && again->text == content->text && again->call == content->call
                       && again->files == content->files);
        }
    }
    Result<QString> text = Envelope::decodePlaintext(plaintext);
    if (!text)
        return;
    Result<QByteArray> encoded = Envelope::encodePlaintext(*text);
    if (!encoded)
        return;   // a text too long for the payload limit
    FUZZ_CHECK(encoded->size() % Envelope::PaddingBlock == 0);
    Result<QString> again = Envelope::decodePlaintext(*encoded);
    FUZZ_CHECK(again && *again == *text);
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
    if (size < 1)
        return 0;
    const QByteArrayView rest(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    switch (data[0] % 5) {
    case 0:
    case 1:
        openFrame(rest, fixture->recipients[data[0] % 5], false);
        break;
    case 2:
    case 3:
        openFrame(rest, fixture->recipients[data[0] % 5 - 2], true);
        break;
    default:
        decodePlaintext(rest);
    }
    return 0;
}
