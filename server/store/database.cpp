#include "store/database.h"

#include <QHostAddress>

using namespace Qt::StringLiterals;

namespace parley::server {

bool PostgresSettings::isLocal() const
{
    if (isUnixSocket() || host == u"localhost"_s)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QString PostgresSettings::effectiveSslMode() const
{
    if (!sslMode.isEmpty())
        return sslMode;
    return isLocal() ? u"disable"_s : u"verify-full"_s;
}

QString PostgresSettings::describe() const
{
    const QString where = isUnixSocket() ? u"the socket in %1 (port %2)"_s.arg(host).arg(port)
                        : host.contains(u':') ? u"[%1]:%2"_s.arg(host).arg(port)
                                              : u"%1:%2"_s.arg(host).arg(port);
    const QString mode = effectiveSslMode();
    return u"database %1 as %2 on %3 (%4)"_s.arg(database, user, where,
                                                mode == u"disable"_s ? u"without TLS"_s : u"TLS "_s + mode);
}

} // namespace parley::server
