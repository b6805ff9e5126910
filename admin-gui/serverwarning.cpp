#include "serverwarning.h"

#include "durationtext.h"

#include <QCborArray>
#include <QDateTime>
#include <QLocale>

#include <optional>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

std::optional<qint64> integerField(const QCborMap &m, QLatin1StringView key)
{
    const QCborValue v = m.value(key);
    return v.isInteger() ? std::optional<qint64>(v.toInteger()) : std::nullopt;
}

std::optional<QString> textField(const QCborMap &m, QLatin1StringView key)
{
    const QCborValue v = m.value(key);
    if (!v.isString() || v.toString().trimmed().isEmpty())
        return std::nullopt;
    return v.toString();
}

QString dateTime(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

// The listener whose certificate it is, as the object of "The certificate of …".
QString listenerPhrase(const std::optional<QString> &listener)
{
    //: The listeners complete "The certificate of %1 …" (in German the genitive: "des Servers").
    if (!listener)
        return ServerWarning::tr("the server");
    if (*listener == u"device"_s)
        return ServerWarning::tr("the device listener");
    if (*listener == u"admin"_s)
        return ServerWarning::tr("the admin listener");
    return ServerWarning::tr("the listener “%1”").arg(*listener);
}

QString providerName(const QString &provider)
{
    if (provider == u"apns"_s)
        return u"APNs"_s;
    if (provider == u"fcm"_s)
        return u"FCM"_s;
    if (provider == u"webpush"_s)
        return u"Web Push"_s;
    return provider;
}

std::optional<QString> certificateText(const QCborMap &m)
{
    const auto days = integerField(m, "days_left"_L1);
    const auto expires = integerField(m, "expires_at"_L1);
    if (!days || !expires)
        return std::nullopt;
    const auto listener = textField(m, "listener"_L1);
    const QString who = listenerPhrase(listener);
    const QString what = *days < 0 ? ServerWarning::tr("The certificate of %1 expired on %2.").arg(who, dateTime(*expires))
                                   : ServerWarning::tr("The certificate of %1 expires in %n day(s), on %2.", nullptr, int(*days))
                                         .arg(who, dateTime(*expires));
    // The admin listener's own certificate is in files parleyd.conf names; the device listener's is installed here.
    const QString action = listener == u"admin"_s
                               ? ServerWarning::tr("Replace the files that [admin] certificate and private_key name in "
                                                   "parleyd.conf, and reload them.")
                               : ServerWarning::tr("Install a new one.");
    return what + u' ' + action;
}

std::optional<QString> diskText(const QCborMap &m)
{
    const auto freeBytes = integerField(m, "free_bytes"_L1);
    const auto total = integerField(m, "total_bytes"_L1);
    const auto path = textField(m, "path"_L1);
    if (!freeBytes || !total || !path || *freeBytes < 0 || *total <= 0)
        return std::nullopt;
    const QLocale locale;
    const int percent = int(*freeBytes * 100 / *total);
    return ServerWarning::tr("Only %1 of %2 (%3%) is free on the disk that holds %4.")
        .arg(locale.formattedDataSize(*freeBytes, 1), locale.formattedDataSize(*total, 1), locale.toString(percent), *path);
}

std::optional<QString> pushText(const QCborMap &m)
{
    const auto provider = textField(m, "provider"_L1);
    const auto failures = integerField(m, "failures"_L1);
    const auto deadLettered = integerField(m, "dead_lettered"_L1);
    if (!provider || !failures || !deadLettered || *failures < 0 || *deadLettered < 0)
        return std::nullopt;
    QString text = ServerWarning::tr("Push wake-ups through %1 are failing (%n failed attempt(s)).", nullptr, int(*failures))
                       .arg(providerName(*provider));
    if (*deadLettered > 0)
        text += u' ' + ServerWarning::tr("%n wake-up(s) were given up.", nullptr, int(*deadLettered));
    return text + u' ' + ServerWarning::tr("Check the credentials and the messaging proxy.");
}

std::optional<QString> storageText(const QCborMap &m)
{
    const auto reason = textField(m, "reason"_L1);
    if (reason == u"storage"_s)
        return ServerWarning::tr("The storage under the database is failing (a full disk, an I/O error or a read-only "
                                 "file system): every write is refused until it recovers. Free space or repair the file "
                                 "system.");
    if (reason == u"commit"_s)
        return ServerWarning::tr("The database's last commit failed and its writes were refused. The event log's "
                                 "parley.store lines say why.");
    const auto queued = integerField(m, "write_queue"_L1);
    const auto limit = integerField(m, "write_queue_limit"_L1);
    if (reason == u"write_queue"_s && queued && limit) {
        const QLocale locale;
        return ServerWarning::tr("%1 writes wait for the database, over half of the %2 allowed: the disk does not keep "
                                 "up, and once the queue is full, messages are refused as busy.")
            .arg(locale.toString(*queued), locale.toString(*limit));
    }
    return std::nullopt;
}

std::optional<QString> stalledText(const QCborMap &m)
{
    const auto thread = textField(m, "thread"_L1);
    const auto node = textField(m, "node"_L1);
    const auto seconds = integerField(m, "unanswered_seconds"_L1);
    if (!thread || !node || !seconds)
        return std::nullopt;
    return ServerWarning::tr("The thread “%1” of parleyd on %2 has not answered for %3: what it serves hangs. Keep the "
                             "log for a bug report and restart parleyd.")
        .arg(*thread, *node, DurationText::elapsed(*seconds));
}

std::optional<QString> directoryText(const QCborMap &m)
{
    const auto error = textField(m, "error"_L1);
    const auto at = integerField(m, "at"_L1);
    if (!error || !at)
        return std::nullopt;
    return ServerWarning::tr("The directory sync failed at %1: %2").arg(dateTime(*at), *error);
}

} // namespace

QList<ServerWarning> ServerWarning::fromStatus(const QCborMap &status)
{
    QList<ServerWarning> out;
    const QCborValue list = status.value("warnings"_L1);
    if (!list.isArray())
        return out;
    for (const QCborValue &entry : list.toArray()) {
        if (!entry.isMap())
            continue;
        ServerWarning w;
        w.fields = entry.toMap();
        w.code = w.fields.value("code"_L1).toString();
        w.message = w.fields.value("message"_L1).toString().trimmed();
        if (w.code.isEmpty() && w.message.isEmpty())
            continue;
        w.critical = w.fields.value("severity"_L1).toString() == u"critical"_s;
        w.since = std::max<qint64>(0, integerField(w.fields, "since"_L1).value_or(0));
        out.append(w);
    }
    return out;
}

QString ServerWarning::text() const
{
    std::optional<QString> own;
    if (code == u"certificate_expiring"_s)
        own = certificateText(fields);
    else if (code == u"disk_low"_s)
        own = diskText(fields);
    else if (code == u"push_failing"_s)
        own = pushText(fields);
    else if (code == u"storage_failing"_s)
        own = storageText(fields);
    else if (code == u"node_stalled"_s)
        own = stalledText(fields);
    else if (code == u"directory_sync_failed"_s)
        own = directoryText(fields);
    if (own)
        return *own;
    if (!message.isEmpty())
        return message;
    return tr("The server reports a problem (%1).").arg(code);
}

QString ServerWarning::pageKey() const
{
    if (code == u"certificate_expiring"_s)
        return u"certificatesPage"_s;
    if (code == u"push_failing"_s)
        return u"pushPage"_s;
    if (code == u"disk_low"_s)
        return u"filesPage"_s;
    if (code == u"storage_failing"_s || code == u"node_stalled"_s)
        return u"loggingPage"_s;
    if (code == u"directory_sync_failed"_s)
        return u"directoryPage"_s;
    return {};
}

bool ServerWarning::operator==(const ServerWarning &other) const
{
    return code == other.code && critical == other.critical && message == other.message && since == other.since
           && fields == other.fields;
}

} // namespace parley::admin
