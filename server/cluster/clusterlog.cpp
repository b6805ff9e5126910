#include "cluster/clusterlog.h"

namespace parley::server {

Q_LOGGING_CATEGORY(lcCluster, "parley.cluster")

} // namespace parley::server
