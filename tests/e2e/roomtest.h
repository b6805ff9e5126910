#pragma once

// Helpers the room tests share: waiting for an sdk::Rooms callback, and looking for a message in a device's inbox.

#include "harness.h"

#include "sdk/rooms.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>
#include <functional>
#include <optional>

namespace parley::e2e {

// How long an expired message's bytes may take to leave the disk in a test daemon sweeping every second: the delete
// is at once, but the WAL checkpoint that takes the old pages away retries at the next sweep while readers or the
// writer keep it busy (the daemon warns when five sweeps in a row are blocked). Idle, it is a second or two; the
// bound is generous for a loaded machine. leavesDisk() measures it by the clock: QTRY_*'s count of poll steps was
// seen to run out within seconds of real time on a loaded machine.
constexpr int LeavesDiskMs = 60000;

// Starts an sdk::Rooms call with a context object and waits up to WaitMs for its callback; nullopt on timeout.
template<typename T>
std::optional<Result<T>> await(const std::function<void(QObject *, sdk::Rooms::Callback<T>)> &start)
{
    std::optional<Result<T>> out;
    QObject context;
    start(&context, [&out](Result<T> r) { out.emplace(std::move(r)); });
    QElapsedTimer timer;
    timer.start();
    while (!out && timer.elapsed() < WaitMs)
        QTest::qWait(5);
    return out;
}

inline const sdk::IncomingMessage *findText(const Device &d, const QString &text)
{
    const auto it = std::find_if(d.inbox.cbegin(), d.inbox.cend(),
                                 [&text](const sdk::IncomingMessage &m) { return m.text == text; });
    return it == d.inbox.cend() ? nullptr : &*it;
}

inline bool hasText(const Device &d, const QString &text)
{
    return findText(d, text) != nullptr;
}

// A searchable slice of a payload (the nonce and first ciphertext bytes), to look for on disk.
inline QByteArray needle(const QByteArray &payload)
{
    return payload.left(48);
}

// For a failed wait: the files of the daemon's data directory that still hold the payload.
inline QByteArray stillOnDisk(const Daemon &daemon, const QByteArray &payload)
{
    QStringList files;
    QDirIterator it(daemon.dataDir(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (Daemon::readFile(file).contains(needle(payload)))
            files.append(QFileInfo(file).fileName());
    }
    QByteArray out = "still in: " + files.join(u", "_s).toUtf8();
    // The daemon warns when checkpoints stay blocked (server/daemon/sweeper.cpp).
    const QList<QByteArray> log = Daemon::readFile(daemon.stderrFile()).split('\n');
    for (const QByteArray &line : log) {
        if (line.contains("checkpoint"))
            out += "; daemon: " + line;
    }
    return out;
}

// Waits, by the clock rather than by counting poll steps, until no file the daemon wrote holds the payload. The
// files are read one after another while the daemon may be checkpointing (pages move from the WAL to the database
// file), so one read can miss bytes that are there: the payload counts as gone only when reads for 1.5 s (more than
// a sweep interval of the test daemons) all miss it.
inline bool leavesDisk(const Daemon &daemon, const QByteArray &payload, int timeoutMs = LeavesDiskMs)
{
    constexpr qint64 StableMs = 1500;
    QElapsedTimer timer;
    timer.start();
    qint64 absentSince = -1;
    for (;;) {
        const qint64 now = timer.elapsed();
        if (daemon.everythingWritten().contains(needle(payload)))
            absentSince = -1;
        else if (absentSince < 0)
            absentSince = now;
        if (absentSince >= 0 && now - absentSince >= StableMs)
            return true;
        if (now > timeoutMs)
            return false;
        QTest::qWait(100);
    }
}

// The daemon's database opened directly (the daemon may run: WAL allows a reader next to it).
struct Sql {
    explicit Sql(const QString &path)
    {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
    }
    ~Sql()
    {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
    Sql(const Sql &) = delete;
    Sql &operator=(const Sql &) = delete;

    // The first column of the first row as an integer; -1 when the query fails or returns no row.
    qint64 value(const QString &sql, const QVariantList &args = {})
    {
        QSqlQuery q = prepared(sql, args);
        if (!q.exec() || !q.next()) {
            qWarning() << "query failed or no row:" << q.lastError().text();
            return -1;
        }
        return q.value(0).toLongLong();
    }
    bool exec(const QString &sql, const QVariantList &args = {})
    {
        QSqlQuery q = prepared(sql, args);
        if (!q.exec()) {
            qWarning() << "statement failed:" << q.lastError().text();
            return false;
        }
        return true;
    }

    const QString name = QStringLiteral("e2e_sql_%1").arg(quintptr(this));
    QSqlDatabase db;
    bool ok = false;

private:
    QSqlQuery prepared(const QString &sql, const QVariantList &args)
    {
        QSqlQuery q(db);
        q.prepare(sql);
        for (int i = 0; i < args.size(); ++i)
            q.bindValue(i, args.at(i));
        return q;
    }
};

} // namespace parley::e2e
