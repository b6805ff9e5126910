#pragma once

// Hooks for the tests that drive a real parleyd (docs/operations.md "Test hooks"): environment variables that make
// something slow happen quickly or a fault happen on purpose. They exist only in builds with PARLEY_TEST_HOOKS (on
// with the test suite, off in the packages: installer/debian/rules builds without tests); elsewhere every function
// returns its default and the environment is not read. A hook that is set is logged once at start.

#include <functional>

class QObject;

namespace parley::server::testhooks {

// PARLEY_TEST_HISTORY_INTERVAL_MS (100 ... 10000): the interval of status.history's samples instead of `fallback`.
int historyIntervalMs(int fallback);

// PARLEY_TEST_HEARTBEAT_MS (50 ... 5000): the interval of the threads' heartbeats instead of `fallback`; a thread is
// stalled after the same number of unanswered intervals as without the hook.
int heartbeatIntervalMs(int fallback);

// PARLEY_TEST_BLOCK_WORKER_MS (1 ... 600000): at each SIGUSR1, worker 0 blocks its event loop this long (a stalled
// worker); 0 when unset.
int blockWorkerMs();

// With PARLEY_TEST_BLOCK_WORKER_MS set: `handler` runs on the calling thread's event loop at every SIGUSR1, for as
// long as `context` lives (a self-pipe: the signal handler only writes a byte). Does nothing otherwise.
void onUserSignal(QObject *context, std::function<void()> handler);

} // namespace parley::server::testhooks
