#include "store/storelog.h"

namespace parley::server {

Q_LOGGING_CATEGORY(lcStore, "parley.store")

} // namespace parley::server
