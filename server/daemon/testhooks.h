#pragma once

// Hooks for the tests that drive a real parleyd (docs/operations.md "Test hooks"): environment variables that make
// something slow happen quickly or a fault happen on purpose. They exist only in builds with PARLEY_TEST_HOOKS (on
// with the test suite, off in the packages: installer/debian/rules builds without tests); elsewhere every function
// returns its default and the environment is not read. A hook that is set is logged once at start.

namespace parley::server::testhooks {

// PARLEY_TEST_HISTORY_INTERVAL_MS (100 ... 10000): the interval of status.history's samples instead of `fallback`.
int historyIntervalMs(int fallback);

} // namespace parley::server::testhooks
