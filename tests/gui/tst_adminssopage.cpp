// parley-admin's Single sign-on page driven against a real parleyd over TLS (QT_QPA_PLATFORM=offscreen): the
// form's own checks and a server without the sso.* calls. The other pages run in tst_adminpages,
// tst_adminbotspage and tst_admindirectorypage.

#include "adminappfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::admin;
using namespace parley::admin::test;

class TestAdminSsoPage : public AdminAppTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { startDaemonPastFirstLogin(); }

    void cleanupTestCase() { m_daemon.reset(); }

    // The Single sign-on page. The form's own checks show beside their fields without asking the server; a server
    // without the sso.* calls is said to be one, in words, instead of failing quietly.
    void singleSignOnPage()
    {
        MainWindow window;
        QVERIFY(login(window));
        auto *page = qobject_cast<SsoPage *>(window.page(u"ssoPage"_s));
        QVERIFY(page);
        const bool serverHasSso = protocol::admin::findCall(u"sso.show") != nullptr;
        QSignalSpy loaded(page, &SsoPage::settingsLoaded);
        QSignalSpy unavailable(page, &SsoPage::settingsUnavailable);
        window.showPage(page);
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() || !unavailable.isEmpty(), UiWaitMs);
        auto *banner = child<QLabel>(page, u"ssoUnsupported"_s);
        if (serverHasSso) {
            QVERIFY(!loaded.isEmpty());
            QVERIFY(!banner->isVisible());
        } else {
            QCOMPARE(unavailable.first().at(0).toBool(), false);
            QVERIFY(banner->isVisible());
            QVERIFY2(banner->text().contains(u"sso"_s), qPrintable(banner->text()));
        }

        auto *errors = page->findChild<FieldErrors *>();
        auto *save = child<QPushButton>(page, u"ssoSave"_s);
        child<QLineEdit>(page, u"ssoIssuer"_s)->setText(u"login.example.com"_s);
        save->click();
        QVERIFY2(errors->shown(u"issuer"_s).contains(u"https://"_s), qPrintable(errors->shown(u"issuer"_s)));
        QVERIFY(child<QLabel>(page, u"error_issuer"_s)->isVisible());
        child<QLineEdit>(page, u"ssoIssuer"_s)->setText(u"https://login.example.com/realms/staff"_s);
        child<QLineEdit>(page, u"ssoClientId"_s)->clear();
        save->click();
        QVERIFY(errors->shown(u"issuer"_s).isEmpty());
        QVERIFY(!errors->shown(u"client_id"_s).isEmpty());
        child<QLineEdit>(page, u"ssoClientId"_s)->setText(u"parley"_s);
        if (!page->settings().value(u"secret_set"_s).toBool()) {
            save->click();
            QVERIFY(!errors->shown(u"client_secret"_s).isEmpty());
        }
        child<QLineEdit>(page, u"ssoClientSecret"_s)->setText(u"client secret of the test"_s);
        child<QLineEdit>(page, u"ssoListen"_s)->setText(u"127.0.0.1:99999"_s);
        save->click();
        QVERIFY(!errors->shown(u"listen"_s).isEmpty());
        child<QLineEdit>(page, u"ssoListen"_s)->setText(u"127.0.0.1:8445"_s);
        child<QLineEdit>(page, u"ssoPublicUrl"_s)->setText(u"http://parley.example.com"_s);
        save->click();
        QVERIFY2(errors->shown(u"public_url"_s).contains(u"https://"_s), qPrintable(errors->shown(u"public_url"_s)));
        child<QLineEdit>(page, u"ssoListen"_s)->clear();
        child<QLineEdit>(page, u"ssoPublicUrl"_s)->clear();
        child<DurationEdit>(page, u"ssoCodeValid"_s)->setSeconds(2 * 86400);
        save->click();
        QVERIFY(!errors->shown(u"code_valid_seconds"_s).isEmpty());
        child<DurationEdit>(page, u"ssoCodeValid"_s)->setSeconds(600);
        QVERIFY(!window.statusBar()->currentMessage().isEmpty());
        if (serverHasSso)
            return;     // what the server does with it is tst_sso's
        // Past the form's checks the server is asked; it has no such call, and the page says so.
        save->click();
        QVERIFY(errors->shown(u"code_valid_seconds"_s).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(u"does not support"_s), UiWaitMs);
        QVERIFY(banner->isVisible());
    }
};

int main(int argc, char **argv)
{
    return adminAppMain<TestAdminSsoPage>(argc, argv, u"tst_adminssopage"_s);
}

#include "tst_adminssopage.moc"
