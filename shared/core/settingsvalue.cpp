#include "core/settingsvalue.h"

#include <QVariant>

using namespace Qt::StringLiterals;

namespace parley::settings {

Error keyError(const QString &key, const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, u"configuration key %1: %2"_s.arg(key, what));
}

Result<QString> scalar(const QSettings &settings, const QString &key)
{
    const QVariant v = settings.value(key);
    if (v.typeId() == QMetaType::QStringList)
        return keyError(key, u"expected a single value"_s);
    return v.toString().trimmed();
}

Result<qint64> integer(const QSettings &settings, const QString &key, qint64 min, qint64 max)
{
    const auto text = scalar(settings, key);
    if (!text)
        return text.error();
    const auto n = integerValue(*text, min, max);
    if (!n)
        return keyError(key, n.error().message);
    return n;
}

Result<qint64> integerValue(const QString &text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (!ok || n < min || n > max)
        return makeError(ErrorCode::InvalidArgument, u"expected an integer from %1 to %2"_s.arg(min).arg(max));
    return n;
}

Result<ListenAddress> listenAddress(const QString &text)
{
    QString host;
    QString port;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u"]:"_s);
        if (close < 0)
            return makeError(ErrorCode::InvalidArgument, u"expected [IPV6]:PORT"_s);
        host = text.mid(1, close - 1);
        port = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(u':');
        if (colon <= 0 || text.indexOf(u':') != colon)
            return makeError(ErrorCode::InvalidArgument, u"expected ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)"_s);
        host = text.left(colon);
        port = text.mid(colon + 1);
    }
    ListenAddress listen;
    if (!listen.address.setAddress(host) || (text.startsWith(u'[') != (listen.address.protocol() == QAbstractSocket::IPv6Protocol)))
        return makeError(ErrorCode::InvalidArgument, u"'%1' is not an IP address"_s.arg(host));
    bool ok = false;
    const uint p = port.toUInt(&ok);
    if (!ok || p > 65535)
        return makeError(ErrorCode::InvalidArgument, u"'%1' is not a port number"_s.arg(port));
    listen.port = quint16(p);
    return listen;
}

} // namespace parley::settings
