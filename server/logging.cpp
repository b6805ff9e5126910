#include "logging.h"

Q_LOGGING_CATEGORY(lcServer, "parley.server")
Q_LOGGING_CATEGORY(lcRelay, "parley.relay")
Q_LOGGING_CATEGORY(lcTls, "parley.tls")
