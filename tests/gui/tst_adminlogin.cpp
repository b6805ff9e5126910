// parley-admin's widgets driven against a real parleyd over TLS (QT_QPA_PLATFORM=offscreen), logging in and the users'
// side: the first login with its forced password change, wrong passwords, users, log levels, the keychain, the icon
// and the German translation. Rooms, push, client certificates and certificate pinning run in tst_adminpages.

#include "adminappfixture.h"

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::admin;
using namespace parley::admin::test;

class TestAdminLogin : public AdminAppTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { startDaemon(); }

    void cleanupTestCase() { m_daemon.reset(); }

    void passwordStrength_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<int>("minimum");
        QTest::addColumn<int>("maximum");
        QTest::newRow("short") << u"abc123"_s << 0 << 0;
        QTest::newRow("repetitive") << u"aaaaaaaaaaaaaaaa"_s << 0 << 0;
        QTest::newRow("lower only") << u"abcdefghijkl"_s << 1 << 2;
        QTest::newRow("mixed") << NewPassword << 3 << 4;
    }

    void passwordStrength()
    {
        QFETCH(QString, password);
        QFETCH(int, minimum);
        QFETCH(int, maximum);
        const int score = PasswordChangeDialog::strength(password);
        QVERIFY2(score >= minimum && score <= maximum, qPrintable(QString::number(score)));
    }

    void badServerAddressIsExplained()
    {
        MainWindow window;
        window.start();
        ConnectDialog *dialog = window.connectDialog();
        child<QComboBox>(dialog, u"server"_s)->setEditText(u"no port here"_s);
        child<QLineEdit>(dialog, u"password"_s)->setText(u"whatever"_s);
        child<QPushButton>(dialog, u"connectButton"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(dialog, u"status"_s)->text().contains(u"host:port"_s), UiWaitMs);
        QVERIFY(!window.isVisible());
    }

    void firstLoginForcesPasswordChange()
    {
        MainWindow window;
        window.start();
        submitLogin(window, m_password);
        // First contact with a self-signed server: its fingerprint is shown for confirmation, nothing connects.
        ConnectDialog *dialog = window.connectDialog();
        auto *trustBox = child<QGroupBox>(dialog, u"trustBox"_s);
        QTRY_VERIFY_WITH_TIMEOUT(trustBox->isVisible(), UiWaitMs);
        QVERIFY(child<QLabel>(dialog, u"trustText"_s)->text().contains(AdminClient::formatFingerprint(m_daemon->fingerprint())));
        QVERIFY(!window.isVisible());
        QVERIFY(CertificatePins::pinned(m_adminServer).isEmpty());
        child<QPushButton>(dialog, u"trustButton"_s)->click();
        QCOMPARE(CertificatePins::pinned(m_adminServer), m_daemon->fingerprint());

        // The one-time password leads straight into the password change; the main window stays hidden.
        QTRY_VERIFY_WITH_TIMEOUT(window.passwordDialog() && window.passwordDialog()->isVisible(), UiWaitMs);
        QVERIFY(!window.isVisible());
        QVERIFY(!dialog->isVisible());
        // Nothing else is reachable: the server refuses every other call with this token.
        bool answered = false;
        QString error;
        window.client()->call(u"status"_s, {}, this, [&](const AdminClient::Reply &reply) {
            answered = true;
            error = reply.error;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, UiWaitMs);
        QCOMPARE(error, u"password_change_required"_s);

        PasswordChangeDialog *change = window.passwordDialog();
        QVERIFY(change);
        auto *next = child<QLineEdit>(change, u"newPassword"_s);
        auto *confirm = child<QLineEdit>(change, u"confirmPassword"_s);
        auto *button = child<QPushButton>(change, u"changeButton"_s);
        next->setText(u"short"_s);
        confirm->setText(u"short"_s);
        QVERIFY(!button->isEnabled());
        QCOMPARE(child<QProgressBar>(change, u"strengthMeter"_s)->value(), 0);
        next->setText(NewPassword);
        confirm->setText(NewPassword + u'x');
        QVERIFY(!button->isEnabled());
        confirm->setText(NewPassword);
        QVERIFY(button->isEnabled());
        QVERIFY(child<QProgressBar>(change, u"strengthMeter"_s)->value() >= 3);
        QSignalSpy ready(&window, &MainWindow::ready);
        button->click();
        QVERIFY(ready.wait(UiWaitMs));
        QVERIFY(window.isVisible());
        m_password = NewPassword;
        QVERIFY(!QFile::exists(m_daemon->dataDir() + u"/initial-admin-password"_s));
    }

    void wrongPasswordIsExplained()
    {
        MainWindow window;
        window.start();
        submitLogin(window, u"not the password"_s);
        auto *status = child<QLabel>(window.connectDialog(), u"status"_s);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(u"Wrong name or password"_s), UiWaitMs);
        QVERIFY(!window.isVisible());
    }

    void createUserShowsEnrollmentCode()
    {
        MainWindow window;
        QVERIFY(login(window));
        auto *users = qobject_cast<UsersPage *>(window.page(u"usersPage"_s));
        QVERIFY(users);
        QSignalSpy loaded(users, &UsersPage::usersLoaded);
        window.showPage(users);
        QVERIFY(loaded.wait(UiWaitMs));
        child<QLineEdit>(users, u"newUserName"_s)->setText(u"alice"_s);
        child<QPushButton>(users, u"createUserButton"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(users->findChild<EnrollmentDialog *>(), UiWaitMs);
        auto *enrollment = users->findChild<EnrollmentDialog *>();
        QVERIFY(enrollment->isVisible());
        const QString code = child<QLabel>(enrollment, u"enrollmentCode"_s)->text();
        QVERIFY(!code.isEmpty());
        QCOMPARE(enrollment->code(), code);
        QVERIFY(child<QLabel>(enrollment, u"enrollmentLink"_s)->text().startsWith(u"parley://enroll?"_s));
        QVERIFY(!child<QLabel>(enrollment, u"qrCode"_s)->pixmap().isNull());
        QTemporaryDir dir;
        const QString png = dir.filePath(u"alice.png"_s);
        QCOMPARE(enrollment->saveQrCode(png), QString());
        QVERIFY(!QImage(png).isNull());
        // The user is listed, waiting for enrollment.
        QTRY_COMPARE_WITH_TIMEOUT(userState(users, u"alice"_s), u"pending"_s, UiWaitMs);
        // The search filters the table.
        auto *table = child<QTableView>(users, u"usersTable"_s);
        child<QLineEdit>(users, u"search"_s)->setText(u"nobody-by-that-name"_s);
        QCOMPARE(table->model()->rowCount(), 0);
        child<QLineEdit>(users, u"search"_s)->setText(u"ali"_s);
        QCOMPARE(table->model()->rowCount(), 1);
    }

    void importCsvAndDeleteWithConfirmation()
    {
        MainWindow window;
        QVERIFY(login(window));
        auto *users = qobject_cast<UsersPage *>(window.page(u"usersPage"_s));
        QSignalSpy loaded(users, &UsersPage::usersLoaded);
        window.showPage(users);
        QVERIFY(loaded.wait(UiWaitMs));

        QTemporaryDir dir;
        const QString csv = dir.filePath(u"users.csv"_s);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("carol\ndave\nnot a valid name!\n");
        file.close();
        child<QPushButton>(users, u"importButton"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(users->findChild<QFileDialog *>(), UiWaitMs);
        auto *chooser = users->findChild<QFileDialog *>();
        chooser->selectFile(csv);
        QVERIFY(QMetaObject::invokeMethod(chooser, "accept"));
        QTRY_VERIFY_WITH_TIMEOUT(users->findChild<QDialog *>(u"importResults"_s), UiWaitMs);
        auto *results = users->findChild<QDialog *>(u"importResults"_s);
        auto *resultModel = results->findChild<RecordModel *>();
        QVERIFY(resultModel);
        QCOMPARE(resultModel->rowCount(), 3);
        QCOMPARE(resultModel->record(0).value(u"outcome"_s).toString(), u"created"_s);
        QVERIFY(!resultModel->record(0).value(u"code"_s).toString().isEmpty());
        QVERIFY(resultModel->record(2).value(u"outcome"_s).toString() != u"created"_s);
        results->close();
        QTRY_COMPARE_WITH_TIMEOUT(userState(users, u"carol"_s), u"pending"_s, UiWaitMs);

        // Delete asks first; Cancel keeps the user, Yes deletes.
        QVERIFY(users->selectUser(u"carol"_s));
        auto *remove = child<QPushButton>(users, u"deleteButton"_s);
        QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), UiWaitMs);
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(users->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        users->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!users->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        QCOMPARE(userState(users, u"carol"_s), u"pending"_s);
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(users->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        users->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(userState(users, u"carol"_s), QString(), UiWaitMs);
        QVERIFY(!userState(users, u"dave"_s).isEmpty());
    }

    void suspendUser()
    {
        e2e::Device bob(*m_daemon, u"bob"_s);
        QVERIFY(bob.enroll());
        QVERIFY(bob.online());
        MainWindow window;
        QVERIFY(login(window));
        auto *users = qobject_cast<UsersPage *>(window.page(u"usersPage"_s));
        QSignalSpy loaded(users, &UsersPage::usersLoaded);
        window.showPage(users);
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(userState(users, u"bob"_s), u"active"_s);
        QVERIFY(users->selectUser(u"bob"_s));
        auto *suspend = child<QPushButton>(users, u"suspendButton"_s);
        QTRY_VERIFY_WITH_TIMEOUT(suspend->isEnabled(), UiWaitMs);
        suspend->click();
        QTRY_COMPARE_WITH_TIMEOUT(userState(users, u"bob"_s), u"suspended"_s, UiWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!bob.online(), UiWaitMs);
        QVERIFY(window.statusBar()->currentMessage().contains(u"bob"_s));
        // And back.
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(users, u"resumeButton"_s)->isEnabled(), UiWaitMs);
        child<QPushButton>(users, u"resumeButton"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(userState(users, u"bob"_s), u"active"_s, UiWaitMs);
    }

    void signOutUser()
    {
        e2e::Device erin(*m_daemon, u"erin"_s);
        QVERIFY(erin.enroll());
        QVERIFY(erin.online());
        MainWindow window;
        QVERIFY(login(window));
        auto *users = qobject_cast<UsersPage *>(window.page(u"usersPage"_s));
        QSignalSpy loaded(users, &UsersPage::usersLoaded);
        window.showPage(users);
        QVERIFY(loaded.wait(UiWaitMs));
        QVERIFY(users->selectUser(u"erin"_s));
        auto *signOut = child<QPushButton>(users, u"signOutButton"_s);
        QTRY_VERIFY_WITH_TIMEOUT(signOut->isEnabled(), UiWaitMs);
        signOut->click();
        QTRY_VERIFY_WITH_TIMEOUT(!erin.online(), UiWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(u"erin"_s), UiWaitMs);
        QCOMPARE(userState(users, u"erin"_s), u"active"_s);
    }

    void changeLogVerbosity()
    {
        MainWindow window;
        QVERIFY(login(window));
        auto *logging = qobject_cast<LoggingPage *>(window.page(u"loggingPage"_s));
        QVERIFY(logging);
        QSignalSpy loaded(logging, &LoggingPage::levelsLoaded);
        window.showPage(logging);
        QVERIFY(loaded.wait(UiWaitMs));
        QComboBox *relay = logging->levelBox(u"parley.relay"_s);
        QVERIFY(relay);
        QCOMPARE(relay->currentData().toString(), u"info"_s);
        QSignalSpy changed(logging, &LoggingPage::levelChanged);
        const int debug = relay->findData(u"debug"_s);
        relay->setCurrentIndex(debug);
        Q_EMIT relay->activated(debug);
        QVERIFY(changed.wait(UiWaitMs));
        QCOMPARE(changed.first().at(0).toString(), u"parley.relay"_s);
        QCOMPARE(changed.first().at(1).toString(), u"debug"_s);
        // The server keeps it: a fresh window shows the new level.
        MainWindow second;
        QVERIFY(login(second));
        auto *again = qobject_cast<LoggingPage *>(second.page(u"loggingPage"_s));
        QSignalSpy loadedAgain(again, &LoggingPage::levelsLoaded);
        second.showPage(again);
        QVERIFY(loadedAgain.wait(UiWaitMs));
        QCOMPARE(again->levelBox(u"parley.relay"_s)->currentData().toString(), u"debug"_s);
    }

    void rememberPasswordInKeychain()
    {
        const QString key = u"admin@"_s + m_adminServer;
        const QString flag = u"remembered/"_s + QString::fromLatin1(key.toUtf8().toHex());
        QCOMPARE(readKeychain(key).first, QKeychain::EntryNotFound);
        {
            MainWindow window;
            QSignalSpy ready(&window, &MainWindow::ready);
            window.start();
            child<QCheckBox>(window.connectDialog(), u"remember"_s)->setChecked(true);
            submitLogin(window, m_password);
            QVERIFY(ready.wait(UiWaitMs));
            QTRY_VERIFY_WITH_TIMEOUT(QSettings().value(flag).toBool(), UiWaitMs);
        }
        // In the keychain, and nowhere in the app's settings.
        const auto stored = readKeychain(key);
        QCOMPARE(stored.first, QKeychain::NoError);
        QCOMPARE(stored.second, m_password);
        QSettings().sync();
        QDirIterator files(m_settings.path(), QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext())
            QVERIFY(!e2e::Daemon::readFile(files.next()).contains(m_password.toUtf8()));

        // A new start fills the password in from the keychain; Connect logs in with it.
        {
            MainWindow window;
            QSignalSpy ready(&window, &MainWindow::ready);
            window.start();
            ConnectDialog *dialog = window.connectDialog();
            QCOMPARE(child<QComboBox>(dialog, u"server"_s)->currentText(), m_adminServer);
            QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(dialog, u"password"_s)->text(), m_password, UiWaitMs);
            QVERIFY(child<QCheckBox>(dialog, u"remember"_s)->isChecked());
            child<QPushButton>(dialog, u"connectButton"_s)->click();
            QVERIFY(ready.wait(UiWaitMs));
        }

        // Unticking "remember" at the next login removes it from the keychain.
        {
            MainWindow window;
            QSignalSpy ready(&window, &MainWindow::ready);
            window.start();
            ConnectDialog *dialog = window.connectDialog();
            QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(dialog, u"password"_s)->text(), m_password, UiWaitMs);
            child<QCheckBox>(dialog, u"remember"_s)->setChecked(false);
            child<QPushButton>(dialog, u"connectButton"_s)->click();
            QVERIFY(ready.wait(UiWaitMs));
            QTRY_VERIFY_WITH_TIMEOUT(!QSettings().contains(flag), UiWaitMs);
        }
        QTRY_COMPARE_WITH_TIMEOUT(readKeychain(key).first, QKeychain::EntryNotFound, UiWaitMs);
        MainWindow window;
        window.start();
        QVERIFY(child<QLineEdit>(window.connectDialog(), u"password"_s)->text().isEmpty());
        QVERIFY(!child<QCheckBox>(window.connectDialog(), u"remember"_s)->isChecked());
    }

    void applicationIcon()
    {
        MainWindow window;
        QVERIFY(!window.windowIcon().isNull());
        const QList<QSize> sizes = window.windowIcon().availableSizes();
        for (int size : {16, 32, 48, 256})
            QVERIFY2(sizes.contains(QSize(size, size)), qPrintable(QString::number(size)));
        QVERIFY(!window.windowIcon().pixmap(48, 48).isNull());
        QVERIFY(!window.connectDialog()->windowIcon().isNull());
    }

    // Last: installs the German translation into the application.
    void germanTranslation()
    {
        QVERIFY(!installTranslations(QLocale(QLocale::Swahili)));
        QVERIFY(installTranslations(QLocale(QLocale::German, QLocale::Germany)));
        MainWindow window;
        QCOMPARE(window.windowTitle(), u"Parley-Verwaltung"_s);
        QCOMPARE(window.page(u"usersPage"_s)->title(), u"Benutzer"_s);
        QCOMPARE(window.page(u"roomsPage"_s)->title(), u"Räume"_s);
        QCOMPARE(window.page(u"pushPage"_s)->title(), u"Push-Dienste"_s);
        QCOMPARE(child<QGroupBox>(window.connectDialog(), u"clientCertBox"_s)->title(), u"Client-Zer&tifikat"_s);
        QVERIFY(AdminClient::tr("This server requires a client certificate. Choose your certificate and its key under "
                                "\"Client certificate\" and connect again.")
                    .startsWith(u"Dieser Server verlangt ein Client-Zertifikat."_s));
        QCOMPARE(AdminClient::describeError(u"timeout"_s, {}),
                 u"Der Server hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es erneut."_s);
    }
};

int main(int argc, char **argv)
{
    return adminAppMain<TestAdminLogin>(argc, argv, u"tst_adminlogin"_s);
}

#include "tst_adminlogin.moc"
