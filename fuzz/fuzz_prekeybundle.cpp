// Prekey bundles: the `bundle` a client gets for a `fetch` (decoded, read with Bundle::from, then each device's
// certificate checked under the user's root key and its prekey's signature under the device key, as the sender
// does in sdk/sender.cpp before it wraps a message key to that prekey), and the `prekeys` upload the server checks
// the same way (server/relay/keyrequests.cpp: point on the curve, signature under the device key). The checks are
// made here with the library's own statements and keys; the trust anchors are bob's keys and the signed statements
// of docs/protocol-vectors/ (statements.json).
//
// Invariant: whatever the bytes, a prekey that passes is one bob's device really signed (one of the (kid, point)
// pairs of statements.json) and the device is bob's enrolled device: no forged or substituted key gets through.

#include "fuzzsupport.h"

#include "protocol/frame.h"
#include "protocol/messages.h"
#include "protocol/statements.h"

#include <QJsonArray>
#include <QList>
#include <QPair>

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace parley;
using namespace parley::protocol;

namespace {

struct Fixture {
    QString user;                       // bob
    QByteArray rootPub;
    crypto::EcKey root;
    QByteArray devicePub;               // bob's device, as its device list names it
    crypto::EcKey deviceKey;
    QList<QPair<quint32, QByteArray>> signedPrekeys;   // (kid, point) pairs the device signed
};

const Fixture *fixture = nullptr;

Fixture *makeFixture()
{
    auto *f = new Fixture;
    f->user = QStringLiteral("bob");
    f->rootPub = fuzz::vectorPublicKey(QStringLiteral("bob.root"));
    f->devicePub = fuzz::vectorPublicKey(QStringLiteral("bob.device2"));
    Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(f->rootPub);
    Result<crypto::EcKey> device = crypto::EcKey::fromPublicPoint(f->devicePub);
    if (!root || !device)
        fuzz::setupFailed(QStringLiteral("keys.json: bob's keys do not decode"));
    f->root = root.value();
    f->deviceKey = device.value();
    const QJsonArray vectors = fuzz::vectorFile(QStringLiteral("statements.json")).value(QLatin1StringView("vectors")).toArray();
    for (const QJsonValue &v : vectors) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1StringView("kind")).toString() == QLatin1StringView("prekey")
            && fuzz::unhex(o.value(QLatin1StringView("signer_public"))) == f->devicePub)
            f->signedPrekeys.append({quint32(o.value(QLatin1StringView("kid")).toInteger()),
                                     fuzz::unhex(o.value(QLatin1StringView("prekey_public")))});
    }
    if (f->signedPrekeys.isEmpty())
        fuzz::setupFailed(QStringLiteral("statements.json: no prekey of bob's device"));
    return f;
}

// The prekey checks both sides make: a point on the curve, signed by the device.
bool prekeyVerifies(const crypto::EcKey &deviceKey, const Prekey &pk)
{
    return crypto::EcKey::fromPublicPoint(pk.pub) && deviceKey.verify(prekeyStatement(pk.kid, pk.pub), pk.sig);
}

void checkBundle(const Bundle &bundle)
{
    // The sender has bob's device list: the bundle must name the same root key and listed devices.
    if (bundle.user != fixture->user || bundle.root != fixture->rootPub)
        return;
    for (const BundleDevice &entry : bundle.devices) {
        if (entry.pub != fixture->devicePub)
            continue;
        if (!fixture->root.verify(deviceStatement(bundle.user, entry.pub), entry.sig))
            continue;
        Result<crypto::EcKey> deviceKey = crypto::EcKey::fromPublicPoint(entry.pub);
        FUZZ_CHECK(deviceKey);
        if (!prekeyVerifies(*deviceKey, entry.pk))
            continue;
        FUZZ_CHECK(fixture->signedPrekeys.contains(QPair<quint32, QByteArray>(entry.pk.kid, entry.pk.pub)));
    }
}

void checkUpload(const Prekeys &upload)
{
    QList<Prekey> keys = upload.keys;
    if (upload.lr)
        keys.append(*upload.lr);
    for (const Prekey &pk : keys) {
        if (prekeyVerifies(fixture->deviceKey, pk))
            FUZZ_CHECK(fixture->signedPrekeys.contains(QPair<quint32, QByteArray>(pk.kid, pk.pub)));
    }
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
    const auto bundle = decodeAs<Bundle>(input, Direction::ServerToClient);
    if (const Bundle *b = std::get_if<Bundle>(&bundle))
        checkBundle(*b);
    const auto upload = decodeAs<Prekeys>(input, Direction::ClientToServer);
    if (const Prekeys *p = std::get_if<Prekeys>(&upload))
        checkUpload(*p);
    return 0;
}
