#pragma once

#include "core/result.h"

#include <QString>

namespace parley::server {

class Db;

// Wrong enrollment codes per user name, whichever connections and nodes they come to: `failures` in a row lock the
// name's enrollment for `lockoutSeconds`, during which even the right code is refused. Counted for any name,
// existing or not, so that a lockout says nothing about the user. A name is forgotten once its lockout is over or,
// short of one, `lockoutSeconds` after its last wrong code (prune()). The count is kept in the database
// (EnrollLockouts), so the nodes of a cluster share it and a restart does not reset it; times are wall-clock ms.
class EnrollGuard {
public:
    EnrollGuard(int failures, int lockoutSeconds);

    int failuresToLock() const { return m_failures; }
    int lockoutSeconds() const { return int(m_lockoutMs / 1000); }

    struct State {
        qint64 lockedForMs = 0;   // until `user` may try a code again (0: now)
        int failures = 0;         // wrong codes in a row so far
    };
    // On any connection (a reader or the writer's).
    Result<State> state(Db &db, const QString &user, qint64 nowMs) const;
    // Inside a write: a wrong code for `user`; the failures in a row so far (== failuresToLock(): this one locked
    // the name).
    Result<int> failed(Db &db, const QString &user, qint64 nowMs) const;
    // Inside a write: the right code, the count starts again.
    Status succeeded(Db &db, const QString &user) const;
    // Inside a write: forgets the names that no longer count; how many.
    Result<int> prune(Db &db, qint64 nowMs) const;

private:
    const int m_failures;
    const qint64 m_lockoutMs;
};

} // namespace parley::server
