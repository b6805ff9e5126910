// parleyd's records for systemd's journal: the native protocol's datagrams (fields, the length-prefixed form for
// values with a newline), the JOURNAL_STREAM check, and the fall-back to stderr when the journal does not answer.
#include "daemon/journal.h"

#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace parley::server;

namespace {

Q_LOGGING_CATEGORY(lcTestRelay, "parley.relay")

// A stand-in for journald's socket: a datagram socket bound in a temporary directory.
class FakeJournald
{
public:
    explicit FakeJournald(const QString &path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray p = path.toLocal8Bit();
        std::memcpy(address.sun_path, p.constData(), size_t(p.size()));
        m_bound = ::bind(m_fd, reinterpret_cast<const sockaddr *>(&address), socklen_t(sizeof address)) == 0;
    }
    ~FakeJournald() { ::close(m_fd); }
    bool bound() const { return m_bound; }
    // The next datagram parsed into fields (empty when none arrives).
    QMap<QByteArray, QByteArray> receive()
    {
        QByteArray buffer(65536, Qt::Uninitialized);
        const ssize_t n = ::recv(m_fd, buffer.data(), size_t(buffer.size()), MSG_DONTWAIT);
        QMap<QByteArray, QByteArray> fields;
        if (n <= 0)
            return fields;
        buffer.truncate(n);
        qsizetype at = 0;
        while (at < buffer.size()) {
            const qsizetype lineEnd = buffer.indexOf('\n', at);
            if (lineEnd < 0)
                return {};
            const QByteArray line = buffer.mid(at, lineEnd - at);
            const qsizetype eq = line.indexOf('=');
            if (eq >= 0) {
                fields.insert(line.left(eq), line.mid(eq + 1));
                at = lineEnd + 1;
            } else {
                const quint64 length = qFromLittleEndian<quint64>(buffer.constData() + lineEnd + 1);
                fields.insert(line, buffer.mid(lineEnd + 9, qsizetype(length)));
                at = lineEnd + 9 + qsizetype(length) + 1;
            }
        }
        return fields;
    }

private:
    int m_fd = -1;
    bool m_bound = false;
};

} // namespace

class tst_Journal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void priorities()
    {
        QCOMPARE(Journal::priorityOf(QtDebugMsg), 7);
        QCOMPARE(Journal::priorityOf(QtInfoMsg), 6);
        QCOMPARE(Journal::priorityOf(QtWarningMsg), 4);
        QCOMPARE(Journal::priorityOf(QtCriticalMsg), 3);
        QCOMPARE(Journal::priorityOf(QtFatalMsg), 2);
    }

    void serialisesBothForms()
    {
        const QByteArray out = Journal::serialise({{"A"_ba, "one"_ba}, {"MESSAGE"_ba, "two\nlines"_ba}});
        QByteArray expected = "A=one\nMESSAGE\n"_ba;
        expected.append("\x09\0\0\0\0\0\0\0"_ba);
        expected.append("two\nlines\n");
        QCOMPARE(out, expected);
    }

    void streamCheckNamesStderrsFile()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(u"stream"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        struct stat st {};
        QCOMPARE(::fstat(file.handle(), &st), 0);
        const QByteArray mine = QByteArray::number(qulonglong(st.st_dev)) + ':' + QByteArray::number(qulonglong(st.st_ino));
        QVERIFY(Journal::streamIsJournal(mine, file.handle()));
        const QByteArray other = QByteArray::number(qulonglong(st.st_dev)) + ':' + QByteArray::number(qulonglong(st.st_ino) + 1);
        QVERIFY(!Journal::streamIsJournal(other, file.handle()));
        QVERIFY(!Journal::streamIsJournal(QByteArray(), file.handle()));
        QVERIFY(!Journal::streamIsJournal("12"_ba, file.handle()));
        QVERIFY(!Journal::streamIsJournal("a:b"_ba, file.handle()));
    }

    void recordsCarryPriorityAndSubsystem()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"socket"_s);
        FakeJournald journald(path);
        QVERIFY(journald.bound());
        Journal journal(path);
        QVERIFY(journal.send(QtWarningMsg, "parley.store", u"commit took 3 s\nsecond line"_s));
        const auto fields = journald.receive();
        QCOMPARE(fields.value("PRIORITY"), "4"_ba);
        QCOMPARE(fields.value("SYSLOG_IDENTIFIER"), "parleyd"_ba);
        QCOMPARE(fields.value("PARLEY_SUBSYSTEM"), "store"_ba);
        QCOMPARE(fields.value("MESSAGE"), "commit took 3 s\nsecond line"_ba);
        // A category outside Parley's (Qt's own, "default") carries no subsystem field.
        QVERIFY(journal.send(QtInfoMsg, "qt.network.ssl", u"x"_s));
        const auto other = journald.receive();
        QCOMPARE(other.value("PRIORITY"), "6"_ba);
        QVERIFY(!other.contains("PARLEY_SUBSYSTEM"));
    }

    void installedHandlerRoutesQtMessages()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"socket"_s);
        FakeJournald journald(path);
        Journal journal(path);
        journal.install();
        qCWarning(lcTestRelay, "refused a frame");
        journal.uninstall();
        const auto fields = journald.receive();
        QCOMPARE(fields.value("MESSAGE"), "refused a frame"_ba);
        QCOMPARE(fields.value("PARLEY_SUBSYSTEM"), "relay"_ba);
        QCOMPARE(fields.value("PRIORITY"), "4"_ba);
        qCWarning(lcTestRelay, "after uninstall");
        QVERIFY(journald.receive().isEmpty());
    }

    void unansweredRecordsGoToStderrWithTheirPriority()
    {
        QTemporaryDir dir;
        Journal journal(dir.filePath(u"no-journald-here"_s));
        QVERIFY(!journal.send(QtCriticalMsg, "parley.server", u"lost?"_s));
        // Through the handler the record is not lost: stderr gets it with a "<3>" prefix.
        const QString errPath = dir.filePath(u"stderr"_s);
        std::fflush(stderr);
        const int saved = ::dup(STDERR_FILENO);
        QFile err(errPath);
        QVERIFY(err.open(QIODevice::WriteOnly));
        ::dup2(err.handle(), STDERR_FILENO);
        journal.install();
        qCCritical(lcTestRelay, "the store is full");
        journal.uninstall();
        std::fflush(stderr);
        ::dup2(saved, STDERR_FILENO);
        ::close(saved);
        err.close();
        QFile written(errPath);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray text = written.readAll();
        QVERIFY2(text.startsWith("<3>"), text.constData());
        QVERIFY2(text.contains("the store is full"), text.constData());
    }
};

QTEST_GUILESS_MAIN(tst_Journal)
#include "tst_journal.moc"
