#include "directory/directorysync.h"

#include "crypto/securebuffer.h"
#include "directory/directorylog.h"
#include "directory/ldapreader.h"
#include "directory/syncplan.h"
#include "store/adminstore.h"
#include "store/store.h"

#include <QCborArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSaveFile>
#include <QThread>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

const QString PasswordPrefix = u"bind-password-"_s;

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotFound: return u"not_found"_s;
    case ErrorCode::Conflict: return u"conflict"_s;
    case ErrorCode::Unavailable: return u"unavailable"_s;
    case ErrorCode::InvalidArgument: return u"invalid_argument"_s;
    default: return u"internal"_s;
    }
}

// The first line of a password file, at most MaxPasswordBytes.
Result<QByteArray> readPassword(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Unavailable, u"%1: cannot read it: %2"_s.arg(what, file.errorString()));
    QByteArray all = file.read(DirectoryConfig::MaxPasswordBytes + 2);
    const qsizetype end = all.indexOf('\n');
    QByteArray line = end >= 0 ? all.left(end) : all;
    crypto::cleanse(all);
    while (line.endsWith('\r'))
        line.chop(1);
    if (line.isEmpty() || line.size() > DirectoryConfig::MaxPasswordBytes) {
        crypto::cleanse(line);
        return makeError(ErrorCode::Unavailable, u"%1: expected the password on its first line (1 to %2 bytes)"_s
                                                     .arg(what).arg(DirectoryConfig::MaxPasswordBytes));
    }
    return line;
}

Status writePrivate(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(data) != data.size() || !file.commit())
        return makeError(ErrorCode::Io, u"cannot write %1: %2"_s.arg(QFileInfo(path).fileName(), file.errorString()));
    return {};
}

Status ensureDirectory(const QString &path)
{
    QDir dir(path);
    if (!dir.exists() && !QDir().mkpath(path))
        return makeError(ErrorCode::Io, u"cannot create %1"_s.arg(path));
    if (!QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return makeError(ErrorCode::Io, u"cannot restrict %1 to its owner"_s.arg(path));
    return {};
}

} // namespace

// One read on its thread: what it reads with, and what it read.
struct DirectorySync::Read {
    DirectoryConfig config;
    QString directory;
    bool dryRun = false;
    QString actor;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::optional<Result<DirectorySnapshot>> snapshot;

    void run()
    {
        if (Status s = ensureDirectory(directory); !s) {
            snapshot = s.error();
            return;
        }
        const QString caFile = QDir(directory).filePath(u"ca.pem"_s);
        if (Status s = writePrivate(caFile, config.caCertificate.toUtf8()); !s) {
            snapshot = s.error();
            return;
        }
        Result<QByteArray> password = QByteArray();
        if (!config.passwordFile.isEmpty())
            password = readPassword(config.passwordFile, u"password_file %1"_s.arg(config.passwordFile));
        else if (!config.storedPassword.isEmpty())
            password = readPassword(QDir(directory).filePath(config.storedPassword), u"the stored password"_s);
        if (!password) {
            snapshot = password.error();
            return;
        }
        snapshot = readDirectory(config, caFile, *password, *cancel);
        crypto::cleanse(*password);
    }
};

DirectorySync::DirectorySync(Store *store, QString dataDir, QObject *parent)
    : QObject(parent), m_store(store), m_dataDir(std::move(dataDir))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_nextRunAt = 0;
        if (m_running || !m_config)
            return schedule();
        run(false, ScheduledActor.toString(), {});
    });
}

DirectorySync::~DirectorySync()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

QString DirectorySync::directory() const
{
    return QDir(m_dataDir).filePath(u"directory"_s);
}

Result<QString> DirectorySync::writePassword(const QByteArray &password, qint64 nowMs) const
{
    if (Status s = ensureDirectory(directory()); !s)
        return s.error();
    const QString name = PasswordPrefix + QString::number(nowMs);
    if (Status s = writePrivate(QDir(directory()).filePath(name), password); !s)
        return s.error();
    return name;
}

void DirectorySync::removeOtherPasswords(const QString &keep) const
{
    const QDir dir(directory());
    for (const QString &name : dir.entryList({PasswordPrefix + u"*"_s}, QDir::Files)) {
        if (name != keep)
            QFile::remove(dir.filePath(name));
    }
}

void DirectorySync::configure(const std::optional<DirectoryConfig> &config)
{
    if (m_cancel)
        m_cancel->store(true);
    m_config = config;
    schedule();
}

void DirectorySync::stop()
{
    m_stopped = true;
    if (m_cancel)
        m_cancel->store(true);
    m_timer.stop();
    m_nextRunAt = 0;
}

void DirectorySync::schedule()
{
    m_timer.stop();
    m_nextRunAt = 0;
    if (m_stopped || !m_config || m_config->intervalSeconds == 0)
        return;
    m_timer.start(m_config->intervalSeconds * 1000);
    m_nextRunAt = QDateTime::currentMSecsSinceEpoch() + qint64(m_config->intervalSeconds) * 1000;
}

void DirectorySync::run(bool dryRun, const QString &actor, Done done)
{
    if (!m_config) {
        if (done)
            done(makeError(ErrorCode::NotFound, u"no directory is configured (directory.set)"_s));
        return;
    }
    if (m_stopped) {
        if (done)
            done(makeError(ErrorCode::Unavailable, u"the server is shutting down"_s));
        return;
    }
    if (m_running) {
        if (done)
            done(makeError(ErrorCode::Conflict, u"a directory sync is running; try again when it is done"_s));
        return;
    }
    m_running = true;
    m_done = std::move(done);
    auto read = std::make_shared<Read>();
    read->config = *m_config;
    read->directory = directory();
    read->dryRun = dryRun;
    read->actor = actor;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    read->cancel = m_cancel;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
    QPointer<DirectorySync> guard(this);
    m_thread = QThread::create([read, guard] {
        read->run();
        QMetaObject::invokeMethod(guard.data(), [guard, read] {
            if (guard)
                guard->finishRead(read);
        }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(u"directory"_s);
    m_thread->start();
}

void DirectorySync::finishRead(const std::shared_ptr<Read> &read)
{
    Result<DirectorySnapshot> &snapshot = *read->snapshot;
    if (!snapshot)
        return finish(snapshot.error(), read->dryRun, read->actor);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (read->dryRun) {
        auto plan = planSync(m_store->reader(), *snapshot, read->config, now);
        if (!plan)
            return finish(plan.error(), true, read->actor);
        return finish(reportMap(*plan, true, false), true, read->actor);
    }
    auto devices = std::make_shared<QList<qint64>>();
    m_store->write<QCborMap>(this, [snapshot = *snapshot, config = read->config, actor = read->actor, now,
                                    devices](Db &db) -> Result<QCborMap> {
        auto plan = planSync(db, snapshot, config, now);
        if (!plan)
            return plan.error();
        auto drop = applySync(db, *plan, config, actor, now);
        if (!drop)
            return drop.error();
        *devices = *drop;
        return reportMap(*plan, false, true);
    }, [this, devices, read](Result<QCborMap> result) {
        if (result && m_drop && !devices->isEmpty())
            m_drop(*devices);
        finish(result, false, read->actor);
    });
}

void DirectorySync::finish(const Result<QCborMap> &result, bool dryRun, const QString &actor)
{
    m_running = false;
    m_cancel.reset();
    const bool scheduled = actor == ScheduledActor;
    if (result) {
        // The last run as directory.show reports it: the codes stay with the reply to the run that made them.
        QCborMap last = *result;
        QCborArray changes;
        for (const QCborValue &c : last.value("changes"_L1).toArray()) {
            QCborMap m = c.toMap();
            m.remove("code"_L1);
            m.remove("expires_at"_L1);
            changes.append(m);
        }
        last.insert("changes"_L1, changes);
        last.insert("outcome"_L1, u"ok"_s);
        last.insert("actor"_L1, actor);
        m_lastRun = last;
        qCInfo(lcDirectory).noquote() << (dryRun ? "Directory dry run:" : "Directory sync:") << result->value("entries"_L1).toInteger()
                                      << "entries," << result->value("created"_L1).toInteger() << "created,"
                                      << result->value("suspended"_L1).toInteger() << "suspended,"
                                      << result->value("resumed"_L1).toInteger() << "resumed,"
                                      << result->value("deleted"_L1).toInteger() << "deleted,"
                                      << result->value("skipped"_L1).toArray().size() << "entries skipped";
    } else {
        QCborMap last;
        last.insert("at"_L1, QDateTime::currentMSecsSinceEpoch());
        last.insert("dry_run"_L1, dryRun);
        last.insert("actor"_L1, actor);
        last.insert("outcome"_L1, errorCodeName(result.error().code));
        last.insert("error"_L1, result.error().message);
        m_lastRun = last;
        if (result.error().code != ErrorCode::Conflict)
            qCWarning(lcDirectory).noquote() << (dryRun ? "Directory dry run failed, nothing changed:" : "Directory sync failed, nothing changed:")
                                             << result.error().message;
    }
    if (scheduled) {
        // A scheduled run has no request to audit: its outcome is a record of its own (its changes have theirs).
        const AuditRecord record{0, QDateTime::currentMSecsSinceEpoch(), actor, u"directory.sync"_s, QString(),
                                 result ? u"ok"_s : errorCodeName(result.error().code)};
        m_store->write<bool>(this, [record](Db &db) -> Result<bool> {
            if (Status s = AdminStore(db).appendAudit(record); !s)
                return s.error();
            return true;
        }, [](Result<bool> r) {
            if (!r)
                qCWarning(lcDirectory) << "Writing an audit record failed:" << r.error().message;
        });
    }
    schedule();
    if (Done done = std::exchange(m_done, {}))
        done(result);
}

} // namespace parley::server
