#pragma once

// Prekeys fetched for other devices (docs/protocol.md, "Message encryption"): a sender fetches one prekey per
// recipient device and uses it for up to MaxUses messages or MaxAgeMs, whichever comes first.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborValue>
#include <QHash>
#include <QString>

#include <optional>

namespace parley::sdk {

struct PARLEY_EXPORT CachedPrekey {
    QString user;
    quint32 device = 0;
    QByteArray devicePub;    // the device key the prekey was signed by: a re-keyed device invalidates the entry
    quint32 kid = 0;
    QByteArray pub;
    qint64 fetchedAt = 0;    // ms since the epoch
    int uses = 0;
};

class PARLEY_EXPORT PrekeyCache {
public:
    static constexpr int MaxUses = 1000;
    static constexpr qint64 MaxAgeMs = qint64(24) * 3600 * 1000;

    static bool isFresh(const CachedPrekey &entry, qint64 nowMs);

    // The cached prekey of (user, device) if it is still fresh and belongs to `devicePub`.
    std::optional<CachedPrekey> fresh(const QString &user, quint32 device, const QByteArray &devicePub,
                                      qint64 nowMs) const;
    std::optional<CachedPrekey> entry(const QString &user, quint32 device) const;
    void store(const CachedPrekey &entry);
    // Counts one more message encrypted to the cached prekey. Returns the uses so far (0 when not cached).
    int recordUse(const QString &user, quint32 device);
    void remove(const QString &user, quint32 device);
    void removeUser(const QString &user);
    // Drops entries that can no longer be used. Returns how many were dropped.
    int purgeStale(qint64 nowMs);
    int size() const { return int(m_entries.size()); }

    QCborValue toCbor() const;
    static Result<PrekeyCache> fromCbor(const QCborValue &value);

private:
    static QString keyOf(const QString &user, quint32 device);
    QHash<QString, CachedPrekey> m_entries;
};

} // namespace parley::sdk
