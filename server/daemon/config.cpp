#include "daemon/config.h"

#include "core/settingsvalue.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSysInfo>
#include <QSettings>
#include <QThread>

#include <sys/stat.h>

#include <algorithm>
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
        {u"server/proxy_protocol_from"_s, [&settings, &l](const QString &key) -> Status {
             // Addresses and subnets, separated by commas (QSettings makes them a list) or spaces.
             l.proxyProtocolFrom.clear();
             const QStringList values = settings.value(key).toStringList();
             for (const QString &value : values) {
                 for (const QString &item : value.split(u' ', Qt::SkipEmptyParts)) {
                     const auto subnet = item.contains(u'/')
                         ? QHostAddress::parseSubnet(item)
                         : QPair<QHostAddress, int>(QHostAddress(item), QHostAddress(item).protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32);
                     if (subnet.first.isNull() || subnet.second < 0 || item.contains(u'%'))
                         return configError(key, u"expected addresses or subnets (10.0.0.5, 10.0.1.0/24, fd00::/64), not \"%1\""_s.arg(item));
                     l.proxyProtocolFrom.append(subnet);
                 }
             }
             return {};
         }},
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
        {u"files/directory"_s, pathInto(settings, config.filesDirectory)},
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

// A PostgreSQL host: the absolute path of a Unix socket's directory, an IP address or a DNS name.
bool isDatabaseHost(const QString &host)
{
    if (host.startsWith(u'/'))
        return QDir::isAbsolutePath(host) && !host.contains(u';') && !host.contains(u'\'') && !host.contains(u'\\');
    if (!QHostAddress(host).isNull())
        return true;
    if (host.isEmpty() || host.size() > 253 || host.startsWith(u'-') || host.startsWith(u'.') || host.endsWith(u'-'))
        return false;
    return std::all_of(host.cbegin(), host.cend(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'.';
    });
}

// A database or role name: 1 to 63 visible characters (PostgreSQL's identifiers hold 63 bytes).
Result<QString> databaseName(const QSettings &settings, const QString &key)
{
    const auto text = scalar(settings, key);
    if (!text)
        return text.error();
    const bool visible = std::all_of(text->cbegin(), text->cend(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
    if (text->isEmpty() || text->toUtf8().size() > 63 || !visible)
        return configError(key, u"expected 1 to 63 visible ASCII characters"_s);
    return *text;
}

// [store]. Every key but driver is PostgreSQL's: the first one set is remembered, to be refused with driver=sqlite.
Parsers storeParsers(const QSettings &settings, Config &config)
{
    StoreConfig &st = config.store;
    PostgresSettings &pg = st.postgres;
    const auto postgresKey = [&st](const QString &key, Parser parse) -> std::pair<QString, Parser> {
        return {key, [&st, parse](const QString &k) -> Status {
                    if (st.firstPostgresKey.isEmpty())
                        st.firstPostgresKey = k;
                    return parse(k);
                }};
    };
    return {
        {u"store/driver"_s, [&settings, &st](const QString &key) -> Status {
             const auto text = scalar(settings, key);
             if (!text)
                 return text.error();
             if (*text == u"sqlite"_s)
                 st.driver = StoreDriver::Sqlite;
             else if (*text == u"postgresql"_s)
                 st.driver = StoreDriver::PostgreSql;
             else
                 return configError(key, u"expected sqlite or postgresql"_s);
             return {};
         }},
        postgresKey(u"store/host"_s, [&settings, &pg](const QString &key) -> Status {
            const auto text = scalar(settings, key);
            if (!text)
                return text.error();
            if (!isDatabaseHost(*text))
                return configError(key, u"expected a host name, an IP address or the absolute path of the directory of "
                                        u"a Unix socket"_s);
            pg.host = text->startsWith(u'/') ? QDir::cleanPath(*text) : *text;
            return {};
        }),
        postgresKey(u"store/port"_s, intInto(settings, pg.port, 1, 65535)),
        postgresKey(u"store/database"_s, into(pg.database, [&settings](const QString &key) { return databaseName(settings, key); })),
        postgresKey(u"store/user"_s, into(pg.user, [&settings](const QString &key) { return databaseName(settings, key); })),
        postgresKey(u"store/password_file"_s, pathInto(settings, st.passwordFile)),
        postgresKey(u"store/sslmode"_s, [&settings, &pg](const QString &key) -> Status {
            const auto text = scalar(settings, key);
            if (!text)
                return text.error();
            if (*text != u"disable"_s && *text != u"verify-ca"_s && *text != u"verify-full"_s)
                return configError(key, u"expected disable, verify-ca or verify-full (allow, prefer and require do not "
                                        u"check the server's certificate)"_s);
            pg.sslMode = *text;
            return {};
        }),
        postgresKey(u"store/ca_file"_s, [&settings, &pg](const QString &key) -> Status {
            const auto file = path(settings, key);
            if (!file)
                return file.error();
            if (file->contains(u';'))
                return configError(key, u"a path with ';' cannot be handed to the PostgreSQL client library"_s);
            pg.caFile = *file;
            return {};
        }),
        postgresKey(u"store/connect_timeout_seconds"_s, intInto(settings, pg.connectTimeoutSeconds, 1, 300)),
        postgresKey(u"store/node_id"_s, [&settings, &st](const QString &key) -> Status {
            const auto text = scalar(settings, key);
            if (!text)
                return text.error();
            static const QRegularExpression valid(u"^[a-z0-9_-]{1,40}$"_s);
            if (!valid.match(*text).hasMatch())
                return configError(key, u"expected 1 to 40 of a-z, 0-9, '-' and '_' (it names the node to the others)"_s);
            st.nodeId = *text;
            return {};
        }),
    };
}

// [store]: the PostgreSQL keys go with driver=postgresql, which needs a database and a user; TLS as the host allows.
Status checkStore(const StoreConfig &st)
{
    const PostgresSettings &pg = st.postgres;
    if (st.driver == StoreDriver::Sqlite) {
        if (!st.firstPostgresKey.isEmpty())
            return configError(st.firstPostgresKey, u"only with store/driver=postgresql"_s);
        return {};
    }
    if (pg.database.isEmpty())
        return configError(u"store/database"_s, u"required with store/driver=postgresql"_s);
    if (pg.user.isEmpty())
        return configError(u"store/user"_s, u"required with store/driver=postgresql"_s);
    const QString mode = pg.effectiveSslMode();
    if (pg.isUnixSocket() && mode != u"disable"_s)
        return configError(u"store/sslmode"_s, u"TLS does not apply to a Unix socket (store/host is a directory): leave "
                                               u"sslmode out or set it to disable"_s);
    if (mode == u"disable"_s && !pg.isLocal())
        return configError(u"store/sslmode"_s, u"disable is allowed only for a Unix socket or a loopback address; %1 needs "
                                               u"verify-full (or verify-ca) with ca_file"_s.arg(pg.host));
    if (mode != u"disable"_s && pg.caFile.isEmpty())
        return configError(u"store/ca_file"_s, u"required with sslmode=%1: the CA certificates that verify the database "
                                               u"server's certificate"_s.arg(mode));
    if (mode == u"disable"_s && !pg.caFile.isEmpty())
        return configError(u"store/ca_file"_s, u"only with sslmode verify-ca or verify-full"_s);
    return {};
}

// Rules that tie keys together, once every key is read.
Status checkCombinations(Config &config)
{
    if (const Status s = checkStore(config.store); !s)
        return s;
    if (config.store.driver == StoreDriver::PostgreSql && config.store.nodeId.isEmpty()) {
        // The host's name, lower case, with '-' for what a node id cannot hold.
        QString id = QSysInfo::machineHostName().toLower().left(40);
        for (QChar &c : id) {
            if (!((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'-'))
                c = u'-';
        }
        config.store.nodeId = id.isEmpty() ? u"node"_s : id;
    }
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
    const Parsers parsers = relayParsers(settings, config) + adminParsers(settings, config) + storeParsers(settings, config);
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

QString Config::blobsDirectory() const
{
    return filesDirectory.isEmpty() ? QDir(dataDir).filePath(u"blobs"_s) : filesDirectory;
}

QString Config::databaseFile() const
{
    return dataDir + u"/parleyd.sqlite"_s;
}

QString Config::databaseDescription() const
{
    if (store.driver == StoreDriver::PostgreSql)
        return u"the PostgreSQL "_s + store.postgres.describe();
    return u"the database "_s + databaseFile();
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
