#pragma once

// Trust on first use of other users' root keys: the first root key seen for a user is pinned; a different key
// later is reported (TrustStore::Changed) and never silently accepted. With the pinned key, the devices of the last
// device list that verified under it are kept. When the person accepts a new key (supersede()), the old key and
// those devices become a previous identity of the user: kept (at most MaxPrevious per user, each for
// PreviousLifetimeMs after it was superseded) only to verify messages its devices sent before it was superseded.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborValue>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace parley::sdk {

class PARLEY_EXPORT TrustStore {
public:
    enum Verdict { FirstUse, Match, Changed };

    // A device certificate that verified under the root key it is kept with.
    struct KnownDevice {
        QByteArray pub;        // 133-byte public point
        QByteArray sig;        // the root key's signature of the device statement
        friend bool operator==(const KnownDevice &a, const KnownDevice &b) { return a.pub == b.pub && a.sig == b.sig; }
    };
    using Devices = QMap<quint32, KnownDevice>;

    struct Entry {
        QByteArray root;       // 133-byte public point
        qint64 pinnedAt = 0;   // ms since the epoch
        Devices devices;       // the last device list seen under `root`
        qint64 changeSeenAt = 0;   // when a different key was first presented since (0: none)
    };

    struct PreviousIdentity {
        QByteArray root;
        qint64 pinnedAt = 0;
        qint64 supersededAt = 0;   // ms since the epoch: messages sent later are not accepted under this key
        Devices devices;
    };

    static constexpr int MaxPrevious = 4;
    // The server's default maximum message lifetime (limits/message_ttl_days = 30): a message sent before the key
    // was superseded is either delivered or expired by then.
    static constexpr qint64 PreviousLifetimeMs = 30LL * 24 * 3600 * 1000;
    static constexpr int MaxDevices = 64;

    // Compares without changing anything.
    Verdict check(const QString &user, const QByteArray &root) const;
    // Compares and pins the key on first use. Returns the verdict; a Changed key is not stored (its first sighting
    // is noted), a Match clears a noted change.
    Verdict observe(const QString &user, const QByteArray &root, qint64 nowMs);
    // Pins `root` for `user`, replacing any previous key without keeping it.
    void pin(const QString &user, const QByteArray &root, qint64 nowMs);
    // Keeps `devices` (each certificate verified under `root`) as the device list of the pinned key; nothing
    // happens when `root` is not the pinned key. Returns whether anything changed.
    bool setDevices(const QString &user, const QByteArray &root, const Devices &devices);
    bool forget(const QString &user);
    // The person accepts that `user`'s key changed: the pinned key becomes a previous identity, superseded at the
    // time a different key was first presented (or now, when none was), and the next key seen is pinned on first
    // use. Returns false when no key is pinned.
    bool supersede(const QString &user, qint64 nowMs);
    std::optional<Entry> entry(const QString &user) const;
    // The previous identities of `user` that have not lapsed at `nowMs`, the most recently superseded first.
    QList<PreviousIdentity> previous(const QString &user, qint64 nowMs) const;
    // Drops lapsed previous identities; returns whether any went.
    bool prune(qint64 nowMs);
    QStringList users() const;
    bool isEmpty() const { return m_entries.isEmpty() && m_previous.isEmpty(); }

    QCborValue toCbor() const;
    static Result<TrustStore> fromCbor(const QCborValue &value);

private:
    QHash<QString, Entry> m_entries;
    QHash<QString, QList<PreviousIdentity>> m_previous;   // most recently superseded first
};

} // namespace parley::sdk
