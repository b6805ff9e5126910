#pragma once

#include "parley_export.h"

namespace parley::crypto {

// Frees the calling thread's OpenSSL state (its random generators). OpenSSL frees it when the thread ends, but a
// thread of a QThreadPool tells the pool it is done before it ends, so at process exit that can come after OpenSSL's
// own cleanup, and the state is never freed. Work run on a pool calls this before it returns; the thread's next use
// of OpenSSL sets the state up again.
PARLEY_EXPORT void releaseThreadState();

} // namespace parley::crypto
