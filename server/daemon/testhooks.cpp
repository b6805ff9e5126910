#include "daemon/testhooks.h"

#include "daemon/logging.h"

#include <QByteArray>
#include <QString>
#include <QtGlobal>

using namespace Qt::StringLiterals;

namespace parley::server::testhooks {

namespace {

#ifdef PARLEY_TEST_HOOKS
// The variable's value within [min, max], or `fallback` when it is unset; a value that does not fit is logged and
// ignored.
int readHook(const char *name, int min, int max, int fallback)
{
    if (!qEnvironmentVariableIsSet(name))
        return fallback;
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    if (!ok || value < min || value > max) {
        qCWarning(lcServer).noquote() << u"Test hook %1 ignored: expected %2 ... %3"_s
                                             .arg(QString::fromLatin1(name)).arg(min).arg(max);
        return fallback;
    }
    qCWarning(lcServer).noquote() << u"Test hook %1=%2 in force"_s.arg(QString::fromLatin1(name)).arg(value);
    return value;
}
#else
int readHook(const char *, int, int, int fallback)
{
    return fallback;
}
#endif

} // namespace

int historyIntervalMs(int fallback)
{
    static const int value = readHook("PARLEY_TEST_HISTORY_INTERVAL_MS", 100, 10000, fallback);
    return value;
}

} // namespace parley::server::testhooks
