#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

namespace parley::server {

// Wrong enrollment codes per user name, whichever connections they come from, shared by all workers: `failures` in
// a row lock the name's enrollment for `lockoutSeconds`, during which even the right code is refused. Counted for
// any name, existing or not, so that a lockout says nothing about the user. A name is forgotten once its lockout is
// over or, short of one, `lockoutSeconds` after its last wrong code; at most MaxNames are remembered, and while that
// many are, names not among them cannot enroll either (a flood of wrong codes cannot make the server forget the one
// it is aimed at).
class EnrollGuard {
public:
    static constexpr qsizetype MaxNames = 100000;

    EnrollGuard(int failures, int lockoutSeconds);

    int failuresToLock() const { return m_failures; }
    int lockoutSeconds() const { return int(m_lockoutMs / 1000); }
    // Milliseconds until `user` may try a code again (0: now).
    qint64 lockedFor(const QString &user, qint64 nowMs);
    // A wrong code for `user`: the failures in a row so far (== failuresToLock(): this one locked the name).
    int failed(const QString &user, qint64 nowMs);
    // The right code: the count starts again.
    void succeeded(const QString &user);
    void prune(qint64 nowMs);

private:
    struct Entry {
        int failures = 0;
        qint64 lastFailureMs = 0;
        qint64 lockedUntilMs = 0;
    };
    bool expired(const Entry &e, qint64 nowMs) const;

    const int m_failures;
    const qint64 m_lockoutMs;
    QMutex m_mutex;
    QHash<QString, Entry> m_names;
};

} // namespace parley::server
