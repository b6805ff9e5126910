#pragma once

#include <QLoggingCategory>

// parley.server: start-up, shutdown, configuration, certificates and the sweeper. Logs never carry IP addresses,
// message content, keys or enrollment codes.
Q_DECLARE_LOGGING_CATEGORY(lcServer)
