// Attachments against the parleyd executable: a SIGKILL during an upload loses no acknowledged byte, a 100 MB
// upload leaves the daemon's memory bounded, and so do downloads a client asks for without reading the replies
// (docs/protocol.md, "Attachments").

#include "testclient.h"

#include <QCborArray>
#include <QCborMap>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <deque>
#include <memory>

using namespace Qt::StringLiterals;
using parley::protocol::Frame;
using parley::testing::TestClient;
using parley::testing::TestDevice;

namespace {

// An ASan build keeps freed memory in quarantine, so resident memory also grows by what only passed through: its
// bounds are doubled, still well below what buffering a whole upload or every unread download would take.
#if defined(__SANITIZE_ADDRESS__)
constexpr qint64 RssFactor = 2;
#else
constexpr qint64 RssFactor = 1;
#endif

constexpr int WaitMs = 60000;
constexpr qint64 Chunk = 256 * 1024;
const QString Parleyd = QStringLiteral(PARLEYD_BINARY);

// Bytes [offset, offset + size) of a deterministic stream, so that 100 MB never sit in the test's memory at once.
QByteArray streamBytes(qint64 offset, qint64 size)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i) {
        const quint64 x = quint64(offset + i);
        out[i] = char((x * 2654435761u >> 13) ^ (x >> 7));
    }
    return out;
}

// A line of /proc/PID/status in kB ("VmHWM", "VmRSS").
qint64 statusKb(qint64 pid, const char *field)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QRegularExpression line(u"^%1:\\s+(\\d+) kB"_s.arg(QLatin1StringView(field)), QRegularExpression::MultilineOption);
    return line.match(QString::fromLatin1(status.readAll())).captured(1).toLongLong();
}

} // namespace

class tst_ParleydBlobs : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_config;
    std::unique_ptr<QProcess> m_daemon;
    QString m_url;
    quint64 m_id = 100;

    QString dataDir() const { return m_dir.filePath(u"data"_s); }
    QString certificateFile() const { return m_dir.filePath(u"data/tls/server.crt"_s); }

    bool startDaemon()
    {
        m_daemon = std::make_unique<QProcess>();
        m_daemon->start(Parleyd, {u"--config"_s, m_config});
        if (!m_daemon->waitForStarted(WaitMs))
            return false;
        QStringList lines;
        QElapsedTimer timer;
        timer.start();
        while (lines.size() < 2 && m_daemon->state() != QProcess::NotRunning && timer.elapsed() < WaitMs) {
            m_daemon->waitForReadyRead(100);
            while (m_daemon->canReadLine())
                lines.append(QString::fromUtf8(m_daemon->readLine()).trimmed());
        }
        m_url = QRegularExpression(u"^listen (wss://127\\.0\\.0\\.1:\\d+/)$"_s).match(lines.value(1)).captured(1);
        return !m_url.isEmpty();
    }

    QString enrollCode(const QString &user)
    {
        QProcess p;
        p.start(Parleyd, {u"--config"_s, m_config, u"enroll"_s, user});
        if (!p.waitForFinished(WaitMs) || p.exitCode() != 0)
            return {};
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed().split(u'\n').last().trimmed();
    }

    std::unique_ptr<TestClient> loggedIn(const TestDevice &device)
    {
        auto c = std::make_unique<TestClient>(certificateFile());
        if (!c->open(m_url, WaitMs))
            return nullptr;
        c->send(device.loginFrame(1, c->hello().bytes("ch"_L1)));
        const auto welcome = c->reply(1, WaitMs);
        return welcome && welcome->type == u"welcome"_s ? std::move(c) : nullptr;
    }

    bool enroll(TestDevice &device)
    {
        TestClient c(certificateFile());
        if (!c.open(m_url, WaitMs))
            return false;
        c.send(device.enrollFrame(1, enrollCode(device.user)));
        const auto enrolled = c.reply(1, WaitMs);
        if (!enrolled || enrolled->type != u"enrolled"_s)
            return false;
        device.number = quint32(enrolled->uint("device"_L1));
        return true;
    }

    // Sends the stream's bytes from `from` up to `to` with four chunks in flight; returns the last acknowledged offset
    // (stops early, after `stopAfterAcks` acks, when that is > 0). -1 on an unexpected reply.
    // With `peakRssKb`, the daemon's largest VmRSS seen after each ack.
    qint64 pump(TestClient &c, const QByteArray &blob, qint64 from, qint64 to, int stopAfterAcks = 0,
                qint64 *peakRssKb = nullptr)
    {
        std::deque<std::pair<quint64, qint64>> inFlight;   // request id, end offset
        qint64 next = from;
        qint64 acked = from;
        int acks = 0;
        while (acked < to) {
            while (inFlight.size() < 4 && next < to) {
                const qint64 length = std::min(Chunk, to - next);
                const quint64 id = ++m_id;
                c.send(Frame(u"blob_put"_s, id).set("blob"_L1, blob).set("offset"_L1, next).set("data"_L1, streamBytes(next, length)));
                next += length;
                inFlight.emplace_back(id, next);
            }
            const auto ack = c.reply(inFlight.front().first, WaitMs);
            if (!ack || ack->type != u"blob_ack"_s || qint64(ack->uint("offset"_L1)) != inFlight.front().second) {
                qWarning() << "unexpected reply" << (ack ? ack->type + u' ' + ack->text("msg"_L1) : u"none"_s);
                return -1;
            }
            acked = inFlight.front().second;
            inFlight.pop_front();
            if (peakRssKb)
                *peakRssKb = std::max(*peakRssKb, statusKb(m_daemon->processId(), "VmRSS"));
            if (stopAfterAcks > 0 && ++acks == stopAfterAcks)
                break;
        }
        return acked;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile config(m_dir.filePath(u"parleyd.conf"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("[server]\nlisten=127.0.0.1:0\nworkers=2\ndata_dir=" + QFile::encodeName(dataDir()) + "\n");
        m_config = config.fileName();
        config.close();
        QVERIFY(startDaemon());
    }

    void cleanupTestCase()
    {
        if (m_daemon && m_daemon->state() != QProcess::NotRunning) {
            m_daemon->kill();
            m_daemon->waitForFinished(WaitMs);
        }
    }

    // Acked bytes are on the disk when blob_ack comes: a SIGKILL right after acks, the daemon started again, and
    // blob_start resumes at (or after) the last acknowledged offset with those bytes intact.
    void killDuringUploadLosesNothingAcked()
    {
        TestDevice dana = TestDevice::create(u"dana"_s);
        QVERIFY(enroll(dana));
        auto c = loggedIn(dana);
        QVERIFY(c);
        const qint64 size = 40 * Chunk + 77;
        const quint64 id = ++m_id;
        c->send(Frame(u"blob_start"_s, id).set("size"_L1, size));
        const auto started = c->reply(id, WaitMs);
        QVERIFY(started && started->type == u"blob_started"_s);
        const QByteArray blob = started->bytes("blob"_L1);
        const qint64 acked = pump(*c, blob, 0, size, 10);
        QCOMPARE(acked, 10 * Chunk);   // more chunks are on their way when the daemon dies
        m_daemon->kill();
        QVERIFY(m_daemon->waitForFinished(WaitMs));
        c.reset();

        QVERIFY(startDaemon());
        auto again = loggedIn(dana);
        QVERIFY(again);
        const quint64 resume = ++m_id;
        again->send(Frame(u"blob_start"_s, resume).set("blob"_L1, blob).set("size"_L1, size));
        const auto resumed = again->reply(resume, WaitMs);
        QVERIFY(resumed && resumed->type == u"blob_started"_s);
        const qint64 offset = qint64(resumed->uint("offset"_L1));
        QVERIFY2(offset >= acked && offset % Chunk == 0, qPrintable(QString::number(offset)));
        QFile file(dataDir() + u"/blobs/"_s + QString::fromLatin1(blob.toHex()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.size(), offset);
        QVERIFY(file.read(offset) == streamBytes(0, offset));
        file.close();
        QCOMPARE(pump(*again, blob, offset, size), size);

        // The whole blob back, byte for byte.
        qint64 read = 0;
        while (read < size) {
            const quint64 get = ++m_id;
            again->send(Frame(u"blob_get"_s, get).set("blob"_L1, blob).set("offset"_L1, read));
            const auto data = again->reply(get, WaitMs);
            QVERIFY(data && data->type == u"blob_data"_s);
            const QByteArray bytes = data->bytes("data"_L1);
            QVERIFY(bytes == streamBytes(read, bytes.size()));
            read += bytes.size();
        }
    }

    // A 100 MB upload streams through: the daemon's resident memory, sampled after every ack, grows by far less than
    // the file. (Not VmHWM: the start-up's Argon2 hashing of the first admin password already set it high.)
    void largeUploadKeepsMemoryBounded()
    {
        TestDevice eve = TestDevice::create(u"eve"_s);
        QVERIFY(enroll(eve));
        auto c = loggedIn(eve);
        QVERIFY(c);
        const qint64 pid = m_daemon->processId();
        const qint64 before = statusKb(pid, "VmRSS");
        QVERIFY(before > 0);
        qint64 peak = before;
        const qint64 size = 100 * 1000 * 1000;
        const quint64 id = ++m_id;
        c->send(Frame(u"blob_start"_s, id).set("size"_L1, size));
        const auto started = c->reply(id, WaitMs);
        QVERIFY(started && started->type == u"blob_started"_s);
        const QByteArray blob = started->bytes("blob"_L1);
        QCOMPARE(pump(*c, blob, 0, size, 0, &peak), size);
        qInfo() << "parleyd VmRSS" << before << "kB before a 100 MB upload, at most" << peak << "kB during it";
        QVERIFY2(peak - before < 40 * 1024 * RssFactor, qPrintable(u"resident memory grew by %1 kB"_s.arg(peak - before)));
        QCOMPARE(QFileInfo(dataDir() + u"/blobs/"_s + QString::fromLatin1(blob.toHex())).size(), size);
    }

    // A client that sends 200 blob_get for a 4 MiB blob, four at a time, and reads none of the 50 MiB of replies: once
    // about 1 MiB waits to be sent to it, the daemon answers `busy` instead of reading the disk, so its resident memory
    // stays far below what the replies would take. Read afterwards, every reply is a correct chunk or `busy` with
    // `retry`, and the same connection then downloads the whole blob as a client that reads does, without a refusal.
    void unreadDownloadsAreRefused()
    {
        TestDevice fay = TestDevice::create(u"fay"_s);
        QVERIFY(enroll(fay));
        auto c = loggedIn(fay);
        QVERIFY(c);
        const qint64 size = 16 * Chunk;
        const quint64 id = ++m_id;
        c->send(Frame(u"blob_start"_s, id).set("size"_L1, size));
        const auto started = c->reply(id, WaitMs);
        QVERIFY(started && started->type == u"blob_started"_s);
        const QByteArray blob = started->bytes("blob"_L1);
        QCOMPARE(pump(*c, blob, 0, size), size);

        const qint64 pid = m_daemon->processId();
        const qint64 before = statusKb(pid, "VmRSS");
        QVERIFY(before > 0);
        qint64 peak = before;
        constexpr int Gets = 200;
        const quint64 first = m_id + 1;
        // The requests are pushed to the kernel at once and the test thread then sleeps: no event loop, so nothing
        // the daemon sends is read.
        for (int i = 0; i < Gets; ++i) {
            const Frame get = Frame(u"blob_get"_s, ++m_id).set("blob"_L1, blob).set("offset"_L1, (i % 16) * Chunk);
            c->socket().sendBinaryMessage(parley::protocol::encode(get));
            QVERIFY(c->socket().flush());
            if (i % 4 == 3) {
                QThread::msleep(20);
                peak = std::max(peak, statusKb(pid, "VmRSS"));
            }
        }
        for (int i = 0; i < 10; ++i) {
            QThread::msleep(100);
            peak = std::max(peak, statusKb(pid, "VmRSS"));
        }

        int chunks = 0;
        int busy = 0;
        for (quint64 get = first; get <= m_id; ++get) {
            const auto reply = c->reply(get, WaitMs);
            QVERIFY(reply);
            if (reply->type == u"blob_data"_s) {
                const qint64 offset = qint64(reply->uint("offset"_L1));
                QVERIFY(reply->bytes("data"_L1) == streamBytes(offset, Chunk));
                ++chunks;
                continue;
            }
            QCOMPARE(reply->text("code"_L1), u"busy"_s);
            QVERIFY(reply->uint("retry"_L1) > 0);
            ++busy;
        }
        qInfo() << "parleyd VmRSS" << before << "kB before" << Gets << "unread blob_get, at most" << peak
                << "kB while they were unread;" << chunks << "chunks sent," << busy << "busy";
        QVERIFY2(peak - before < 16 * 1024 * RssFactor, qPrintable(u"resident memory grew by %1 kB"_s.arg(peak - before)));
        QCOMPARE(chunks + busy, Gets);
        QVERIFY(busy > 0);

        // Read as the SDK reads, two requests on their way: no refusal.
        qint64 read = 0;
        std::deque<quint64> inFlight;
        qint64 next = 0;
        while (read < size) {
            while (inFlight.size() < 2 && next < size) {
                inFlight.push_back(++m_id);
                c->send(Frame(u"blob_get"_s, m_id).set("blob"_L1, blob).set("offset"_L1, next));
                next += Chunk;
            }
            const auto data = c->reply(inFlight.front(), WaitMs);
            inFlight.pop_front();
            QVERIFY2(data && data->type == u"blob_data"_s, qPrintable(data ? data->text("code"_L1) : u"none"_s));
            QVERIFY(data->bytes("data"_L1) == streamBytes(read, Chunk));
            read += Chunk;
        }
    }
};

QTEST_GUILESS_MAIN(tst_ParleydBlobs)
#include "tst_parleydblobs.moc"
