#include "admin/adminlog.h"

namespace parley::server {

Q_LOGGING_CATEGORY(lcAdmin, "parley.admin")

} // namespace parley::server
