// The device listener's TLS sessions against a real parleyd, checked with openssl s_client: a session saved with
// -sess_out resumes with -sess_in (TLS 1.3 and TLS 1.2, on either worker: one context and one ticket key for the
// listener), tickets never allow early data, a ticket whose key has been rotated out gives a full handshake, and
// renegotiation is refused.

#include "../e2e/harness.h"

#include <QElapsedTimer>
#include <QRegularExpression>

using namespace Qt::StringLiterals;
using namespace parley::e2e;

namespace {

const QString OpenSsl = u"/usr/bin/openssl"_s;

// A WebSocket upgrade request: once its answer has arrived, so have the TLS 1.3 tickets (sent right after the
// handshake), and s_client can be told to end.
const QByteArray UpgradeRequest = "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

} // namespace

class TestTlsResumption : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Daemon> m_daemon;
    QTemporaryDir m_files;

    // One s_client connection with `args`: upgrade to WebSocket, then end. Returns stdout and stderr.
    static QString connectOnce(Daemon &daemon, const QStringList &args)
    {
        QProcess s;
        s.start(OpenSsl, QStringList{u"s_client"_s, u"-connect"_s, u"127.0.0.1:%1"_s.arg(daemon.port()), u"-servername"_s,
                                     u"localhost"_s, u"-CAfile"_s, QDir(daemon.dataDir()).filePath(u"tls/server.crt"_s)}
                             + args);
        if (!s.waitForStarted(WaitMs))
            return u"s_client did not start"_s;
        s.write(UpgradeRequest);
        QByteArray out;
        QElapsedTimer timer;
        timer.start();
        while (!out.contains("101 Switching Protocols") && s.state() == QProcess::Running && timer.elapsed() < WaitMs) {
            s.waitForReadyRead(100);
            out += s.readAllStandardOutput();
        }
        s.closeWriteChannel();
        if (!s.waitForFinished(WaitMs))
            s.kill();
        out += s.readAllStandardOutput();
        return QString::fromUtf8(out + s.readAllStandardError());
    }

    // "New" or "Reused", and the version, of the handshake s_client reports.
    static QString handshakeKind(const QString &out)
    {
        const auto m = QRegularExpression(u"^(New|Reused), (TLSv1\\.[23]), Cipher is"_s, QRegularExpression::MultilineOption).match(out);
        return m.hasMatch() ? m.captured(1) + u' ' + m.captured(2) : QString();
    }

    QString sessionFile(const QString &name) const { return m_files.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFile::exists(OpenSsl), qPrintable(OpenSsl));
        QVERIFY(m_files.isValid());
        m_daemon = std::make_unique<Daemon>();
        QVERIFY(m_daemon->start());
    }

    void resumes_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QStringList>("resumeArgs");
        // A TLS 1.3 client that would also take a resumption without a new key exchange (psk_ke) still gets one.
        QTest::newRow("TLS 1.3") << u"TLSv1.3"_s << u"-tls1_3"_s << QStringList{u"-allow_no_dhe_kex"_s};
        QTest::newRow("TLS 1.2") << u"TLSv1.2"_s << u"-tls1_2"_s << QStringList();
    }

    // Resumed every time: the connections land on both workers (the kernel spreads them), which share the context.
    void resumes()
    {
        QFETCH(QString, version);
        QFETCH(QString, flag);
        QFETCH(QStringList, resumeArgs);
        const QString file = sessionFile(flag + u".pem"_s);
        const QString first = connectOnce(*m_daemon, {flag, u"-sess_out"_s, file});
        QVERIFY2(handshakeKind(first) == u"New "_s + version, qPrintable(first));
        QVERIFY2(first.contains(u"101 Switching Protocols"_s), qPrintable(first));
        for (int i = 0; i < 6; ++i) {
            const QString again = connectOnce(*m_daemon, QStringList{flag, u"-sess_in"_s, file} + resumeArgs);
            QVERIFY2(handshakeKind(again) == u"Reused "_s + version, qPrintable(again));
            QVERIFY2(again.contains(u"101 Switching Protocols"_s), qPrintable(again));
            if (version == u"TLSv1.3"_s)   // psk_dhe_ke: the resumption ran an (EC)DHE exchange
                QVERIFY2(again.contains(u"Server Temp Key:"_s), qPrintable(again));
        }
    }

    // The tickets allow no early data, so a client never sends any.
    void noEarlyData()
    {
        const QString file = sessionFile(u"early.pem"_s);
        const QString first = connectOnce(*m_daemon, {u"-tls1_3"_s, u"-sess_out"_s, file});
        QVERIFY2(handshakeKind(first) == u"New TLSv1.3"_s, qPrintable(first));
        QProcess sessId;
        sessId.start(OpenSsl, {u"sess_id"_s, u"-in"_s, file, u"-text"_s, u"-noout"_s});
        QVERIFY(sessId.waitForFinished(WaitMs));
        const QString session = QString::fromUtf8(sessId.readAllStandardOutput());
        QVERIFY2(session.contains(u"Max Early Data: 0"_s), qPrintable(session));

        const QString early = sessionFile(u"early.txt"_s);
        QFile data(early);
        QVERIFY(data.open(QIODevice::WriteOnly));
        data.write(UpgradeRequest);
        data.close();
        const QString again = connectOnce(*m_daemon, {u"-tls1_3"_s, u"-sess_in"_s, file, u"-early_data"_s, early});
        QVERIFY2(handshakeKind(again) == u"Reused TLSv1.3"_s, qPrintable(again));
        QVERIFY2(!again.contains(u"Early data was accepted"_s), qPrintable(again));
    }

    // A client-initiated renegotiation ("R" to s_client) ends the connection instead of renegotiating.
    void renegotiationRefused()
    {
        QProcess s;
        s.start(OpenSsl, {u"s_client"_s, u"-connect"_s, u"127.0.0.1:%1"_s.arg(m_daemon->port()), u"-tls1_2"_s});
        QVERIFY(s.waitForStarted(WaitMs));
        s.write("R\n");
        QVERIFY(s.waitForFinished(WaitMs));
        const QString out = QString::fromUtf8(s.readAllStandardOutput() + s.readAllStandardError());
        QVERIFY2(out.contains(u"RENEGOTIATING"_s), qPrintable(out));
        QVERIFY2(out.contains(u"no renegotiation"_s, Qt::CaseInsensitive), qPrintable(out));
    }

    // With a one-second ticket key period, a ticket is dead two periods later: the handshake is a full one.
    void rotatedTicketKeyIsNotAccepted()
    {
        Daemon daemon(u"[tls]\nticket_key_seconds=1\n"_s);
        QVERIFY(daemon.start());
        const QString file = sessionFile(u"rotated.pem"_s);
        const QString first = connectOnce(daemon, {u"-tls1_3"_s, u"-sess_out"_s, file});
        QVERIFY2(handshakeKind(first) == u"New TLSv1.3"_s, qPrintable(first));
        QVERIFY(QFileInfo(file).size() > 0);
        QTest::qWait(3000);   // at least three periods: the key that made the ticket is gone
        const QString again = connectOnce(daemon, {u"-tls1_3"_s, u"-sess_in"_s, file});
        QVERIFY2(handshakeKind(again) == u"New TLSv1.3"_s, qPrintable(again));
        QVERIFY2(again.contains(u"101 Switching Protocols"_s), qPrintable(again));
    }
};

QTEST_MAIN(TestTlsResumption)
#include "tst_tlsresumption.moc"
