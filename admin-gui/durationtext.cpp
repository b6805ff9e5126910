#include "durationtext.h"

#include <algorithm>
#include <climits>

namespace parley::admin {

namespace {

int clamped(qint64 count)
{
    return int(std::clamp<qint64>(count, 0, INT_MAX));
}

} // namespace

QString DurationText::days(qint64 count)
{
    return tr("%n day(s)", nullptr, clamped(count));
}

QString DurationText::hours(qint64 count)
{
    return tr("%n hour(s)", nullptr, clamped(count));
}

QString DurationText::minutes(qint64 count)
{
    return tr("%n minute(s)", nullptr, clamped(count));
}

QString DurationText::seconds(qint64 count)
{
    return tr("%n second(s)", nullptr, clamped(count));
}

QString DurationText::elapsed(qint64 seconds)
{
    constexpr qint64 Minute = 60;
    constexpr qint64 Hour = 60 * Minute;
    constexpr qint64 Day = 24 * Hour;
    const qint64 s = std::max<qint64>(seconds, 0);
    const auto pair = [](const QString &large, qint64 small, QString (*unit)(qint64)) {
        //: a duration in two units, e.g. "3 days" and "4 hours"
        return small == 0 ? large : tr("%1 %2").arg(large, unit(small));
    };
    if (s >= Day)
        return pair(days(s / Day), (s % Day) / Hour, &DurationText::hours);
    if (s >= Hour)
        return pair(hours(s / Hour), (s % Hour) / Minute, &DurationText::minutes);
    if (s >= Minute)
        return pair(minutes(s / Minute), s % Minute, &DurationText::seconds);
    return DurationText::seconds(s);
}

} // namespace parley::admin
