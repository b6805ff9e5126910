#pragma once

#include "core/result.h"
#include "store/store.h"

namespace parley::server {

struct Config;

// The store's options from the boot configuration ([store], docs/scale-out.md): SQLite's file in the data directory,
// or PostgreSQL's settings with the password read from password_file, which must be a regular file other users
// cannot read, and the CA file checked. Errors name the [store] key.
class StoreSetup {
public:
    static Result<StoreOptions> options(const Config &config, StoreMetrics *metrics = nullptr);
};

} // namespace parley::server
