#pragma once

#include <QLoggingCategory>

namespace parley::sdk {
Q_DECLARE_LOGGING_CATEGORY(lcSdk)
}
