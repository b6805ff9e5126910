#pragma once

#include <QLoggingCategory>

// The daemon's logging categories. Logs never carry IP addresses, message content, keys or enrollment codes.
Q_DECLARE_LOGGING_CATEGORY(lcServer)   // parley.server: start-up, shutdown, configuration, sessions
Q_DECLARE_LOGGING_CATEGORY(lcRelay)    // parley.relay: message routing and delivery
Q_DECLARE_LOGGING_CATEGORY(lcTls)      // parley.tls: certificates and handshakes
