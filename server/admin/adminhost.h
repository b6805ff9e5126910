#pragma once

#include "admin/adminconfig.h"
#include "core/result.h"
#include "metrics/history.h"
#include "push/pushconfig.h"
#include "store/blobindex.h"

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>

namespace parley::server {

class DeviceDirectory;
class PushService;
class Router;
class Store;
class TurnSettings;

// The boot settings the admin plane reads, filled in by the daemon from its configuration.
struct AdminSettings {
    AdminConfig admin;                // [admin]
    QString dataDir;
    QString certificateFile;          // the device plane's certificate and key (PEM)
    QString privateKeyFile;
    QString logRules;                 // [logging] rules of the boot configuration
    QStringList logCategories;        // every logging category the daemon has
    PushConfig push;                  // [push]
    FileLimits files;                 // [files]: attachments (max_file and user_quota are managed over these)
};

// What the admin plane needs from the daemon that runs it. The daemon (server/daemon) implements it, so that
// server/admin depends on the relay, push and store subsystems but never on the daemon's configuration, TLS set-up
// or composition.
class AdminHost {
public:
    struct TlsIdentity {
        QSslConfiguration configuration;
        QSslCertificate certificate;
    };

    virtual ~AdminHost() = default;

    virtual AdminSettings adminSettings() const = 0;
    virtual Store *store() const = 0;
    virtual Router *router() const = 0;
    virtual DeviceDirectory *directory() const = 0;
    virtual PushService *push() const = 0;          // while running
    virtual TurnSettings *turn() const = 0;         // the TURN settings the workers issue credentials from
    virtual QString url() const = 0;                // the device plane's wss://ADDR:PORT/
    virtual QString fingerprint() const = 0;        // SHA-256 of the serving certificate, lowercase hex
    virtual int workerCount() const = 0;
    // Reads the device plane's certificate and key again; returns the new fingerprint.
    virtual Result<QString> reloadTls() = 0;
    // The admin listener's certificate and key: [admin] certificate/private_key when set, else the device plane's.
    virtual Result<TlsIdentity> loadAdminTls() const = 0;
    // The samples of status.history, taken on the main thread every historyIntervalMs() while running.
    virtual const metrics::History &history() const = 0;
    virtual int historyIntervalMs() const = 0;

};

} // namespace parley::server
