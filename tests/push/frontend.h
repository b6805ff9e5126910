#pragma once

// nghttpx (Debian package nghttp2-proxy) on loopback: terminates TLS and HTTP/2 with DIR/front.key and
// DIR/front.crt and forwards HTTP/1.1 to a backend (the PushReceiver).

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace parley::pushtest {

class FrontEnd {
public:
    quint16 port() const { return m_port; }

    bool start(const QString &dir, quint16 backendPort)
    {
        for (int attempt = 0; attempt < 5; ++attempt) {
            QTcpServer probe;   // a free port for nghttpx, which cannot report one it picked itself
            if (!probe.listen(QHostAddress::LocalHost, 0))
                return false;
            const quint16 port = probe.serverPort();
            probe.close();
            m_process.setProcessChannelMode(QProcess::MergedChannels);
            m_process.start(QStringLiteral("nghttpx"), {
                QStringLiteral("--conf=/dev/null"),   // not the system's /etc/nghttpx/nghttpx.conf, whose frontend would clash
                QStringLiteral("--frontend=127.0.0.1,%1").arg(port),
                QStringLiteral("--backend=127.0.0.1,%1").arg(backendPort),
                QStringLiteral("--workers=1"),
                QStringLiteral("--no-ocsp"),
                QStringLiteral("--log-level=WARN"),
                QStringLiteral("--accesslog-file=/dev/null"),
                QStringLiteral("--errorlog-file=%1").arg(QDir(dir).filePath(QStringLiteral("nghttpx.log"))),
                QDir(dir).filePath(QStringLiteral("front.key")),
                QDir(dir).filePath(QStringLiteral("front.crt")),
            });
            if (!m_process.waitForStarted(10000))
                return false;
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < 10000 && m_process.state() == QProcess::Running) {
                QTcpSocket socket;
                socket.connectToHost(QHostAddress::LocalHost, port);
                if (socket.waitForConnected(500)) {
                    m_port = port;
                    return true;
                }
                QTest::qWait(50);
            }
            QFile log(QDir(dir).filePath(QStringLiteral("nghttpx.log")));
            const QByteArray logText = log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
            qWarning().noquote() << "nghttpx did not come up:" << m_process.readAll() << logText;
            m_process.kill();
            m_process.waitForFinished(5000);
        }
        return false;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    ~FrontEnd() { stop(); }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace parley::pushtest
