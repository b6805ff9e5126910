#pragma once

// Reading the values of an INI file (QSettings) with errors that name the key: the boot configuration of parleyd and
// its [push] section use the same rules.

#include "core/result.h"
#include "parley_export.h"

#include <QHostAddress>
#include <QSettings>
#include <QString>

namespace parley::settings {

// "configuration key KEY: WHAT" (InvalidArgument).
PARLEY_EXPORT Error keyError(const QString &key, const QString &what);
// A value as written in the file, trimmed. QSettings turns comma-separated values into lists, which no key wants.
PARLEY_EXPORT Result<QString> scalar(const QSettings &settings, const QString &key);
// A whole number from min to max.
PARLEY_EXPORT Result<qint64> integer(const QSettings &settings, const QString &key, qint64 min, qint64 max);

// The same rules for a value on its own (an admin API's argument): the error says what is expected, without a key.
PARLEY_EXPORT Result<qint64> integerValue(const QString &text, qint64 min, qint64 max);
// A listener's address: ADDRESS:PORT, an IPv6 address as [ADDRESS]:PORT.
struct ListenAddress {
    QHostAddress address;
    quint16 port = 0;
};
PARLEY_EXPORT Result<ListenAddress> listenAddress(const QString &text);

} // namespace parley::settings
