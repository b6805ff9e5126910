// parley-admin's Bots page driven against a real parleyd over TLS (QT_QPA_PLATFORM=offscreen): a bot created,
// changed and revoked in a logged-in window, its code enrolling the bot's device. The other pages run in
// tst_adminpages, tst_admindirectorypage and tst_adminssopage.

#include "adminappfixture.h"

#include <QListWidget>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::admin;
using namespace parley::admin::test;

class TestAdminBotsPage : public AdminAppTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { startDaemonPastFirstLogin(); }

    void cleanupTestCase() { m_daemon.reset(); }

    // The Bots page: a name checked while it is typed, a scope of users and rooms, the one-time code shown once (and
    // good for enrolling the bot's device), a refusal beside the field it is about, changes, and revocation, which
    // asks first and says it is final.
    void botsCreateChangeAndRevoke()
    {
        MainWindow window;
        QVERIFY(login(window));
        auto *bots = openPage<BotsPage>(window, u"botsPage"_s, &BotsPage::botsLoaded);
        QVERIFY(bots);
        // The side bar: every page has its icon.
        auto *nav = child<QListWidget>(&window, u"navigation"_s);
        for (int row = 0; row < nav->count(); ++row)
            QVERIFY2(!nav->item(row)->icon().isNull(), qPrintable(nav->item(row)->text()));

        child<QPushButton>(bots, u"createBot"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(bots->findChild<BotDialog *>(), UiWaitMs);
        auto *dialog = bots->findChild<BotDialog *>();
        auto *name = child<QLineEdit>(dialog, u"botName"_s);
        auto *hint = child<QLabel>(dialog, u"botNameHint"_s);
        auto *ok = child<QPushButton>(dialog, u"botOk"_s);
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(name, u"Alerts"_s);
        QVERIFY2(hint->text().contains(u"lower case"_s), qPrintable(hint->text()));
        name->clear();
        QTest::keyClicks(name, u"alerts"_s);
        QVERIFY2(hint->text().contains(u"alerts.bot"_s), qPrintable(hint->text()));
        QVERIFY(!ok->isEnabled());
        QTest::keyClicks(name, u".bot"_s);
        QVERIFY2(hint->text().contains(u"fine"_s), qPrintable(hint->text()));
        // "Only these" with nothing listed cannot be sent; a malformed name is not listed.
        QVERIFY(child<QRadioButton>(dialog, u"scopeListed"_s)->isChecked());
        QVERIFY(!ok->isEnabled());
        auto *entryName = child<QLineEdit>(dialog, u"scopeName"_s);
        entryName->setText(u"Not A Name"_s);
        child<QPushButton>(dialog, u"scopeAdd"_s)->click();
        QVERIFY(!dialog->findChild<FieldErrors *>()->shown(u"scope"_s).isEmpty());
        QCOMPARE(child<QListWidget>(dialog, u"scopeEntries"_s)->count(), 0);
        entryName->setText(u"oncall"_s);
        child<QPushButton>(dialog, u"scopeAdd"_s)->click();
        child<QComboBox>(dialog, u"scopeKind"_s)->setCurrentIndex(1);
        entryName->setText(u"garden"_s);
        child<QPushButton>(dialog, u"scopeAdd"_s)->click();
        QCOMPARE(child<QListWidget>(dialog, u"scopeEntries"_s)->count(), 2);
        QVERIFY(ok->isEnabled());
        // A name that is a user's but not a bot's cannot be sent.
        name->setText(u"alerts"_s);
        QVERIFY(!ok->isEnabled());
        name->setText(u"alerts.bot"_s);
        QVERIFY(ok->isEnabled());
        child<QSpinBox>(dialog, u"botRate"_s)->setValue(5);
        child<QSpinBox>(dialog, u"botBurst"_s)->setValue(50);
        child<QLineEdit>(dialog, u"botDescription"_s)->setText(u"Monitoring alerts"_s);
        QSignalSpy loaded(bots, &BotsPage::botsLoaded);
        ok->click();
        // The code, link and QR code, once.
        QTRY_VERIFY_WITH_TIMEOUT(bots->findChild<EnrollmentDialog *>(), UiWaitMs);
        auto *enrollment = bots->findChild<EnrollmentDialog *>();
        const QString code = enrollment->code();
        QVERIFY(!code.isEmpty());
        QVERIFY(child<QLabel>(enrollment, u"enrollmentLink"_s)->text().startsWith(u"parley://enroll"_s));
        QVERIFY(!child<QLabel>(enrollment, u"qrCode"_s)->pixmap().isNull());
        child<QPushButton>(enrollment, u"copyCodeButton"_s)->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), code);
        enrollment->close();
        QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), UiWaitMs);
        QCborMap bot = bots->bot(u"alerts.bot"_s);
        QCOMPARE(bot.value(u"state"_s).toString(), u"pending"_s);
        QCOMPARE(bot.value(u"scope"_s).toArray(), (QCborArray{u"user:oncall"_s, u"room:garden"_s}));
        QCOMPARE(bot.value(u"rate"_s).toInteger(), 5);
        QCOMPARE(bot.value(u"burst"_s).toInteger(), 50);
        QCOMPARE(bot.value(u"description"_s).toString(), u"Monitoring alerts"_s);
        auto *table = child<QTableView>(bots, u"botsTable"_s);
        QCOMPARE(table->model()->index(0, 2).data().toString(), u"oncall, room garden"_s);
        QCOMPARE(table->model()->index(0, 3).data().toString(), u"5/s, burst 50"_s);

        // The code enrolls the bot's device.
        e2e::Device device(*m_daemon, u"alerts.bot"_s);
        QVERIFY(device.enroll(code));
        loaded.clear();
        bots->refresh();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(bots->bot(u"alerts.bot"_s).value(u"state"_s).toString(), u"active"_s);

        // The same name again: the server's refusal is shown beside the name, and the dialog stays open.
        child<QPushButton>(bots, u"createBot"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(bots->findChild<BotDialog *>(), UiWaitMs);
        dialog = bots->findChild<BotDialog *>();
        QTest::keyClicks(child<QLineEdit>(dialog, u"botName"_s), u"alerts.bot"_s);
        child<QRadioButton>(dialog, u"scopeAny"_s)->setChecked(true);
        child<QPushButton>(dialog, u"botOk"_s)->click();
        auto *errors = dialog->findChild<FieldErrors *>();
        QTRY_VERIFY_WITH_TIMEOUT(!errors->shown(u"name"_s).isEmpty(), UiWaitMs);
        QVERIFY(child<QLabel>(dialog, u"error_name"_s)->isVisible());
        QVERIFY(dialog->isVisible());
        dialog->reject();
        QTRY_VERIFY_WITH_TIMEOUT(!bots->findChild<BotDialog *>(), UiWaitMs);

        // Changes: anyone, a higher rate.
        QVERIFY(bots->selectBot(u"alerts.bot"_s));
        child<QPushButton>(bots, u"editBot"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(bots->findChild<BotDialog *>(), UiWaitMs);
        dialog = bots->findChild<BotDialog *>();
        QCOMPARE(child<QListWidget>(dialog, u"scopeEntries"_s)->count(), 2);
        QCOMPARE(child<QSpinBox>(dialog, u"botRate"_s)->value(), 5);
        child<QRadioButton>(dialog, u"scopeAny"_s)->setChecked(true);
        child<QSpinBox>(dialog, u"botRate"_s)->setValue(10);
        loaded.clear();
        child<QPushButton>(dialog, u"botOk"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        bot = bots->bot(u"alerts.bot"_s);
        QCOMPARE(bot.value(u"scope"_s).toArray(), QCborArray{u"any"_s});
        QCOMPARE(bot.value(u"rate"_s).toInteger(), 10);
        QCOMPARE(bot.value(u"burst"_s).toInteger(), 50);

        // Revocation asks first, says it is final; Cancel keeps the bot, Yes revokes it.
        QVERIFY(bots->selectBot(u"alerts.bot"_s));
        auto *revoke = child<QPushButton>(bots, u"revokeBot"_s);
        QVERIFY(revoke->isEnabled());
        revoke->click();
        QTRY_VERIFY_WITH_TIMEOUT(bots->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        auto *box = bots->findChild<QMessageBox *>(u"confirmBox"_s);
        QVERIFY2(box->text().contains(u"final"_s), qPrintable(box->text()));
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!bots->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        QCOMPARE(bots->bot(u"alerts.bot"_s).value(u"state"_s).toString(), u"active"_s);
        revoke->click();
        QTRY_VERIFY_WITH_TIMEOUT(bots->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        loaded.clear();
        bots->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(bots->bot(u"alerts.bot"_s).value(u"state"_s).toString(), u"revoked"_s);
        QVERIFY(bots->selectBot(u"alerts.bot"_s));
        QVERIFY(!revoke->isEnabled());
        QVERIFY(!child<QPushButton>(bots, u"editBot"_s)->isEnabled());
    }
};

int main(int argc, char **argv)
{
    return adminAppMain<TestAdminBotsPage>(argc, argv, u"tst_adminbotspage"_s);
}

#include "tst_adminbotspage.moc"
