#include "sso/ssolog.h"

namespace parley::server {

Q_LOGGING_CATEGORY(lcSso, "parley.sso")

} // namespace parley::server
