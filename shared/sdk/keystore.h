#pragma once

// The secret half of a client profile (held encrypted on disk by Profile): the user's root private key (present
// on a device that created the user or recovered the key), this device's private key, the private halves of the
// one-time prekeys this device uploaded and of its last-resort keys.
//
// Prekey lifetime (docs/protocol.md, "Message encryption"): a one-time prekey's private half is kept for 30 days
// after it was handed out by the server, then deleted. A device cannot see hand-outs directly; it learns of them
// in two ways: a message arrives that uses the key (usedAt), or the server reports a pool smaller than the number
// of unused keys the device holds (welcome, prekeys_ok, refill). In the second case the lowest kids are marked as
// handed out (servers hand out the lowest kid first) — an estimate that only ever starts the 30-day clock, so a
// key is never deleted earlier than 30 days after the device first had reason to think it was handed out.
// A replaced last-resort key is kept for 30 days after its replacement, since senders cache it for up to 24 h.

#include "core/result.h"
#include "crypto/crypto.h"
#include "parley_export.h"

#include <QByteArray>
#include <QList>

#include <memory>
#include <optional>

namespace parley::sdk {

struct PARLEY_EXPORT OneTimePrekeyRecord {
    quint32 kid = 0;
    crypto::SecureBuffer scalar;
    qint64 createdAt = 0;      // ms since the epoch
    qint64 handedOutAt = 0;    // 0: not known to be handed out
    qint64 usedAt = 0;         // 0: no message used it yet
};

struct PARLEY_EXPORT LastResortRecord {
    quint32 kid = 0;
    crypto::SecureBuffer scalar;
    qint64 createdAt = 0;
    qint64 retiredAt = 0;      // 0: the current last-resort key
};

class PARLEY_EXPORT KeyStore {
public:
    static constexpr qint64 PrekeyRetentionMs = qint64(30) * 24 * 3600 * 1000;

    KeyStore();
    KeyStore(const KeyStore &other);
    KeyStore &operator=(const KeyStore &other);
    KeyStore(KeyStore &&other) noexcept;
    KeyStore &operator=(KeyStore &&other) noexcept;
    ~KeyStore();

    bool hasRootKey() const;
    Result<crypto::EcKey> rootKey() const;
    void setRootKey(const crypto::EcKey &key);        // must hold a private key

    bool hasDeviceKey() const;
    Result<crypto::EcKey> deviceKey() const;
    void setDeviceKey(const crypto::EcKey &key);

    // Prekey ids are allocated from a counter kept in the store, so a kid is never offered twice.
    quint32 allocateKid();
    // Moves the counter past kids the server may hold from an earlier copy of this profile (a restored backup).
    void skipKids(quint32 count);
    void addOneTimePrekey(quint32 kid, const crypto::EcKey &key, qint64 nowMs);
    // Makes `key` the current last-resort key; the previous one is retired (kept for PrekeyRetentionMs).
    void setLastResort(quint32 kid, const crypto::EcKey &key, qint64 nowMs);
    std::optional<quint32> currentLastResortKid() const;

    bool hasPrekey(quint32 kid) const;
    // The private key of a one-time or last-resort prekey; NotFound when this store does not hold it.
    Result<crypto::EcKey> prekey(quint32 kid) const;
    const OneTimePrekeyRecord *oneTimePrekey(quint32 kid) const;
    QList<quint32> oneTimeKids() const;
    int oneTimeCount() const;
    int unusedOneTimeCount() const;      // not used and not known to be handed out

    // Records the first use of a prekey by a message. Returns true when the store changed.
    bool markUsed(quint32 kid, qint64 nowMs);
    // The server reports `serverCount` one-time keys left for this device; marks the surplus of unused keys as
    // handed out. Returns how many were marked.
    int noteServerPool(int serverCount, qint64 nowMs);
    // Deletes one-time keys handed out or used more than PrekeyRetentionMs ago and retired last-resort keys
    // older than that. Returns how many keys were deleted.
    int purgeExpired(qint64 nowMs);

    // CBOR encoding with the private scalars in the clear: only ever written inside a sealed box.
    crypto::SecureBuffer serialize() const;
    static Result<KeyStore> deserialize(QByteArrayView cbor);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace parley::sdk
