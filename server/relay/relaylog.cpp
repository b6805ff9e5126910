#include "relay/relaylog.h"

Q_LOGGING_CATEGORY(lcRelay, "parley.relay")
