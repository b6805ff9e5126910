#pragma once

// Every metric parleyd counts as things happen, by subsystem (docs/operations.md lists them with what to alert on).
// Each subsystem gets a pointer to its own part (null: nothing is counted, e.g. in a unit test of the subsystem
// alone). Labels are fixed words of the code: no user name, device, address or any other per-user value.
// What is read only when scraped (queue depth, attachment bytes, devices online, process figures) is not here.

#include "metrics/metrics.h"

#include <array>

namespace parley::server {

// server/store: the single writer's group commits.
struct StoreMetrics {
    // From the transaction's start to COMMIT returning (the operations and the fsync), successful commits only.
    metrics::Histogram commitDuration{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    metrics::Counter commitFailures;
};

// server/relay: the device listener and its sessions.
struct RelayMetrics {
    enum class Handshake { Full, Resumed, Failed, Timeout };
    enum class Login { Ok, Resumed, Failed };

    metrics::Gauge connections;              // open TCP connections, from accept() to close
    metrics::Counter connectionsAccepted;
    metrics::Counter connectionsRefused;     // closed at once by the per-address gate
    metrics::Counter proxyHeadersRefused;    // from a load balancer, without a valid PROXY header in time
    std::array<metrics::Counter, 4> handshakes;
    std::array<metrics::Counter, 3> logins;
    metrics::Counter messagesAccepted;       // stored and answered `accepted`; a resent duplicate is not counted
    metrics::Counter messagesDelivered;      // queue entries acknowledged by their device and removed

    void handshake(Handshake result) noexcept { handshakes[size_t(result)].add(); }
    void login(Login result) noexcept { logins[size_t(result)].add(); }
};

// server/push: the outcome of each wake-up, by provider.
struct PushMetrics {
    enum class Provider { Apns, Fcm, WebPush };
    enum class Outcome { Sent, Retried, TokenRemoved, DeadLettered, SkippedOnline };

    std::array<std::array<metrics::Counter, 5>, 3> outcomes;

    void outcome(Provider provider, Outcome result) noexcept { outcomes[size_t(provider)][size_t(result)].add(); }
};

struct ServerMetrics {
    StoreMetrics store;
    RelayMetrics relay;
    PushMetrics push;

    // Every metric above, in the text exposition format, each label combination present from the start (at 0).
    void writeTo(metrics::Exposition &out) const;
};

} // namespace parley::server
