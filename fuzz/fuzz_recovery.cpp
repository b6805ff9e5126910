// The recovery bundle (sdk/recoverybundle.cpp): the blob a second device of a user gets from the server in
// `enroll_info_ok` and opens with the user's passphrase. The first byte picks a mode:
//   0  the blob itself, opened for alice with the passphrase of docs/protocol-vectors/recovery.json;
//   1  the decrypted content: the harness seals the input under a key derived from that passphrase and opens the
//      blob it makes, so that the content parser (the {"root": scalar} map) sees every input, not only the rare one
//      that authenticates.
// The key derivation's cost travels in the blob (KdfParams, bounded by fromCbor() at 1 GiB of scrypt memory).
// Blobs dearer than n * r * p = 2^14 are left out (a fuzz run would otherwise spend its time in scrypt); the
// parser sees the same bytes either way.
// Invariants: a blob that opens yields a valid private key; sealing that key again (RecoveryBundle::create) and
// opening the result gives the same key; content that opens holds exactly that key's scalar.

#include "fuzzsupport.h"

#include "sdk/recoverybundle.h"
#include "sdk/sealedbox.h"
#include "sdk/securefile.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>

#include <cstddef>
#include <cstdint>

using namespace parley;
using namespace parley::sdk;

namespace {

constexpr quint64 MaxFuzzKdfCost = 1 << 14;
constexpr crypto::ScryptParams CheapKdf{1 << 10, 1, 1};   // the least fromCbor() accepts

struct Fixture {
    QString user;
    QByteArray passphrase;
    KdfParams kdf;                    // for mode 1
    crypto::SecureBuffer key;
};

const Fixture *fixture = nullptr;

Fixture *makeFixture()
{
    const QJsonObject file = fuzz::vectorFile(QStringLiteral("recovery.json"));
    auto *f = new Fixture;
    f->user = file.value(QLatin1StringView("user")).toString();
    f->passphrase = file.value(QLatin1StringView("passphrase")).toString().toUtf8();
    f->kdf = KdfParams{fuzz::unhex(file.value(QLatin1StringView("salt"))), CheapKdf};
    Result<crypto::SecureBuffer> key = SealedBox::deriveKey(f->passphrase, f->kdf);
    if (!key)
        fuzz::setupFailed(key.error().message);
    f->key = key.value();
    return f;
}

bool affordable(QByteArrayView blob)
{
    Result<QCborValue> value = SecureFile::decodeCbor(blob);
    if (!value)
        return true;
    Result<KdfParams> kdf = KdfParams::fromCbor(value->toMap().value(QLatin1StringView("kdf")).toMap());
    return !kdf || kdf->scrypt.n * kdf->scrypt.r * kdf->scrypt.p <= MaxFuzzKdfCost;
}

void checkOpened(const crypto::EcKey &key)
{
    FUZZ_CHECK(key.hasPrivateKey());
    Result<QByteArray> again = RecoveryBundle::create(fixture->user, key, fixture->passphrase, CheapKdf);
    FUZZ_CHECK(again);
    Result<crypto::EcKey> reopened = RecoveryBundle::open(*again, fixture->user, fixture->passphrase);
    FUZZ_CHECK(reopened);
    FUZZ_CHECK(reopened->publicPoint() == key.publicPoint());
}

void openBlob(QByteArrayView blob)
{
    if (!affordable(blob))
        return;
    Result<crypto::EcKey> key = RecoveryBundle::open(blob, fixture->user, fixture->passphrase);
    if (key)
        checkOpened(*key);
}

void openContent(QByteArrayView content)
{
    const QByteArray aad = QCborArray{QStringLiteral("parley-recovery-v1"), fixture->user}.toCborValue().toCbor();
    Result<QCborMap> box = SealedBox::seal(fixture->key, content, aad);
    FUZZ_CHECK(box);
    QCborMap blob;
    blob.insert(QStringLiteral("v"), 1);
    blob.insert(QStringLiteral("kdf"), fixture->kdf.toCbor());
    blob.insert(QStringLiteral("box"), *box);
    Result<crypto::EcKey> key = RecoveryBundle::open(blob.toCborValue().toCbor(), fixture->user, fixture->passphrase);
    if (!key)
        return;
    checkOpened(*key);
    // The content is the map {"root": scalar} with nothing after it; the scalar is the key's, up to leading zeros.
    const QCborValue parsed = QCborValue::fromCbor(content.toByteArray());
    FUZZ_CHECK(parsed.isMap());
    const QByteArray scalar = parsed.toMap().value(QLatin1StringView("root")).toByteArray();
    const QByteArray full = key->privateScalar().toByteArray();
    FUZZ_CHECK(scalar.size() <= full.size() && full.endsWith(scalar));
    FUZZ_CHECK(full.left(full.size() - scalar.size()).count('\0') == full.size() - scalar.size());
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
    if (data[0] % 2 == 0)
        openBlob(rest);
    else
        openContent(rest);
    return 0;
}
