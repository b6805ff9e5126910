#pragma once

#include "cluster/clusterlink.h"
#include "core/result.h"

#include <memory>

namespace parley::server {

struct Config;
class PushService;
class Router;
class Store;

// With PostgreSQL (docs/scale-out.md): the node's link to the others, wired to the router (doorbells out and in,
// presence, closes and notices for devices another node serves), to the store's caches (changes other connections
// commit) and to push (one node sends the wake-ups; none goes to a device another node serves). Before the workers
// take connections; the push service is told to send only once the link made this node the one that does.
namespace ClusterSetup {

Result<std::unique_ptr<ClusterLink>> start(const Config &config, Store &store, Router &router, PushService *push);

} // namespace ClusterSetup

} // namespace parley::server
