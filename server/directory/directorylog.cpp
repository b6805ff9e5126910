#include "directory/directorylog.h"

namespace parley::server {

Q_LOGGING_CATEGORY(lcDirectory, "parley.directory")

} // namespace parley::server
