#pragma once

#include "core/result.h"

#include <QString>

#include <optional>

namespace parley::server {

class Db;

// One user name's wrong enrollment codes (table enroll_failures, schema version 14): the failures in a row, the
// last one, and the end of a lockout they caused. Times are wall-clock ms.
struct EnrollFailures {
    int failures = 0;
    qint64 lastFailureAt = 0;
    qint64 lockedUntil = 0;
};

// The table over a Db's connection. Kept in the database rather than in a node's memory so that every node on one
// PostgreSQL counts the same attempts, and a restart forgets none. Writes run on the writer thread inside
// Store::write; on PostgreSQL every group transaction holds the queue's lock, so a read and the write after it in
// one op see no other node's change in between.
class EnrollLockouts {
public:
    static Result<std::optional<EnrollFailures>> row(Db &db, const QString &name);
    static Status put(Db &db, const QString &name, const EnrollFailures &row);
    static Status remove(Db &db, const QString &name);
    // Forgets the names whose lockout is over and whose last failure is `lockoutMs` old; how many.
    static Result<int> prune(Db &db, qint64 nowMs, qint64 lockoutMs);
};

} // namespace parley::server
