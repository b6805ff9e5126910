#pragma once

// Benchmark set-up that does not belong to the timed part: creates users and devices directly in a parleyd
// database (before the daemon starts), and fills one device's queue for the offline drain figure.

#include "core/result.h"
#include "store/database.h"

#include <QString>

namespace parley::bench {

using server::PostgresSettings;

struct ProvisionOptions {
    QString databaseFile;        // parleyd's SQLite file (created if absent)
    bool postgres = false;       // instead: a PostgreSQL database (its schema made if absent; bench/cluster.sh)
    PostgresSettings postgresSettings;
    QString identityFile;        // where the identities go (one device per line)
    int users = 0;               // one device each
    int fillQueue = 0;           // messages queued to identity 0 from identity 1 (0: none)
};

// Generates root, device and last-resort prekey keys for each user, enrolls them through the store exactly as
// `enroll` + `prekeys` would (codes, device certificates and prekey signatures are real), and writes the
// identities (private device and prekey scalars included) for the load generator's workers.
Status provision(const ProvisionOptions &options);

} // namespace parley::bench
