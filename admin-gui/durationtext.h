#pragma once

#include <QCoreApplication>
#include <QString>

namespace parley::admin {

// Lengths of time as people say them, in the user interface's language with its plural forms.
class DurationText {
    Q_DECLARE_TR_FUNCTIONS(DurationText)
public:
    // An elapsed time in its two largest units, the smaller one left out when it is 0: "22 seconds",
    // "5 minutes 3 seconds", "3 days 4 hours", "1 day". Negative counts as 0.
    static QString elapsed(qint64 seconds);
    // "%n day(s)" and its kin: one unit.
    static QString days(qint64 count);
    static QString hours(qint64 count);
    static QString minutes(qint64 count);
    static QString seconds(qint64 count);
};

} // namespace parley::admin
