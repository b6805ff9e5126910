// Tests of the boot configuration (server/config.h) and of the small value types around it.

#include "daemon/config.h"
#include "daemon/storesetup.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

class tst_Config : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    // The keys the shipped example writes commented out in `section` ("[sso]"), uncommented; their count in `keys`.
    static QByteArray uncommentedKeys(const QByteArray &section, int *keys)
    {
        QFile example(QStringLiteral(PARLEY_EXAMPLE_CONFIG));
        if (!example.open(QIODevice::ReadOnly))
            return {};
        QByteArray out = section + '\n';
        bool inSection = false;
        *keys = 0;
        for (const QByteArray &line : example.readAll().split('\n')) {
            if (line.startsWith('['))
                inSection = line == section;
            else if (inSection && line.startsWith(';') && line.contains('=') && !line.contains(' ')) {
                out += line.mid(1) + '\n';
                ++*keys;
            }
        }
        return out;
    }

    QString writeConfig(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        f.write(content);
        return path;
    }

private Q_SLOTS:
    // The example configuration shipped in resources/ (and in the package) must load as it is.
    void shippedExampleLoads()
    {
        auto config = parley::server::Config::load(QStringLiteral(PARLEY_EXAMPLE_CONFIG));
        QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error().message));
        QCOMPARE(config->listenPort, quint16(8443));
        QVERIFY(!config->metrics.enabled);   // the monitoring listener is opt-in
        // Each section the daemon reads is documented in it (a section it does not know would not load).
        QFile example(QStringLiteral(PARLEY_EXAMPLE_CONFIG));
        QVERIFY(example.open(QIODevice::ReadOnly));
        const QByteArray text = example.readAll();
        for (const char *section : {"[server]", "[store]", "[tls]", "[limits]", "[files]", "[push]", "[admin]", "[sso]",
                                    "[metrics]", "[log]"})
            QVERIFY2(text.contains(section), section);
        QVERIFY(text.contains(";listen=127.0.0.1:9464"));
    }

    // Every key of the example's [sso] section, which ships commented out (single sign-on is off by default), loads
    // once uncommented, with the value the example gives it.
    void shippedSsoKeysLoad()
    {
        int keys = 0;
        const QByteArray sso = uncommentedKeys("[sso]", &keys);
        QCOMPARE(keys, 9);
        auto config = Config::load(writeConfig(u"sso.conf"_s, sso));
        QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
        const SsoConfig &c = config->sso;
        QVERIFY(c.enabled());
        QCOMPARE(c.listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(c.listenPort, quint16(8445));
        QCOMPARE(c.publicUrl, QUrl(u"https://chat.example.org:8445"_s));
        QCOMPARE(c.issuer, u"https://login.example.org/realms/staff"_s);
        QCOMPARE(c.clientId, u"parley"_s);
        QCOMPARE(c.clientSecretFile, u"/etc/parleyd/sso-client-secret"_s);
        QCOMPARE(c.usernameClaim, u"preferred_username"_s);
        QCOMPARE(c.scopes(), u"openid profile"_s);
        QCOMPARE(c.createUsers, false);
        QCOMPARE(c.caFile, u"/etc/parleyd/sso-ca.pem"_s);
        QCOMPARE(c.codeValidSeconds, 3600);
    }

    // The example's [store] keys, commented out but for driver, load once uncommented with driver=postgresql.
    void shippedStoreKeysLoad()
    {
        int keys = 0;
        const QByteArray store = uncommentedKeys("[store]", &keys) + "driver=postgresql\n";
        QCOMPARE(keys, 9);
        auto config = Config::load(writeConfig(u"store.conf"_s, store));
        QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
        const StoreConfig &s = config->store;
        QCOMPARE(s.driver, StoreDriver::PostgreSql);
        QCOMPARE(s.postgres.host, u"db.example.org"_s);
        QCOMPARE(s.postgres.port, 5432);
        QCOMPARE(s.postgres.database, u"parley"_s);
        QCOMPARE(s.postgres.user, u"parleyd"_s);
        QCOMPARE(s.passwordFile, u"/etc/parleyd/db-password"_s);
        QCOMPARE(s.postgres.effectiveSslMode(), u"verify-full"_s);
        QCOMPARE(s.postgres.caFile, u"/etc/parleyd/db-ca.pem"_s);
        QCOMPARE(s.postgres.connectTimeoutSeconds, 10);
        QCOMPARE(s.nodeId, u"parley-1"_s);
        QCOMPARE(config->databaseDescription(),
                 u"the PostgreSQL database parley as parleyd on db.example.org:5432 (TLS verify-full)"_s);
    }

    // Without [store]: SQLite in the data directory. A local PostgreSQL: the Debian socket, without TLS.
    void storeDefaults()
    {
        auto sqlite = Config::load(writeConfig(u"store-none.conf"_s, "[server]\ndata_dir=/srv/p\n"));
        QVERIFY2(sqlite, qPrintable(sqlite ? QString() : sqlite.error().message));
        QCOMPARE(sqlite->store.driver, StoreDriver::Sqlite);
        QCOMPARE(sqlite->databaseDescription(), u"the database /srv/p/parleyd.sqlite"_s);
        auto local = Config::load(writeConfig(u"store-local.conf"_s,
                                              "[store]\ndriver=postgresql\ndatabase=parley\nuser=parleyd\n"));
        QVERIFY2(local, qPrintable(local ? QString() : local.error().message));
        QCOMPARE(local->store.postgres.host, u"/var/run/postgresql"_s);
        QVERIFY(local->store.postgres.isUnixSocket());
        QCOMPARE(local->store.postgres.effectiveSslMode(), u"disable"_s);
        QVERIFY(local->store.passwordFile.isEmpty());
        // The node's name: the host's, made fit for a node id.
        QVERIFY(QRegularExpression(u"^[a-z0-9_-]{1,40}$"_s).match(local->store.nodeId).hasMatch());
        QVERIFY(sqlite->store.nodeId.isEmpty());
        for (const char *host : {"127.0.0.1", "127.8.9.10", "::1", "localhost"}) {
            auto loopback = Config::load(writeConfig(u"store-loopback.conf"_s,
                                                     QByteArray("[store]\ndriver=postgresql\ndatabase=p\nuser=u\nhost=")
                                                         + host + '\n'));
            QVERIFY2(loopback, qPrintable(loopback ? QString() : loopback.error().message));
            QCOMPARE(loopback->store.postgres.effectiveSslMode(), u"disable"_s);
        }
    }

    // The password comes from password_file when the store opens: a file other users cannot read, its first line.
    void storePasswordFile()
    {
        Config config = Config::defaults();
        config.store.driver = StoreDriver::PostgreSql;
        config.store.postgres.database = u"parley"_s;
        config.store.postgres.user = u"parleyd"_s;
        config.store.passwordFile = m_dir.filePath(u"db-password"_s);
        const auto setPassword = [&](const QByteArray &text, QFileDevice::Permissions permissions) {
            QFile f(config.store.passwordFile);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
            f.close();
            QVERIFY(QFile::setPermissions(config.store.passwordFile, permissions));
        };
        const QFileDevice::Permissions owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
        setPassword("s3cret pass\r\nsecond line\n", owner | QFileDevice::ReadGroup);
        auto options = StoreSetup::options(config);
        QVERIFY2(options, qPrintable(options ? QString() : options.error().message));
        QCOMPARE(options->driver, StoreDriver::PostgreSql);
        QCOMPARE(options->postgres.password, u"s3cret pass"_s);
        QCOMPARE(options->postgres.database, u"parley"_s);

        setPassword("s3cret\n", owner | QFileDevice::ReadOther);
        auto readable = StoreSetup::options(config);
        QVERIFY(!readable);
        QVERIFY2(readable.error().message.contains(u"store/password_file"_s), qPrintable(readable.error().message));
        QVERIFY(readable.error().message.contains(u"readable by every user"_s));

        setPassword("\nsecond\n", owner);
        auto empty = StoreSetup::options(config);
        QVERIFY(!empty);
        QVERIFY2(empty.error().message.contains(u"store/password_file"_s), qPrintable(empty.error().message));

        config.store.passwordFile = m_dir.filePath(u"missing"_s);
        auto missing = StoreSetup::options(config);
        QVERIFY(!missing);
        QVERIFY2(missing.error().message.contains(u"store/password_file"_s), qPrintable(missing.error().message));

        config.store.passwordFile.clear();
        config.store.postgres.caFile = m_dir.filePath(u"no-ca.pem"_s);
        auto noCa = StoreSetup::options(config);
        QVERIFY(!noCa);
        QVERIFY2(noCa.error().message.contains(u"store/ca_file"_s), qPrintable(noCa.error().message));
    }

    void ssoIssuerKeptAsWritten()
    {
        auto config = Config::load(writeConfig(u"sso-slash.conf"_s,
                                               "[sso]\nissuer=https://tenant.example.com/\nclient_id=c\n"
                                               "client_secret_file=/etc/s\nusername_claim=email\n"));
        QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
        QCOMPARE(config->sso.issuer, u"https://tenant.example.com/"_s);
        QCOMPARE(config->sso.scopes(), u"openid email"_s);
        auto off = Config::load(writeConfig(u"sso-off.conf"_s, QByteArray()));
        QVERIFY(off);
        QVERIFY(!off->sso.enabled());
    }

    void defaults()
    {
        const QString path = writeConfig(u"empty.conf"_s, QByteArray());
        auto config = Config::load(path);
        QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
        QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(config->listenPort, quint16(8443));
        QCOMPARE(config->dataDir, u"/var/lib/parleyd"_s);
        QCOMPARE(config->workers, std::max(1, QThread::idealThreadCount()));
        QCOMPARE(config->certificateFile(), u"/var/lib/parleyd/tls/server.crt"_s);
        QCOMPARE(config->blobsDirectory(), u"/var/lib/parleyd/blobs"_s);
        QVERIFY(config->limits.proxyProtocolFrom.isEmpty());
        QCOMPARE(config->privateKeyFile(), u"/var/lib/parleyd/tls/server.key"_s);
        QVERIFY(config->usesDefaultTlsFiles());
        QCOMPARE(config->limits.maxDevicesPerUser, 10);
        QCOMPARE(config->limits.maxQueuePerDevice, qint64(2000000));
        QCOMPARE(config->limits.sendRate, 500.0);
        QCOMPARE(config->limits.sendBurst, 10000);
        QCOMPARE(config->limits.frameRate, 2000.0);
        QCOMPARE(config->limits.frameBurst, 10000);
        QCOMPARE(config->limits.refusedFrames, 5);
        QCOMPARE(config->limits.refusedWindowSeconds, 60);
        QCOMPARE(config->limits.commitDelayUs, 1000);
        QCOMPARE(config->limits.fetchBurst, 5);
        QCOMPARE(config->limits.fetchRefillSeconds, 60);
        QCOMPARE(config->limits.authTimeoutSeconds, 30);
        QCOMPARE(config->limits.idleTimeoutSeconds, 120);
        QCOMPARE(config->limits.messageTtlDays, 30);
        QCOMPARE(config->limits.prekeyReserve, 20);
        QCOMPARE(config->limits.reserveWindowSeconds, 86400);
        QCOMPARE(config->limits.handshakeTimeoutSeconds, 10);
        QCOMPARE(config->limits.unauthenticatedPerAddress, 1024);
        QCOMPARE(config->limits.enrollFailures, 5);
        QCOMPARE(config->limits.enrollLockoutSeconds, 300);
        QCOMPARE(config->limits.roomChangeRate, 1.0);
        QCOMPARE(config->limits.roomChangeBurst, 2000);
        QCOMPARE(config->listenUrl(8443), u"wss://127.0.0.1:8443/"_s);
        QVERIFY(!config->metrics.enabled);
    }

    void everyKey()
    {
        const QString path = writeConfig(u"full.conf"_s,
                                         "[server]\n"
                                         "listen=[::1]:9443\n"
                                         "data_dir=/srv/parley\n"
                                         "workers=3\n"
                                         "proxy_protocol_from=10.0.0.5, 10.0.1.0/24 fd00::/64\n"
                                         "[tls]\n"
                                         "certificate=/etc/parleyd/cert.pem\n"
                                         "private_key=/etc/parleyd/key.pem\n"
                                         "[limits]\n"
                                         "max_devices_per_user=4\n"
                                         "max_queue_per_device=5000\n"
                                         "send_rate=12.5\n"
                                         "send_burst=100\n"
                                         "frame_rate=50\n"
                                         "frame_burst=200\n"
                                         "refused_frames=3\n"
                                         "refused_window_seconds=10\n"
                                         "commit_delay_us=0\n"
                                         "fetch_burst=2\n"
                                         "fetch_refill_seconds=30\n"
                                         "auth_timeout_seconds=10\n"
                                         "idle_timeout_seconds=60\n"
                                         "message_ttl_days=7\n"
                                         "prekey_reserve=0\n"
                                         "reserve_window_seconds=3600\n"
                                         "handshake_timeout_seconds=3\n"
                                         "unauthenticated_per_address=16\n"
                                         "enroll_failures=2\n"
                                         "enroll_lockout_seconds=60\n"
                                         "room_change_rate=0.5\n"
                                         "room_change_burst=50\n"
                                         "[files]\n"
                                         "directory=/mnt/parley-blobs\n"
                                         "[metrics]\n"
                                         "listen=[::1]:9100\n"
                                         "[log]\n"
                                         "rules=\"parley.*.debug=true;parley.tls.info=false\"\n");
        auto config = Config::load(path);
        QVERIFY2(config, qPrintable(config ? QString() : config.error().message));
        QCOMPARE(config->listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(config->listenPort, quint16(9443));
        QCOMPARE(config->listenUrl(9443), u"wss://[::1]:9443/"_s);
        QCOMPARE(config->dataDir, u"/srv/parley"_s);
        QCOMPARE(config->databaseFile(), u"/srv/parley/parleyd.sqlite"_s);
        QCOMPARE(config->workers, 3);
        const QList<QPair<QHostAddress, int>> proxies{{QHostAddress(u"10.0.0.5"_s), 32}, {QHostAddress(u"10.0.1.0"_s), 24},
                                                      {QHostAddress(u"fd00::"_s), 64}};
        QCOMPARE(config->limits.proxyProtocolFrom, proxies);
        QCOMPARE(config->blobsDirectory(), u"/mnt/parley-blobs"_s);
        QCOMPARE(config->certificateFile(), u"/etc/parleyd/cert.pem"_s);
        QCOMPARE(config->privateKeyFile(), u"/etc/parleyd/key.pem"_s);
        QVERIFY(!config->usesDefaultTlsFiles());
        QCOMPARE(config->limits.maxDevicesPerUser, 4);
        QCOMPARE(config->limits.maxQueuePerDevice, qint64(5000));
        QCOMPARE(config->limits.sendRate, 12.5);
        QCOMPARE(config->limits.sendBurst, 100);
        QCOMPARE(config->limits.frameRate, 50.0);
        QCOMPARE(config->limits.frameBurst, 200);
        QCOMPARE(config->limits.refusedFrames, 3);
        QCOMPARE(config->limits.refusedWindowSeconds, 10);
        QCOMPARE(config->limits.commitDelayUs, 0);
        QCOMPARE(config->limits.fetchBurst, 2);
        QCOMPARE(config->limits.fetchRefillSeconds, 30);
        QCOMPARE(config->limits.authTimeoutSeconds, 10);
        QCOMPARE(config->limits.idleTimeoutSeconds, 60);
        QCOMPARE(config->limits.messageTtlDays, 7);
        QCOMPARE(config->limits.prekeyReserve, 0);
        QCOMPARE(config->limits.reserveWindowSeconds, 3600);
        QCOMPARE(config->limits.handshakeTimeoutSeconds, 3);
        QCOMPARE(config->limits.unauthenticatedPerAddress, 16);
        QCOMPARE(config->limits.enrollFailures, 2);
        QCOMPARE(config->limits.enrollLockoutSeconds, 60);
        QCOMPARE(config->limits.roomChangeRate, 0.5);
        QCOMPARE(config->limits.roomChangeBurst, 50);
        QVERIFY(config->metrics.enabled);
        QCOMPARE(config->metrics.listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(config->metrics.listenPort, quint16(9100));
        QCOMPARE(config->logRules, u"parley.*.debug=true\nparley.tls.info=false"_s);
    }

    // [metrics] listen: off when absent or empty, on at the address given otherwise.
    void metricsListener()
    {
        auto off = Config::load(writeConfig(u"metrics-empty.conf"_s, "[metrics]\nlisten=\n"));
        QVERIFY2(off, qPrintable(off ? QString() : off.error().message));
        QVERIFY(!off->metrics.enabled);
        auto on = Config::load(writeConfig(u"metrics-on.conf"_s, "[metrics]\nlisten=0.0.0.0:0\n"));
        QVERIFY2(on, qPrintable(on ? QString() : on.error().message));
        QVERIFY(on->metrics.enabled);
        QCOMPARE(on->metrics.listenAddress, QHostAddress(QHostAddress::AnyIPv4));
        QCOMPARE(on->metrics.listenPort, quint16(0));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("key");

        QTest::newRow("unknown key") << QByteArray("[server]\nlisten_on=1.2.3.4:5\n") << u"server/listen_on"_s;
        QTest::newRow("unknown group") << QByteArray("[push]\nkey=x\n") << u"push/key"_s;
        QTest::newRow("top-level key") << QByteArray("workers=2\n") << u"workers"_s;
        QTest::newRow("listen without port") << QByteArray("[server]\nlisten=127.0.0.1\n") << u"server/listen"_s;
        QTest::newRow("listen not an address") << QByteArray("[server]\nlisten=example.org:443\n") << u"server/listen"_s;
        QTest::newRow("listen v6 without brackets") << QByteArray("[server]\nlisten=::1:443\n") << u"server/listen"_s;
        QTest::newRow("listen v4 in brackets") << QByteArray("[server]\nlisten=[127.0.0.1]:443\n") << u"server/listen"_s;
        QTest::newRow("listen bad port") << QByteArray("[server]\nlisten=127.0.0.1:70000\n") << u"server/listen"_s;
        QTest::newRow("workers not a number") << QByteArray("[server]\nworkers=many\n") << u"server/workers"_s;
        QTest::newRow("workers zero") << QByteArray("[server]\nworkers=0\n") << u"server/workers"_s;
        QTest::newRow("files directory relative") << QByteArray("[files]\ndirectory=blobs\n") << u"files/directory"_s;
        QTest::newRow("proxy a host name") << QByteArray("[server]\nproxy_protocol_from=lb.example.org\n") << u"server/proxy_protocol_from"_s;
        QTest::newRow("proxy bad prefix") << QByteArray("[server]\nproxy_protocol_from=10.0.0.0/33\n") << u"server/proxy_protocol_from"_s;
        QTest::newRow("proxy one of two bad") << QByteArray("[server]\nproxy_protocol_from=10.0.0.5, 10.0.0.x\n") << u"server/proxy_protocol_from"_s;
        QTest::newRow("data_dir relative") << QByteArray("[server]\ndata_dir=var/lib\n") << u"server/data_dir"_s;
        QTest::newRow("certificate empty") << QByteArray("[tls]\ncertificate=\n") << u"tls/certificate"_s;
        QTest::newRow("handshake timeout zero") << QByteArray("[limits]\nhandshake_timeout_seconds=0\n") << u"limits/handshake_timeout_seconds"_s;
        QTest::newRow("per-address limit zero") << QByteArray("[limits]\nunauthenticated_per_address=0\n") << u"limits/unauthenticated_per_address"_s;
        QTest::newRow("room change rate zero") << QByteArray("[limits]\nroom_change_rate=0\n") << u"limits/room_change_rate"_s;
        QTest::newRow("send_rate negative") << QByteArray("[limits]\nsend_rate=-5\n") << u"limits/send_rate"_s;
        QTest::newRow("send_rate text") << QByteArray("[limits]\nsend_rate=fast\n") << u"limits/send_rate"_s;
        QTest::newRow("frame_burst list") << QByteArray("[limits]\nframe_burst=1,2\n") << u"limits/frame_burst"_s;
        QTest::newRow("refused_frames zero") << QByteArray("[limits]\nrefused_frames=0\n") << u"limits/refused_frames"_s;
        QTest::newRow("refused_window_seconds text")
            << QByteArray("[limits]\nrefused_window_seconds=soon\n") << u"limits/refused_window_seconds"_s;
        QTest::newRow("commit_delay_us over 0.1 s")
            << QByteArray("[limits]\ncommit_delay_us=200000\n") << u"limits/commit_delay_us"_s;
        QTest::newRow("ttl zero") << QByteArray("[limits]\nmessage_ttl_days=0\n") << u"limits/message_ttl_days"_s;
        QTest::newRow("idle too short") << QByteArray("[limits]\nidle_timeout_seconds=1\n") << u"limits/idle_timeout_seconds"_s;
        QTest::newRow("sso key without issuer") << QByteArray("[sso]\nclient_id=parley\n") << u"sso/issuer"_s;
        QTest::newRow("sso listen without issuer") << QByteArray("[sso]\nlisten=127.0.0.1:8445\n") << u"sso/issuer"_s;
        QTest::newRow("sso issuer http")
            << QByteArray("[sso]\nissuer=http://login.example.org\nclient_id=c\nclient_secret_file=/s\n") << u"sso/issuer"_s;
        QTest::newRow("sso issuer with query")
            << QByteArray("[sso]\nissuer=https://login.example.org/?x=1\nclient_id=c\nclient_secret_file=/s\n") << u"sso/issuer"_s;
        QTest::newRow("sso without client_id")
            << QByteArray("[sso]\nissuer=https://login.example.org\nclient_secret_file=/s\n") << u"sso/client_id"_s;
        QTest::newRow("sso without secret")
            << QByteArray("[sso]\nissuer=https://login.example.org\nclient_id=c\n") << u"sso/client_secret_file"_s;
        QTest::newRow("sso client_id with space") << QByteArray("[sso]\nclient_id=\"a b\"\n") << u"sso/client_id"_s;
        QTest::newRow("sso secret relative") << QByteArray("[sso]\nclient_secret_file=secret\n") << u"sso/client_secret_file"_s;
        QTest::newRow("sso public_url with path") << QByteArray("[sso]\npublic_url=https://a.example/x\n") << u"sso/public_url"_s;
        QTest::newRow("sso claim") << QByteArray("[sso]\nusername_claim=a/b\n") << u"sso/username_claim"_s;
        QTest::newRow("sso create_users") << QByteArray("[sso]\ncreate_users=yes\n") << u"sso/create_users"_s;
        QTest::newRow("sso code validity short") << QByteArray("[sso]\ncode_valid_seconds=5\n") << u"sso/code_valid_seconds"_s;
        QTest::newRow("sso unknown key") << QByteArray("[sso]\nscope=openid\n") << u"sso/scope"_s;
        QTest::newRow("sso listen bad") << QByteArray("[sso]\nlisten=localhost:8445\n") << u"sso/listen"_s;
        QTest::newRow("metrics listen host name") << QByteArray("[metrics]\nlisten=metrics.example.org:9464\n") << u"metrics/listen"_s;
        QTest::newRow("metrics listen without port") << QByteArray("[metrics]\nlisten=127.0.0.1\n") << u"metrics/listen"_s;
        QTest::newRow("metrics unknown key") << QByteArray("[metrics]\npath=/metrics\n") << u"metrics/path"_s;
        QTest::newRow("devices huge") << QByteArray("[limits]\nmax_devices_per_user=99999999999\n") << u"limits/max_devices_per_user"_s;
        const QByteArray pg = "[store]\ndriver=postgresql\ndatabase=parley\nuser=parleyd\n";
        QTest::newRow("store driver unknown") << QByteArray("[store]\ndriver=mysql\n") << u"store/driver"_s;
        QTest::newRow("store key with sqlite") << QByteArray("[store]\nhost=db.example.org\n") << u"store/host"_s;
        QTest::newRow("store key with driver=sqlite") << QByteArray("[store]\ndriver=sqlite\nport=5432\n") << u"store/port"_s;
        QTest::newRow("store unknown key") << pg + "dbname=x\n" << u"store/dbname"_s;
        QTest::newRow("store without database") << QByteArray("[store]\ndriver=postgresql\nuser=u\n") << u"store/database"_s;
        QTest::newRow("store without user") << QByteArray("[store]\ndriver=postgresql\ndatabase=d\n") << u"store/user"_s;
        QTest::newRow("store host with space") << pg + "host=db example\n" << u"store/host"_s;
        QTest::newRow("store host relative") << pg + "host=run/postgresql\n" << u"store/host"_s;
        QTest::newRow("store port zero") << pg + "port=0\n" << u"store/port"_s;
        QTest::newRow("store port huge") << pg + "port=65536\n" << u"store/port"_s;
        QTest::newRow("store database too long") << pg + "database=" + QByteArray(64, 'd') + '\n' << u"store/database"_s;
        QTest::newRow("store user with space") << pg + "user=\"a b\"\n" << u"store/user"_s;
        QTest::newRow("store password_file relative") << pg + "password_file=db-password\n" << u"store/password_file"_s;
        QTest::newRow("store sslmode require") << pg + "sslmode=require\n" << u"store/sslmode"_s;
        QTest::newRow("store sslmode prefer") << pg + "sslmode=prefer\n" << u"store/sslmode"_s;
        QTest::newRow("store disable remote") << pg + "host=db.example.org\nsslmode=disable\n" << u"store/sslmode"_s;
        QTest::newRow("store remote without CA") << pg + "host=10.1.2.3\n" << u"store/ca_file"_s;
        QTest::newRow("store verify-ca without CA") << pg + "host=127.0.0.1\nsslmode=verify-ca\n" << u"store/ca_file"_s;
        QTest::newRow("store CA with disable") << pg + "host=127.0.0.1\nca_file=/etc/ca.pem\n" << u"store/ca_file"_s;
        QTest::newRow("store TLS on a socket") << pg + "sslmode=verify-full\nca_file=/etc/ca.pem\n" << u"store/sslmode"_s;
        QTest::newRow("store CA relative") << pg + "host=db.example.org\nca_file=ca.pem\n" << u"store/ca_file"_s;
        QTest::newRow("store CA with semicolon") << pg + "host=db.example.org\nca_file=\"/etc/a;b.pem\"\n" << u"store/ca_file"_s;
        QTest::newRow("store timeout zero") << pg + "connect_timeout_seconds=0\n" << u"store/connect_timeout_seconds"_s;
        QTest::newRow("store node_id upper case") << pg + "node_id=Node-A\n" << u"store/node_id"_s;
        QTest::newRow("store node_id too long") << pg + "node_id=" + QByteArray(41, 'n') + '\n' << u"store/node_id"_s;
        QTest::newRow("store node_id with sqlite") << QByteArray("[store]\ndriver=sqlite\nnode_id=a\n") << u"store/node_id"_s;
    }

    void errors()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, key);
        const QString path = writeConfig(u"bad.conf"_s, content);
        auto config = Config::load(path);
        QVERIFY(!config);
        QVERIFY2(config.error().message.contains(key), qPrintable(config.error().message));
    }

    void missingFile()
    {
        auto config = Config::load(m_dir.filePath(u"nope.conf"_s));
        QVERIFY(!config);
        QVERIFY(config.error().message.contains(u"nope.conf"_s));
    }

    void dataDirectory()
    {
        Config config = Config::defaults();
        config.dataDir = m_dir.filePath(u"a/b/data"_s);
        QVERIFY(config.prepareDataDir());
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(config.dataDir).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0700u);
        QVERIFY(config.prepareDataDir());   // existing is fine

        QVERIFY(::chmod(QFile::encodeName(config.dataDir).constData(), 0777) == 0);
        const Status refused = config.prepareDataDir();
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(u"world-writable"_s));

        config.dataDir = writeConfig(u"plainfile"_s, "x");
        QVERIFY(!config.prepareDataDir());
    }
};

QTEST_GUILESS_MAIN(tst_Config)
#include "tst_config.moc"
