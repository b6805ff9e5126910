#pragma once

#include "metrics/metrics.h"

namespace parley::server::metrics {

// The process metrics every Prometheus client library exports, read from /proc/self when called:
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_max_fds and process_start_time_seconds. A figure that cannot be read is left out.
void writeProcessMetrics(Exposition &out);

} // namespace parley::server::metrics
