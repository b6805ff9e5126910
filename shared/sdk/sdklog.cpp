#include "sdk/sdklog.h"

namespace parley::sdk {
Q_LOGGING_CATEGORY(lcSdk, "parley.sdk")
}
