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
    bool ok = false;
    const qint64 n = text->toLongLong(&ok);
    if (!ok || n < min || n > max)
        return keyError(key, u"expected an integer from %1 to %2"_s.arg(min).arg(max));
    return n;
}

} // namespace parley::settings
