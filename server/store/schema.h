#pragma once

// The schema: every table, index and trigger, created by one migration step per version. A step never changes once
// released; a new version appends one.

#include "core/result.h"

class QSqlDatabase;

namespace parley::server::schema {

// The newest version any step reaches.
int latestVersion();

// Brings the database from its version (dialect::schemaVersion(): SQLite's PRAGMA user_version) to the latest, one step after the other, inside the
// caller's transaction. Database error when the database is newer than this build or a step fails.
Status migrate(const QSqlDatabase &db);
// migrate(), stopping at `version` (an older layout, for the tests of the migrations).
Status migrateTo(const QSqlDatabase &db, int version);

} // namespace parley::server::schema
