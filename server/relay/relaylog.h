#pragma once

#include <QLoggingCategory>

// parley.relay: connections, logins, enrollment, message routing and delivery. Never IP addresses, message
// content, keys or enrollment codes.
Q_DECLARE_LOGGING_CATEGORY(lcRelay)
