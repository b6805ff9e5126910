#pragma once

// Trust on first use of other users' root keys: the first root key seen for a user is pinned; a different key
// later is reported (TrustStore::Changed) and never silently accepted.

#include "core/result.h"
#include "parley_export.h"

#include <QByteArray>
#include <QCborValue>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace parley::sdk {

class PARLEY_EXPORT TrustStore {
public:
    enum Verdict { FirstUse, Match, Changed };

    struct Entry {
        QByteArray root;       // 133-byte public point
        qint64 pinnedAt = 0;   // ms since the epoch
    };

    // Compares without changing anything.
    Verdict check(const QString &user, const QByteArray &root) const;
    // Compares and pins the key on first use. Returns the verdict; a Changed key is not stored.
    Verdict observe(const QString &user, const QByteArray &root, qint64 nowMs);
    // Pins `root` for `user`, replacing any previous key (after the person checked the new key).
    void pin(const QString &user, const QByteArray &root, qint64 nowMs);
    bool forget(const QString &user);
    std::optional<Entry> entry(const QString &user) const;
    QStringList users() const;
    bool isEmpty() const { return m_entries.isEmpty(); }

    QCborValue toCbor() const;
    static Result<TrustStore> fromCbor(const QCborValue &value);

private:
    QHash<QString, Entry> m_entries;
};

} // namespace parley::sdk
