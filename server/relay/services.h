#pragma once

#include "metrics/servermetrics.h"
#include "relay/limits.h"
#include "store/blobindex.h"

namespace parley::server {

class BlobFiles;
class ConnectionGate;
class DeviceDirectory;
class EnrollGuard;
class PrekeyReserve;
class PushService;
class RateLimiter;
class RoomCache;
class Router;
class Store;
class TurnSettings;

// What every worker and session shares. All members are thread-safe (or, for the store, used per its rules).
struct Services {
    Store *store = nullptr;
    Router *router = nullptr;
    DeviceDirectory *directory = nullptr;
    RoomCache *rooms = nullptr;              // rooms and room settings
    RateLimiter *sendLimiter = nullptr;      // per account
    RateLimiter *botLimiter = nullptr;       // per bot, with each bot's own rate and burst (on top of sendLimiter)
    RateLimiter *fetchLimiter = nullptr;     // per (requester device, target device)
    RateLimiter *roomLimiter = nullptr;      // room records, per account
    RateLimiter *turnLimiter = nullptr;      // TURN credentials, per device
    PrekeyReserve *prekeyReserve = nullptr;  // which requesters a device's last one-time prekeys still go to
    EnrollGuard *enrollGuard = nullptr;      // wrong enrollment codes per user name
    ConnectionGate *gate = nullptr;          // connections not logged in, per address
    PushService *push = nullptr;             // idle when no push provider is configured
    TurnSettings *turn = nullptr;            // TURN credentials for calls (none while not configured)
    BlobFiles *blobs = nullptr;              // attachments' files; null: the server takes no attachments
    FileLimits files;                        // their boot defaults (maxFile and userQuota: managed over these)
    RelayMetrics *metrics = nullptr;         // connections, handshakes, logins, messages; null: not counted
    Limits limits;
    // Several nodes may serve one account (PostgreSQL): the buckets per account and per device are taken in the
    // database too, inside the write of what they limit (SharedLimits), after this node's own (the limiters above).
    bool sharedLimits = false;
};

} // namespace parley::server
