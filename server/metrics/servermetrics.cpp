#include "metrics/servermetrics.h"

namespace parley::server {

namespace {

constexpr std::array<std::string_view, 4> HandshakeResults{"full", "resumed", "failed", "timeout"};
constexpr std::array<std::string_view, 3> LoginResults{"ok", "resumed", "failed"};
constexpr std::array<std::string_view, 3> PushProviders{"apns", "fcm", "webpush"};
constexpr std::array<std::string_view, 5> PushOutcomes{"sent", "retried", "token_removed", "dead_lettered",
                                                       "skipped_online"};

} // namespace

void ServerMetrics::writeTo(metrics::Exposition &out) const
{
    out.gauge("parleyd_connections",
              "Device connections open now, from the TCP accept to the close (TLS handshake and WebSocket upgrade included).",
              double(relay.connections.value()));
    out.counter("parleyd_connections_accepted_total", "Device connections accepted.", double(relay.connectionsAccepted.value()));
    out.counter("parleyd_connections_refused_total",
                "Device connections closed at once: their address had [limits] unauthenticated_per_address connections "
                "not logged in.",
                double(relay.connectionsRefused.value()));
    out.counter("parleyd_proxy_headers_refused_total",
                "Device connections from a load balancer in [server] proxy_protocol_from closed because they did not "
                "start with a valid PROXY protocol header within the handshake timeout.",
                double(relay.proxyHeadersRefused.value()));

    out.family("parleyd_tls_handshakes_total", "counter",
               "TLS handshakes on the device listener, by result: full, resumed (session ticket), failed, timeout.");
    for (size_t i = 0; i < HandshakeResults.size(); ++i)
        out.sample("parleyd_tls_handshakes_total", {{"result", HandshakeResults[i]}}, double(relay.handshakes[i].value()));

    out.family("parleyd_logins_total", "counter",
               "Device logins, by result: ok (signed challenge), resumed (resumption credential), failed (refused).");
    for (size_t i = 0; i < LoginResults.size(); ++i)
        out.sample("parleyd_logins_total", {{"result", LoginResults[i]}}, double(relay.logins[i].value()));

    out.counter("parleyd_messages_accepted_total",
                "Messages stored and answered accepted (a message sent again after a lost reply counts once).",
                double(relay.messagesAccepted.value()));
    out.counter("parleyd_messages_delivered_total",
                "Messages acknowledged by a recipient device and taken off its queue (one per message and device).",
                double(relay.messagesDelivered.value()));

    out.histogram("parleyd_store_commit_duration_seconds",
                  "Group commits of the database writer, from the transaction's start to COMMIT returning (its "
                  "operations and the fsync).",
                  store.commitDuration.snapshot());
    out.counter("parleyd_store_commit_failures_total",
                "Group commits that failed; none of their writes was stored (storage failures included).",
                double(store.commitFailures.value()));

    out.family("parleyd_push_wakeups_total", "counter",
               "Push wake-ups by provider and result: sent, retried, token_removed, dead_lettered, skipped_online "
               "(the device had connected meanwhile).");
    for (size_t p = 0; p < PushProviders.size(); ++p) {
        for (size_t o = 0; o < PushOutcomes.size(); ++o)
            out.sample("parleyd_push_wakeups_total", {{"provider", PushProviders[p]}, {"result", PushOutcomes[o]}},
                       double(push.outcomes[p][o].value()));
    }
}

} // namespace parley::server
