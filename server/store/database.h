#pragma once

// Where the store keeps its data: the embedded SQLite file. Public to the daemon, which reads these settings from the
// boot configuration.

namespace parley::server {

enum class StoreDriver { Sqlite };

} // namespace parley::server
