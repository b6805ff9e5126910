#include "daemon/logging.h"

Q_LOGGING_CATEGORY(lcServer, "parley.server")
