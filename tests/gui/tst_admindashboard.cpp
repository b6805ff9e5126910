// parley-admin's dashboard against a real parleyd over TLS (QT_QPA_PLATFORM=offscreen): the charts of status.history
// filled by real traffic between real devices, the range selector, the polling that stops while the page is hidden,
// and the warnings of status for the server's certificate (none for 400 days, one for 10 days, with its button). The server samples every 200 ms instead of 10 s (its test hook PARLEY_TEST_HISTORY_INTERVAL_MS). Canned and
// malformed replies: tst_dashboard.

#include "adminappfixture.h"
#include "dashboardpage.h"
#include "historychart.h"

#include <QCategoryAxis>
#include <QLineSeries>
#include <QStackedWidget>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::admin;
using namespace parley::admin::test;

namespace {

constexpr int HistoryIntervalMs = 200;
constexpr qint64 MinuteMs = 60 * 1000;
constexpr qint64 HourMs = 60 * MinuteMs;

// A self-signed certificate for 127.0.0.1 valid for `days`, written as PEM files into `dir`; its fingerprint.
QString writeCertificate(const QTemporaryDir &dir, const QString &name, int days)
{
    auto generated = crypto::generateSelfSignedCertificate(u"parley test"_s, {u"localhost"_s}, {QHostAddress::LocalHost}, days);
    if (!generated)
        return {};
    QFile cert(dir.filePath(name + u".crt"_s));
    QFile key(dir.filePath(name + u".key"_s));
    if (!cert.open(QIODevice::WriteOnly) || !key.open(QIODevice::WriteOnly)
        || !key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return {};
    cert.write(generated->certificatePem);
    key.write(generated->privateKeyPem.view().toByteArray());
    return QString::fromLatin1(QSslCertificate(generated->certificatePem).digest(QCryptographicHash::Sha256).toHex());
}

double highest(HistoryChart *chart, int line)
{
    double top = 0;
    for (QLineSeries *piece : chart->pieces(line)) {
        for (int i = 0; i < piece->count(); ++i)
            top = std::max(top, piece->at(i).y());
    }
    return top;
}

} // namespace

class TestAdminDashboard : public AdminAppTest {
    Q_OBJECT

    QTemporaryDir m_certs;

    DashboardPage *openDashboard(MainWindow &window)
    {
        auto *dashboard = qobject_cast<DashboardPage *>(window.page(u"dashboardPage"_s));
        if (!dashboard)
            return nullptr;
        QSignalSpy status(dashboard, &DashboardPage::statusLoaded);
        QSignalSpy history(dashboard, &DashboardPage::historyLoaded);
        window.showPage(dashboard);
        QElapsedTimer timer;
        timer.start();
        while ((status.isEmpty() || history.isEmpty()) && timer.elapsed() < UiWaitMs)
            QTest::qWait(20);
        return status.isEmpty() || history.isEmpty() ? nullptr : dashboard;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_certs.isValid());
        // The English plural forms ("10 days").
        QVERIFY(installTranslations(QLocale(QLocale::English, QLocale::UnitedStates)));
        // A certificate good for 400 days: nothing to warn about.
        QVERIFY(!writeCertificate(m_certs, u"long"_s, 400).isEmpty());
        qputenv("PARLEY_TEST_HISTORY_INTERVAL_MS", QByteArray::number(HistoryIntervalMs));
        startDaemon(u"[tls]\ncertificate=%1\nprivate_key=%2\n\n"_s.arg(m_certs.filePath(u"long.crt"_s),
                                                                      m_certs.filePath(u"long.key"_s)));
        if (QTest::currentTestFailed())
            return;
        changeInitialPassword();
    }

    void cleanupTestCase() { m_daemon.reset(); }

    void chartsShowTraffic()
    {
        e2e::Device erin(*m_daemon, u"erin"_s);
        e2e::Device finn(*m_daemon, u"finn"_s);
        QVERIFY(erin.enroll());
        QVERIFY(finn.enroll());
        MainWindow window;
        QVERIFY(login(window));
        DashboardPage *dashboard = openDashboard(window);
        QVERIFY(dashboard);
        QTRY_COMPARE_WITH_TIMEOUT(dashboard->history().intervalMs(), qint64(HistoryIntervalMs), UiWaitMs);
        for (int i = 0; i < 20; ++i)
            QVERIFY(!erin.sendAndWait({u"finn"_s}, u"message %1"_s.arg(i)).isEmpty());

        // The messages chart gets a point above 0 for the messages accepted, the devices chart the two devices.
        HistoryChart *messages = dashboard->chart(u"messagesChart"_s);
        HistoryChart *devices = dashboard->chart(u"devicesChart"_s);
        QVERIFY(messages && devices);
        QTRY_VERIFY_WITH_TIMEOUT(highest(messages, 0) > 0, UiWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(highest(devices, 0) >= 2, UiWaitMs);
        QCOMPARE(child<QStackedWidget>(dashboard, u"historyStack"_s)->currentIndex(), 1);
        QVERIFY(messages->valueAxis()->max() > highest(messages, 0));
    }

    void rangeSelectorSetsTheAxis()
    {
        MainWindow window;
        QVERIFY(login(window));
        DashboardPage *dashboard = openDashboard(window);
        QVERIFY(dashboard);
        QTRY_VERIFY_WITH_TIMEOUT(!dashboard->history().isEmpty(), UiWaitMs);
        auto *range = child<QComboBox>(dashboard, u"historyRange"_s);
        QCategoryAxis *axis = dashboard->chart(u"queueChart"_s)->timeAxis();
        range->setCurrentIndex(0);
        QCOMPARE(axis->max() - axis->min(), double(15 * MinuteMs));
        QVERIFY(std::abs(axis->max() - double(dashboard->history().now())) < 1);
        const QStringList quarter = axis->categoriesLabels();
        range->setCurrentIndex(2);
        QCOMPARE(axis->max() - axis->min(), double(6 * HourMs));
        QVERIFY(axis->categoriesLabels() != quarter);
        QCOMPARE(dashboard->rangeMs(), 6 * HourMs);
    }

    // The history is polled while the page is shown, not while another page is.
    void noPollingWhileHidden()
    {
        MainWindow window;
        QVERIFY(login(window));
        DashboardPage *dashboard = openDashboard(window);
        QVERIFY(dashboard);
        QSignalSpy polled(dashboard, &DashboardPage::historyLoaded);
        QTRY_VERIFY_WITH_TIMEOUT(polled.size() >= 2, UiWaitMs);
        window.showPage(window.page(u"usersPage"_s));
        QTest::qWait(300);      // a reply on its way may still arrive
        polled.clear();
        QTest::qWait(3000);
        QCOMPARE(polled.size(), 0);
        const qint64 seen = dashboard->history().now();
        window.showPage(dashboard);
        QVERIFY(polled.wait(UiWaitMs));
        QVERIFY(dashboard->history().now() > seen + 3000);
    }

    // Last: replaces the server's certificate (devices enrolled after it would not know it).
    void certificateWarning()
    {
        MainWindow window;
        QVERIFY(login(window));
        DashboardPage *dashboard = openDashboard(window);
        QVERIFY(dashboard);
        auto *panel = child<QWidget>(dashboard, u"warningsPanel"_s);
        // 400 days: no warning.
        QVERIFY(child<QLabel>(dashboard, u"certificateExpiry"_s)->text().contains(u"(in 399 days)"_s)
                || child<QLabel>(dashboard, u"certificateExpiry"_s)->text().contains(u"(in 400 days)"_s));
        QVERIFY2(dashboard->warnings().isEmpty(), qPrintable(dashboard->warnings().value(0).text()));
        QVERIFY(!panel->isVisible());

        // A certificate that expires in 10 days, installed as an administrator would.
        const QString fingerprint = writeCertificate(m_certs, u"short"_s, 10);
        QVERIFY(!fingerprint.isEmpty());
        QCborMap install;
        install.insert(u"certificate"_s, QString::fromUtf8(e2e::Daemon::readFile(m_certs.filePath(u"short.crt"_s))));
        install.insert(u"private_key"_s, QString::fromUtf8(e2e::Daemon::readFile(m_certs.filePath(u"short.key"_s))));
        QVERIFY(adminCall(window, u"cert.install"_s, install));
        CertificatePins::pin(m_adminServer, fingerprint);     // for the logins after this one

        QTRY_VERIFY_WITH_TIMEOUT(dashboard->findChild<QFrame *>(u"warning_certificate_expiring"_s), UiWaitMs);
        QVERIFY(panel->isVisible());
        auto *row = dashboard->findChild<QFrame *>(u"warning_certificate_expiring"_s);
        const QString text = child<QLabel>(row, u"warningText"_s)->text();
        QVERIFY2(QRegularExpression(u"^The certificate of the device listener expires in (9|10) days, on .+\\. Install a new one\\.$"_s)
                     .match(text)
                     .hasMatch(),
                 qPrintable(text));
        QCOMPARE(row->property("severity").toString(), u"warning"_s);
        QVERIFY(child<QLabel>(row, u"warningSince"_s)->text().startsWith(u"since "_s));
        // Its button shows the Certificates page.
        auto *pages = child<QStackedWidget>(&window, u"pages"_s);
        QCOMPARE(pages->currentWidget(), dashboard);
        auto *open = child<QPushButton>(row, u"warningAction"_s);
        QVERIFY(open);
        QCOMPARE(open->text(), u"Open Certificates"_s);
        open->click();
        QCOMPARE(pages->currentWidget(), window.page(u"certificatesPage"_s));
    }
};

int main(int argc, char **argv)
{
    return adminAppMain<TestAdminDashboard>(argc, argv, u"tst_admindashboard"_s);
}

#include "tst_admindashboard.moc"
