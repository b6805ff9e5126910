#include "daemon/config.h"

#include "core/settingsvalue.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QThread>

#include <sys/stat.h>

#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

using settings::scalar;
using settings::integer;

Error configError(const QString &key, const QString &what) { return settings::keyError(key, what); }

Result<double> rate(const QSettings &settings, const QString &key)
{
    const auto text = scalar(settings, key);
    if (!text)
        return text.error();
    bool ok = false;
    const double n = text->toDouble(&ok);
    if (!ok || !std::isfinite(n) || n <= 0 || n > 1e9)
        return configError(key, u"expected a positive number"_s);
    return n;
}

Result<QString> path(const QSettings &settings, const QString &key)
{
    const auto text = scalar(settings, key);
    if (!text)
        return text.error();
    if (text->isEmpty() || !QDir::isAbsolutePath(*text))
        return configError(key, u"expected an absolute path"_s);
    return QDir::cleanPath(*text);
}

Status parseListen(const QString &key, const QString &text, Config &config)
{
    const auto listen = settings::listenAddress(text);
    if (!listen)
        return configError(key, listen.error().message);
    config.listenAddress = listen->address;
    config.listenPort = listen->port;
    return {};
}

// Every key the file may hold, with its parser. Anything else is an error.
using Parser = std::function<Status(const QString &key)>;
using Parsers = QList<std::pair<QString, Parser>>;

// A parser that reads a key with `read` (returning a Result) and stores the value in `target`.
template<class T, class Read>
Parser into(T &target, Read read)
{
    return [&target, read](const QString &key) -> Status {
        const auto v = read(key);
        if (!v)
            return v.error();
        target = T(*v);
        return {};
    };
}

template<class T>
Parser intInto(const QSettings &settings, T &target, qint64 min, qint64 max)
{
    return into(target, [&settings, min, max](const QString &key) { return integer(settings, key, min, max); });
}

Parser rateInto(const QSettings &settings, double &target)
{
    return into(target, [&settings](const QString &key) { return rate(settings, key); });
}

Parser pathInto(const QSettings &settings, QString &target)
{
    return into(target, [&settings](const QString &key) { return path(settings, key); });
}

// [server], [tls] and [limits].
Parsers relayParsers(const QSettings &settings, Config &config)
{
    Limits &l = config.limits;
    return {
        {u"server/listen"_s, [&settings, &config](const QString &key) -> Status {
             const auto text = scalar(settings, key);
             if (!text)
                 return text.error();
             return parseListen(key, *text, config);
         }},
        {u"server/data_dir"_s, pathInto(settings, config.dataDir)},
        {u"server/workers"_s, intInto(settings, config.workers, 1, 256)},
        {u"tls/certificate"_s, pathInto(settings, config.certificatePath)},
        {u"tls/private_key"_s, pathInto(settings, config.privateKeyPath)},
        {u"tls/ticket_key_seconds"_s, intInto(settings, config.ticketKeySeconds, 1, 86400)},
        {u"limits/max_devices_per_user"_s, intInto(settings, l.maxDevicesPerUser, 1, 1000)},
        {u"limits/max_queue_per_device"_s, intInto(settings, l.maxQueuePerDevice, 1, qint64(1) << 40)},
        {u"limits/send_rate"_s, rateInto(settings, l.sendRate)},
        {u"limits/send_burst"_s, intInto(settings, l.sendBurst, 1, 100000000)},
        {u"limits/frame_rate"_s, rateInto(settings, l.frameRate)},
        {u"limits/frame_burst"_s, intInto(settings, l.frameBurst, 1, 100000000)},
        {u"limits/refused_frames"_s, intInto(settings, l.refusedFrames, 1, 1000)},
        {u"limits/refused_window_seconds"_s, intInto(settings, l.refusedWindowSeconds, 1, 86400)},
        {u"limits/fetch_burst"_s, intInto(settings, l.fetchBurst, 1, 1000000)},
        {u"limits/fetch_refill_seconds"_s, intInto(settings, l.fetchRefillSeconds, 1, 86400 * 7)},
        {u"limits/prekey_reserve"_s, intInto(settings, l.prekeyReserve, 0, 1000)},
        {u"limits/reserve_window_seconds"_s, intInto(settings, l.reserveWindowSeconds, 1, 86400 * 30)},
        {u"limits/handshake_timeout_seconds"_s, intInto(settings, l.handshakeTimeoutSeconds, 1, 600)},
        {u"limits/unauthenticated_per_address"_s, intInto(settings, l.unauthenticatedPerAddress, 1, 1000000)},
        {u"limits/enroll_failures"_s, intInto(settings, l.enrollFailures, 1, 1000)},
        {u"limits/enroll_lockout_seconds"_s, intInto(settings, l.enrollLockoutSeconds, 1, 86400)},
        {u"limits/room_change_rate"_s, rateInto(settings, l.roomChangeRate)},
        {u"limits/room_change_burst"_s, intInto(settings, l.roomChangeBurst, 1, 100000000)},
        {u"limits/turn_rate"_s, rateInto(settings, l.turnRate)},
        {u"limits/turn_burst"_s, intInto(settings, l.turnBurst, 1, 1000000)},
        {u"limits/auth_timeout_seconds"_s, intInto(settings, l.authTimeoutSeconds, 1, 3600)},
        {u"limits/idle_timeout_seconds"_s, intInto(settings, l.idleTimeoutSeconds, 3, 86400)},
        {u"limits/message_ttl_days"_s, intInto(settings, l.messageTtlDays, 1, 3650)},
        {u"limits/sweep_seconds"_s, intInto(settings, l.sweepSeconds, 1, 3600)},
        {u"limits/write_queue"_s, intInto(settings, l.writeQueue, 1, 10000000)},
        {u"limits/commit_delay_us"_s, intInto(settings, l.commitDelayUs, 0, 100000)},
        {u"limits/resume_lifetime_seconds"_s, intInto(settings, l.resumeLifetimeSeconds, 0, 86400 * 366)},
        {u"files/max_file_bytes"_s, intInto(settings, config.files.maxFile, 1, qint64(1) << 50)},
        {u"files/user_quota_bytes"_s, intInto(settings, config.files.userQuota, 1, qint64(1) << 50)},
        {u"files/unfinished_per_device"_s, intInto(settings, config.files.unfinishedPerDevice, 1, 1000)},
        {u"files/upload_ttl_seconds"_s, intInto(settings, config.files.uploadTtlSeconds, 1, 86400 * 366)},
        {u"files/orphan_ttl_seconds"_s, intInto(settings, config.files.orphanTtlSeconds, 1, 86400 * 366)},
    };
}

// [admin], [metrics] and [log].
Parsers adminParsers(const QSettings &settings, Config &config)
{
    AdminConfig &a = config.admin;
    return {
        {u"admin/listen"_s, [&settings, &a](const QString &key) -> Status {
             const auto text = scalar(settings, key);
             if (!text)
                 return text.error();
             Config parsed;
             if (Status st = parseListen(key, *text, parsed); !st)
                 return st;
             a.listenAddress = parsed.listenAddress;
             a.listenPort = parsed.listenPort;
             a.listenConfigured = true;
             return {};
         }},
        {u"admin/certificate"_s, pathInto(settings, a.certificatePath)},
        {u"admin/private_key"_s, pathInto(settings, a.privateKeyPath)},
        {u"admin/client_ca"_s, pathInto(settings, a.clientCaPath)},
        {u"admin/require_client_certificate"_s, [&settings, &a](const QString &key) -> Status {
             const auto text = scalar(settings, key);
             if (!text)
                 return text.error();
             if (*text != u"true"_s && *text != u"false"_s)
                 return configError(key, u"expected true or false"_s);
             a.requireClientCertificate = *text == u"true"_s;
             return {};
         }},
        {u"admin/enroll_server"_s, [&settings, &a](const QString &key) -> Status {
             const auto text = scalar(settings, key);
             if (!text)
                 return text.error();
             const qsizetype colon = text->lastIndexOf(u':');
             bool ok = false;
             const uint port = colon > 0 ? text->mid(colon + 1).toUInt(&ok) : 0;
             if (!ok || port == 0 || port > 65535 || text->contains(u' ') || text->contains(u'/'))
                 return configError(key, u"expected HOST:PORT"_s);
             a.enrollServer = *text;
             return {};
         }},
        {u"admin/token_lifetime_seconds"_s, intInto(settings, a.tokenLifetimeSeconds, 1, 30 * 86400)},
        {u"admin/max_failed_logins"_s, intInto(settings, a.maxFailedLogins, 1, 1000)},
        {u"admin/lockout_seconds"_s, intInto(settings, a.lockoutSeconds, 1, 86400)},
        {u"metrics/listen"_s, [&settings, &config](const QString &key) -> Status {
             const auto text = scalar(settings, key);
             if (!text)
                 return text.error();
             // Empty: off, as when the key is absent.
             if (text->isEmpty()) {
                 config.metrics = MetricsConfig();
                 return {};
             }
             Config parsed;
             if (Status st = parseListen(key, *text, parsed); !st)
                 return st;
             config.metrics.enabled = true;
             config.metrics.listenAddress = parsed.listenAddress;
             config.metrics.listenPort = parsed.listenPort;
             return {};
         }},
        {u"log/rules"_s, [&settings, &config](const QString &key) -> Status {
             // Rules may be separated by ';' or ',' on one line (QSettings splits the latter into a list).
             QStringList rules = settings.value(key).toStringList();
             QString joined = rules.join(u'\n');
             joined.replace(u';', u'\n');
             config.logRules = joined.trimmed();
             return {};
         }},
    };
}

// Rules that tie keys together, once every key is read.
Status checkCombinations(Config &config)
{
    if (const Status s = config.push.validate(); !s)
        return s;
    if (const Status s = config.sso.validate(); !s)
        return s;
    if (config.admin.requireClientCertificate && config.admin.clientCaPath.isEmpty())
        return configError(u"admin/client_ca"_s, u"required with admin/require_client_certificate=true"_s);
    if (config.admin.certificatePath.isEmpty() != config.admin.privateKeyPath.isEmpty())
        return configError(u"admin/certificate"_s, u"admin/certificate and admin/private_key go together"_s);
    if (!config.admin.listenConfigured && config.listenPort == 0)
        config.admin.listenPort = 0;
    return {};
}

} // namespace

Config Config::defaults()
{
    Config config;
    config.workers = std::max(1, QThread::idealThreadCount());
    return config;
}

Result<Config> Config::load(const QString &file)
{
    const QFileInfo info(file);
    if (!info.exists())
        return makeError(ErrorCode::Io, u"configuration file %1 does not exist"_s.arg(file));
    if (!info.isFile() || !info.isReadable())
        return makeError(ErrorCode::Io, u"configuration file %1 is not a readable file"_s.arg(file));

    QSettings settings(file, QSettings::IniFormat);
    if (settings.status() != QSettings::NoError)
        return makeError(ErrorCode::InvalidArgument, u"configuration file %1 is malformed"_s.arg(file));

    Config config = defaults();
    const Parsers parsers = relayParsers(settings, config) + adminParsers(settings, config);
    const QStringList keys = settings.allKeys();
    for (const QString &key : keys) {
        if (key.startsWith(u"push/"_s)) {
            if (const Status s = PushConfig::parseKey(settings, key, config.push); !s)
                return s.error();
            continue;
        }
        if (key.startsWith(u"sso/"_s)) {
            if (const Status s = SsoConfig::parseKey(settings, key, config.sso); !s)
                return s.error();
            continue;
        }
        const auto known = std::find_if(parsers.cbegin(), parsers.cend(), [&key](const auto &p) { return p.first == key; });
        if (known == parsers.cend())
            return configError(key, u"unknown key"_s);
        if (const Status s = known->second(key); !s)
            return s.error();
    }
    if (const Status s = checkCombinations(config); !s)
        return s.error();
    return config;
}

QString Config::certificateFile() const
{
    return certificatePath.isEmpty() ? dataDir + u"/tls/server.crt"_s : certificatePath;
}

QString Config::privateKeyFile() const
{
    return privateKeyPath.isEmpty() ? dataDir + u"/tls/server.key"_s : privateKeyPath;
}

QString Config::databaseFile() const
{
    return dataDir + u"/parleyd.sqlite"_s;
}

QString Config::listenUrl(quint16 port) const
{
    const QString host = listenAddress.protocol() == QAbstractSocket::IPv6Protocol
        ? u"[%1]"_s.arg(listenAddress.toString())
        : listenAddress.toString();
    return u"wss://%1:%2/"_s.arg(host).arg(port);
}

Status Config::prepareDataDir() const
{
    const QByteArray native = QFile::encodeName(dataDir);
    struct stat st {};
    if (::stat(native.constData(), &st) != 0) {
        if (errno != ENOENT)
            return makeError(ErrorCode::Io, u"data directory %1: %2"_s.arg(dataDir, QString::fromLocal8Bit(strerror(errno))));
        // Parents are created with the usual mode; the data directory itself is private.
        const QFileInfo info(dataDir);
        if (!QDir().mkpath(info.absolutePath()))
            return makeError(ErrorCode::Io, u"cannot create the parent of data directory %1"_s.arg(dataDir));
        if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST)
            return makeError(ErrorCode::Io, u"cannot create data directory %1: %2"_s.arg(dataDir, QString::fromLocal8Bit(strerror(errno))));
        if (::stat(native.constData(), &st) != 0)
            return makeError(ErrorCode::Io, u"data directory %1: %2"_s.arg(dataDir, QString::fromLocal8Bit(strerror(errno))));
    }
    if (!S_ISDIR(st.st_mode))
        return makeError(ErrorCode::Io, u"data directory %1 is not a directory"_s.arg(dataDir));
    if (st.st_mode & S_IWOTH)
        return makeError(ErrorCode::Forbidden, u"data directory %1 is world-writable; refusing to use it"_s.arg(dataDir));
    return {};
}

} // namespace parley::server
