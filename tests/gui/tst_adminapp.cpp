// parley-admin's widgets driven against a real parleyd over TLS (QT_QPA_PLATFORM=offscreen).

#include "../e2e/harness.h"

#include "adminclient.h"
#include "certificatespage.h"
#include "connectdialog.h"
#include "durationedit.h"
#include "enrollmentdialog.h"
#include "loggingpage.h"
#include "mainwindow.h"
#include "passwordchangedialog.h"
#include "pushpage.h"
#include "recordmodel.h"
#include "roomspage.h"
#include "translations.h"
#include "userspage.h"

#include "crypto/crypto.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"
#include "sdk/rooms.h"

#include <qt6keychain/keychain.h>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSpinBox>
#include <QFileDialog>
#include <QMessageBox>
#include <QGroupBox>
#include <QHostAddress>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSslKey>
#include <QStatusBar>
#include <QTableView>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::admin;

namespace {
constexpr int UiWaitMs = 20000;
const QString NewPassword = u"Tr0ub4dor & horse battery"_s;
const QByteArray KeyringPassword = QByteArrayLiteral("keyring of the test session");

// A private D-Bus session bus with gnome-keyring's Secret Service on it, the keychain QtKeychain uses on a Linux
// desktop (through libsecret), unlocked as a login would. Started before anything touches the session bus.
class KeyringSession {
public:
    ~KeyringSession()
    {
        for (QProcess *p : {&m_keyring, &m_bus}) {
            if (p->state() != QProcess::NotRunning) {
                p->terminate();
                if (!p->waitForFinished(5000))
                    p->kill();
                p->waitForFinished(5000);
            }
        }
    }

    QString start()
    {
        if (!m_dir.isValid())
            return u"no temporary directory"_s;
        const QString runtime = m_dir.filePath(u"run"_s);
        const QString home = m_dir.filePath(u"home"_s);
        if (!QDir().mkpath(runtime) || !QDir().mkpath(home)
            || !QFile::setPermissions(runtime, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
            return u"cannot create the keyring directories"_s;
        m_bus.start(u"dbus-daemon"_s, {u"--session"_s, u"--nofork"_s, u"--print-address=1"_s});
        if (!m_bus.waitForStarted(10000))
            return u"dbus-daemon does not start (Debian package dbus-daemon): "_s + m_bus.errorString();
        QElapsedTimer timer;
        timer.start();
        while (!m_bus.canReadLine() && timer.elapsed() < UiWaitMs)
            m_bus.waitForReadyRead(100);
        const QString address = QString::fromUtf8(m_bus.readLine()).trimmed();
        if (address.isEmpty())
            return u"dbus-daemon printed no address"_s;
        // The app's keychain calls (libsecret through GLib's D-Bus) find the bus and the keyring through these.
        qputenv("DBUS_SESSION_BUS_ADDRESS", address.toUtf8());
        qputenv("XDG_RUNTIME_DIR", runtime.toUtf8());
        qputenv("XDG_DATA_HOME", (home + u"/data"_s).toUtf8());
        qputenv("HOME", home.toUtf8());
        m_keyring.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        m_keyring.start(u"gnome-keyring-daemon"_s, {u"--foreground"_s, u"--unlock"_s, u"--components=secrets"_s});
        if (!m_keyring.waitForStarted(10000))
            return u"gnome-keyring-daemon does not start (Debian package gnome-keyring): "_s + m_keyring.errorString();
        m_keyring.write(KeyringPassword);
        m_keyring.closeWriteChannel();
        QDBusConnection bus = QDBusConnection::connectToBus(address, u"keyring-check"_s);
        timer.restart();
        while (!(bus.isConnected() && bus.interface()->isServiceRegistered(u"org.freedesktop.secrets"_s))
               && timer.elapsed() < UiWaitMs && m_keyring.state() == QProcess::Running)
            QTest::qWait(50);
        const bool up = bus.isConnected() && bus.interface()->isServiceRegistered(u"org.freedesktop.secrets"_s);
        QDBusConnection::disconnectFromBus(u"keyring-check"_s);
        return up ? QString() : u"the Secret Service did not appear on the bus: "_s + QString::fromUtf8(m_keyring.readAllStandardError());
    }

private:
    QTemporaryDir m_dir;
    QProcess m_bus;
    QProcess m_keyring;
};

// What the keychain holds under `key` for parley-admin: the password, or the QtKeychain error.
std::pair<QKeychain::Error, QString> readKeychain(const QString &key)
{
    std::optional<std::pair<QKeychain::Error, QString>> out;
    QObject context;
    auto *job = new QKeychain::ReadPasswordJob(u"parley-admin"_s, &context);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, &context, [&out](QKeychain::Job *j) {
        out.emplace(j->error(), static_cast<QKeychain::ReadPasswordJob *>(j)->textData());
    });
    job->start();
    QElapsedTimer timer;
    timer.start();
    while (!out && timer.elapsed() < UiWaitMs)
        QTest::qWait(20);
    return out.value_or(std::pair{QKeychain::OtherError, u"no answer"_s});
}
} // namespace

class TestAdminApp : public QObject {
    Q_OBJECT

private:
    KeyringSession m_keyring;
    std::unique_ptr<e2e::Daemon> m_daemon;
    QTemporaryDir m_settings;
    QString m_adminServer;
    QString m_password;

    template<typename T>
    static T *child(QObject *parent, const QString &name)
    {
        T *found = parent->findChild<T *>(name);
        if (!found)
            qWarning() << "no child" << name;
        return found;
    }

    // Fills in the connect dialog and presses Connect.
    void submitLogin(MainWindow &window, const QString &password)
    {
        ConnectDialog *dialog = window.connectDialog();
        QVERIFY(dialog->isVisible());
        child<QComboBox>(dialog, u"server"_s)->setEditText(m_adminServer);
        child<QLineEdit>(dialog, u"adminName"_s)->setText(u"admin"_s);
        child<QLineEdit>(dialog, u"password"_s)->setText(password);
        child<QPushButton>(dialog, u"connectButton"_s)->click();
    }

    // A logged-in main window (certificate already pinned, password already changed).
    bool login(MainWindow &window)
    {
        QSignalSpy ready(&window, &MainWindow::ready);
        window.start();
        submitLogin(window, m_password);
        if (!ready.wait(UiWaitMs) && ready.isEmpty()) {
            qWarning() << "login failed:" << child<QLabel>(window.connectDialog(), u"status"_s)->text();
            return false;
        }
        return window.isVisible();
    }

    static QString roomsPageRoom(RoomsPage *page, int row)
    {
        return page->findChild<RecordModel *>(u"roomsModel"_s)->record(row).value(u"room"_s).toString();
    }

    static bool roomListed(RoomsPage *page, const QString &room)
    {
        auto *model = page->findChild<RecordModel *>(u"roomsModel"_s);
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->record(row).value(u"room"_s).toString() == room)
                return true;
        }
        return false;
    }

    // A room made by `owner` through the real SDK (signed membership chain), with `members` added.
    static bool createRoom(e2e::Device &owner, const QString &room, std::optional<quint64> expire, const QStringList &members)
    {
        sdk::Rooms rooms(owner.client());
        QObject context;
        std::optional<bool> created;
        rooms.create(room, u"Title of "_s + room, u"about "_s + room, expire, false, &context,
                     [&created](Result<protocol::RoomState> r) {
                         if (!r)
                             qWarning() << "room create:" << r.error().message;
                         created = bool(r);
                     });
        QElapsedTimer timer;
        timer.start();
        while (!created && timer.elapsed() < UiWaitMs)
            QTest::qWait(10);
        if (!created.value_or(false))
            return false;
        for (const QString &member : members) {
            std::optional<bool> added;
            rooms.change(room, protocol::RoomOp::Add, member, &context, [&added](Result<protocol::RoomState> r) {
                if (!r)
                    qWarning() << "room add:" << r.error().message;
                added = bool(r);
            });
            timer.restart();
            while (!added && timer.elapsed() < UiWaitMs)
                QTest::qWait(10);
            if (!added.value_or(false))
                return false;
        }
        return true;
    }

    // Opens a page of a logged-in window and waits for its first load (`loaded` is the page's signal).
    template<typename P, typename Signal>
    static P *openPage(MainWindow &window, const QString &name, Signal loaded)
    {
        auto *page = qobject_cast<P *>(window.page(name));
        if (!page)
            return nullptr;
        QSignalSpy spy(page, loaded);
        window.showPage(page);
        if (!spy.wait(UiWaitMs) && spy.isEmpty())
            return nullptr;
        return page;
    }

    static RecordModel *usersModel(UsersPage *page) { return page->findChild<RecordModel *>(u"usersModel"_s); }

    static QString userState(UsersPage *page, const QString &name)
    {
        RecordModel *model = usersModel(page);
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->record(row).value(u"name"_s).toString() == name)
                return model->record(row).value(u"state"_s).toString();
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        // First, before anything uses the session bus: the keychain for "remember the password".
        const QString keyring = m_keyring.start();
        QVERIFY2(keyring.isEmpty(), qPrintable(keyring));
        QVERIFY(m_settings.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        m_daemon = std::make_unique<e2e::Daemon>();
        QVERIFY(m_daemon->start());
        QTRY_VERIFY_WITH_TIMEOUT(e2e::Daemon::readFile(m_daemon->stdoutFile()).contains("admin wss://"), UiWaitMs);
        const auto match = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s)
                               .match(QString::fromUtf8(e2e::Daemon::readFile(m_daemon->stdoutFile())));
        QVERIFY(match.hasMatch());
        m_adminServer = match.captured(1);
        m_password = QString::fromUtf8(e2e::Daemon::readFile(m_daemon->dataDir() + u"/initial-admin-password"_s)).trimmed();
        QVERIFY(!m_password.isEmpty());
    }

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

    void roomsDefaultsListDetailAndDelete()
    {
        e2e::Device erin(*m_daemon, u"erin"_s);
        QVERIFY(erin.enroll());
        e2e::Device finn(*m_daemon, u"finn"_s);
        QVERIFY(finn.enroll());
        QVERIFY(createRoom(erin, u"garden"_s, 3600, {u"finn"_s}));
        QVERIFY(createRoom(erin, u"kitchen"_s, std::nullopt, {}));

        MainWindow window;
        QVERIFY(login(window));
        auto *rooms = openPage<RoomsPage>(window, u"roomsPage"_s, &RoomsPage::roomsLoaded);
        QVERIFY(rooms);
        // Defaults and limits: shown, changed, kept by the server.
        auto *maxMembers = child<QSpinBox>(rooms, u"maxMembers"_s);
        QTRY_COMPARE_WITH_TIMEOUT(maxMembers->value(), 1000, UiWaitMs);
        maxMembers->setValue(50);
        child<QCheckBox>(rooms, u"expireByDefault"_s)->setChecked(true);
        child<DurationEdit>(rooms, u"defaultExpire"_s)->setSeconds(2 * 86400);
        child<QCheckBox>(rooms, u"defaultBurn"_s)->setChecked(true);
        QSignalSpy defaults(rooms, &RoomsPage::defaultsLoaded);
        child<QPushButton>(rooms, u"saveDefaults"_s)->click();
        QVERIFY(defaults.wait(UiWaitMs));
        QCborMap shown;
        bool answered = false;
        window.client()->call(u"rooms.defaults"_s, {}, this, [&](const AdminClient::Reply &reply) {
            answered = true;
            shown = reply.result;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, UiWaitMs);
        QCOMPARE(shown.value(u"max_members"_s).toInteger(), 50);
        QCOMPARE(shown.value(u"default_expire_seconds"_s).toInteger(), 2 * 86400);
        QCOMPARE(shown.value(u"default_burn"_s).toBool(), true);
        // A value the server refuses is explained in words and changes nothing.
        child<QCheckBox>(rooms, u"limitExpire"_s)->setChecked(true);
        child<DurationEdit>(rooms, u"maxExpire"_s)->setSeconds(86400);       // below the default expiry
        child<QPushButton>(rooms, u"saveDefaults"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(u"default expiry"_s), UiWaitMs);
        // Back to the defaults for the other tests.
        maxMembers->setValue(1000);
        child<QCheckBox>(rooms, u"limitExpire"_s)->setChecked(false);
        child<QCheckBox>(rooms, u"expireByDefault"_s)->setChecked(false);
        child<QCheckBox>(rooms, u"defaultBurn"_s)->setChecked(false);
        defaults.clear();
        child<QPushButton>(rooms, u"saveDefaults"_s)->click();
        QVERIFY(defaults.wait(UiWaitMs));

        // The list with search.
        QTRY_VERIFY_WITH_TIMEOUT(roomListed(rooms, u"garden"_s) && roomListed(rooms, u"kitchen"_s), UiWaitMs);
        auto *table = child<QTableView>(rooms, u"roomsTable"_s);
        QVERIFY(qobject_cast<QSortFilterProxyModel *>(table->model()));
        child<QLineEdit>(rooms, u"roomSearch"_s)->setText(u"gard"_s);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, UiWaitMs);
        QCOMPARE(roomsPageRoom(rooms, 0), u"garden"_s);
        child<QLineEdit>(rooms, u"roomSearch"_s)->setText(u"no-such-room"_s);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 0, UiWaitMs);
        // A search leaves unsaved edits of the defaults alone; Refresh shows the server's values again.
        maxMembers->setValue(77);
        child<QLineEdit>(rooms, u"roomSearch"_s)->clear();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, UiWaitMs);
        QCOMPARE(maxMembers->value(), 77);
        rooms->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(maxMembers->value(), 1000, UiWaitMs);

        // The detail view: policy, members with the admin flag, counts.
        QSignalSpy shownSpy(rooms, &RoomsPage::roomShown);
        QVERIFY(rooms->selectRoom(u"garden"_s));
        QVERIFY(shownSpy.wait(UiWaitMs));
        QCOMPARE(shownSpy.last().at(0).toString(), u"garden"_s);
        QVERIFY(child<QLabel>(rooms, u"roomSummary"_s)->text().contains(u"Title of garden"_s));
        QVERIFY(child<QLabel>(rooms, u"ownPolicy"_s)->text().contains(u"1 hour"_s));
        auto *members = rooms->findChild<RecordModel *>(u"membersModel"_s);
        QCOMPARE(members->rowCount(), 2);
        QMap<QString, bool> admins;
        for (int row = 0; row < members->rowCount(); ++row)
            admins.insert(members->record(row).value(u"name"_s).toString(), members->record(row).value(u"admin"_s).toBool());
        QCOMPARE(admins, (QMap<QString, bool>{{u"erin"_s, true}, {u"finn"_s, false}}));
        QCOMPARE(rooms->shownRoom().value(u"member_count"_s).toInteger(), 2);
        QCOMPARE(rooms->shownRoom().value(u"admin_count"_s).toInteger(), 1);

        // Delete asks first; Cancel keeps the room, Yes deletes it.
        QVERIFY(rooms->selectRoom(u"kitchen"_s));
        auto *remove = child<QPushButton>(rooms, u"deleteRoom"_s);
        QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), UiWaitMs);
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(rooms->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        rooms->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!rooms->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        QVERIFY(roomListed(rooms, u"kitchen"_s));
        remove->click();
        QTRY_VERIFY_WITH_TIMEOUT(rooms->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        rooms->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!roomListed(rooms, u"kitchen"_s), UiWaitMs);
        QVERIFY(roomListed(rooms, u"garden"_s));
    }

    void roomPolicyEditor()
    {
        MainWindow window;
        QVERIFY(login(window));
        auto *rooms = openPage<RoomsPage>(window, u"roomsPage"_s, &RoomsPage::roomsLoaded);
        QVERIFY(rooms);
        QTRY_VERIFY_WITH_TIMEOUT(roomListed(rooms, u"garden"_s), UiWaitMs);
        QSignalSpy shownSpy(rooms, &RoomsPage::roomShown);
        QVERIFY(rooms->selectRoom(u"garden"_s));
        QVERIFY(shownSpy.wait(UiWaitMs));
        QVERIFY(!child<QLabel>(rooms, u"policyExplanation"_s)->text().isEmpty());

        // Tighter than the room's own hour: ten minutes and burn-after-reading.
        auto shownValue = [rooms](const QString &key) { return rooms->shownRoom().value(key); };
        child<QCheckBox>(rooms, u"enforceExpiry"_s)->setChecked(true);
        child<DurationEdit>(rooms, u"enforcedExpire"_s)->setSeconds(600);
        child<QCheckBox>(rooms, u"enforceBurn"_s)->setChecked(true);
        child<QPushButton>(rooms, u"applyPolicy"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(shownValue(u"enforced_expire_seconds"_s).toInteger(), 600, UiWaitMs);
        QCOMPARE(shownValue(u"enforced_burn"_s).toBool(), true);
        QCOMPARE(shownValue(u"effective_expire_seconds"_s).toInteger(), 600);
        QCOMPARE(shownValue(u"effective_burn"_s).toBool(), true);
        QCOMPARE(shownValue(u"expire_seconds"_s).toInteger(), 3600);        // the signed policy is untouched
        QCOMPARE(shownValue(u"burn_on_read"_s).toBool(), false);
        // "10 minute(s)" until a translation is loaded.
        QVERIFY(child<QLabel>(rooms, u"effectivePolicy"_s)->text().contains(u"10 minute"_s));
        QVERIFY(child<QLabel>(rooms, u"enforcedPolicy"_s)->text().contains(u"burn after reading"_s));
        // The list shows the retention in effect.
        auto *list = rooms->findChild<RecordModel *>(u"roomsModel"_s);
        QTRY_VERIFY_WITH_TIMEOUT(list->rowCount() > 0 && list->record(0).value(u"effective_expire_seconds"_s).toInteger() == 600,
                                 UiWaitMs);

        // The server keeps it: a second window shows it, with the editor set to it.
        {
            MainWindow second;
            QVERIFY(login(second));
            auto *again = openPage<RoomsPage>(second, u"roomsPage"_s, &RoomsPage::roomsLoaded);
            QVERIFY(again);
            QVERIFY(again->selectRoom(u"garden"_s));
            QTRY_COMPARE_WITH_TIMEOUT(again->shownRoom().value(u"enforced_expire_seconds"_s).toInteger(), 600, UiWaitMs);
            QVERIFY(child<QCheckBox>(again, u"enforceExpiry"_s)->isChecked());
            QCOMPARE(child<DurationEdit>(again, u"enforcedExpire"_s)->seconds(), 600);
            QVERIFY(child<QCheckBox>(again, u"enforceBurn"_s)->isChecked());
        }

        // Clearing leaves the room's own policy in effect.
        child<QCheckBox>(rooms, u"enforceExpiry"_s)->setChecked(false);
        child<QCheckBox>(rooms, u"enforceBurn"_s)->setChecked(false);
        child<QPushButton>(rooms, u"applyPolicy"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(shownValue(u"enforced_expire_seconds"_s).toInteger(), 0, UiWaitMs);
        QCOMPARE(shownValue(u"enforced_burn"_s).toBool(), false);
        QCOMPARE(shownValue(u"effective_expire_seconds"_s).toInteger(), 3600);
        QCOMPARE(shownValue(u"effective_burn"_s).toBool(), false);
        QVERIFY(child<QLabel>(rooms, u"enforcedPolicy"_s)->text().contains(u"nothing beyond"_s));
    }

    void pushCredentials()
    {
        QTemporaryDir dir;
        // An APNs key as Apple hands it out (PKCS#8 PEM, P-256) and an FCM service account (RSA).
        auto apnsKey = crypto::P256Key::generate();
        QVERIFY(apnsKey);
        auto apnsPem = apnsKey->privatePem();
        QVERIFY(apnsPem);
        const QString p8 = dir.filePath(u"AuthKey_ABC123DEFG.p8"_s);
        {
            QFile f(p8);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(apnsPem->view().toByteArray());
        }
        auto rsa = crypto::RsaKey::generate(2048);
        QVERIFY(rsa);
        auto rsaPem = rsa->privatePem();
        QVERIFY(rsaPem);
        QJsonObject account{{u"type"_s, u"service_account"_s},
                            {u"project_id"_s, u"parley-test"_s},
                            {u"private_key_id"_s, u"0123456789abcdef"_s},
                            {u"private_key"_s, QString::fromUtf8(rsaPem->view().toByteArray())},
                            {u"client_email"_s, u"push@parley-test.iam.gserviceaccount.com"_s},
                            {u"token_uri"_s, u"https://oauth2.googleapis.com/token"_s}};
        const QString json = dir.filePath(u"service-account.json"_s);
        {
            QFile f(json);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(account).toJson());
        }

        MainWindow window;
        QVERIFY(login(window));
        auto *push = openPage<PushPage>(window, u"pushPage"_s, &PushPage::providersLoaded);
        QVERIFY(push);

        // Web Push with a key the server generates; its public key can be copied.
        child<QLineEdit>(push, u"webpushSubject"_s)->setText(u"mailto:ops@example.com"_s);
        QSignalSpy loaded(push, &PushPage::providersLoaded);
        child<QPushButton>(push, u"webpushSave"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(push->provider(u"webpush"_s).value(u"configured"_s).toBool(), true);
        QCOMPARE(push->provider(u"webpush"_s).value(u"source"_s).toString(), u"admin"_s);
        const QString publicKey = child<QLineEdit>(push, u"webpushPublicKey"_s)->text();
        QVERIFY(publicKey.size() > 40);
        child<QPushButton>(push, u"copyPublicKey"_s)->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), publicKey);

        // APNs from a key file picked in the file dialog.
        child<QPushButton>(push, u"apnsChoose"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(push->findChild<QFileDialog *>(), UiWaitMs);
        auto *chooser = push->findChild<QFileDialog *>();
        chooser->selectFile(p8);
        QVERIFY(QMetaObject::invokeMethod(chooser, "accept"));
        QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(push, u"apnsKeyFile"_s)->text(), p8, UiWaitMs);
        child<QLineEdit>(push, u"apnsKeyId"_s)->setText(u"ABC123DEFG"_s);
        child<QLineEdit>(push, u"apnsTeamId"_s)->setText(u"TEAM123456"_s);
        child<QLineEdit>(push, u"apnsTopic"_s)->setText(u"org.example.parley"_s);
        loaded.clear();
        child<QPushButton>(push, u"apnsSave"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCborMap apns = push->provider(u"apns"_s);
        QCOMPARE(apns.value(u"configured"_s).toBool(), true);
        QCOMPARE(apns.value(u"key_id"_s).toString(), u"ABC123DEFG"_s);
        QCOMPARE(apns.value(u"team_id"_s).toString(), u"TEAM123456"_s);
        QVERIFY(child<QLabel>(push, u"apnsStatus"_s)->text().contains(u"ABC123DEFG"_s));

        // FCM from the service account file.
        child<QLineEdit>(push, u"fcmFile"_s)->setText(json);
        loaded.clear();
        child<QPushButton>(push, u"fcmSave"_s)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(push->provider(u"fcm"_s).value(u"configured"_s).toBool(), true);
        QCOMPARE(push->provider(u"fcm"_s).value(u"project_id"_s).toString(), u"parley-test"_s);

        // No key material is shown anywhere on the page.
        for (QLineEdit *edit : push->findChildren<QLineEdit *>())
            QVERIFY2(!edit->text().contains(u"PRIVATE KEY"_s), qPrintable(edit->objectName()));
        for (QLabel *label : push->findChildren<QLabel *>())
            QVERIFY2(!label->text().contains(u"PRIVATE KEY"_s), qPrintable(label->objectName()));

        // A file that is not a key is refused in words.
        child<QLineEdit>(push, u"apnsKeyFile"_s)->setText(json);
        child<QPushButton>(push, u"apnsSave"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().startsWith(u"Error:"_s), UiWaitMs);

        // Removing asks first.
        child<QPushButton>(push, u"apnsClear"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(push->findChild<QMessageBox *>(u"confirmBox"_s), UiWaitMs);
        loaded.clear();
        push->findChild<QMessageBox *>(u"confirmBox"_s)->button(QMessageBox::Yes)->click();
        QVERIFY(loaded.wait(UiWaitMs));
        QCOMPARE(push->provider(u"apns"_s).value(u"configured"_s).toBool(), false);
        QCOMPARE(push->provider(u"fcm"_s).value(u"configured"_s).toBool(), true);
    }

    // An admin listener with require_client_certificate=true and a certificate authority made here.
    void clientCertificate()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto writeFile = [&dir](const QString &name, QByteArrayView data) {
            QFile f(dir.filePath(name));
            if (!f.open(QIODevice::WriteOnly) || f.write(data.data(), data.size()) != data.size())
                return QString();
            return f.fileName();
        };
        auto ca = crypto::generateCertificateAuthority(u"Parley test admin CA"_s, 30);
        QVERIFY2(ca, ca ? "" : qPrintable(ca.error().message));
        auto otherCa = crypto::generateCertificateAuthority(u"Parley test admin CA"_s, 30);   // same name, other key
        QVERIFY(otherCa);
        auto issued = crypto::issueClientCertificate(ca->certificatePem, ca->privateKeyPem.view(), u"operator"_s, 30);
        auto second = crypto::issueClientCertificate(ca->certificatePem, ca->privateKeyPem.view(), u"second"_s, 30);
        auto foreign = crypto::issueClientCertificate(otherCa->certificatePem, otherCa->privateKeyPem.view(), u"intruder"_s, 30);
        QVERIFY(issued && second && foreign);
        const QString caFile = writeFile(u"client-ca.pem"_s, ca->certificatePem);
        const QString certFile = writeFile(u"operator.pem"_s, issued->certificatePem);
        const QString keyFile = writeFile(u"operator.key"_s, issued->privateKeyPem.view());
        const QString otherKeyFile = writeFile(u"second.key"_s, second->privateKeyPem.view());
        const QString foreignCertFile = writeFile(u"intruder.pem"_s, foreign->certificatePem);
        const QString foreignKeyFile = writeFile(u"intruder.key"_s, foreign->privateKeyPem.view());
        const QByteArray passphrase = "passphrase of the operator key";
        const QString encryptedKeyFile = writeFile(
            u"operator-encrypted.key"_s,
            QSslKey(issued->privateKeyPem.view().toByteArray(), QSsl::Ec, QSsl::Pem).toPem(passphrase));
        for (const QString &file : {caFile, certFile, keyFile, otherKeyFile, foreignCertFile, foreignKeyFile, encryptedKeyFile})
            QVERIFY(!file.isEmpty());
        QVERIFY(e2e::Daemon::readFile(encryptedKeyFile).contains("ENCRYPTED"));

        e2e::Daemon daemon(u"[admin]\nlisten=127.0.0.1:0\nrequire_client_certificate=true\nclient_ca=%1\n\n"_s.arg(caFile));
        QVERIFY(daemon.start());
        QTRY_VERIFY_WITH_TIMEOUT(e2e::Daemon::readFile(daemon.stdoutFile()).contains("admin wss://"), UiWaitMs);
        const auto match = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s)
                               .match(QString::fromUtf8(e2e::Daemon::readFile(daemon.stdoutFile())));
        QVERIFY(match.hasMatch());
        const QString server = match.captured(1);
        const QString password = QString::fromUtf8(e2e::Daemon::readFile(daemon.dataDir() + u"/initial-admin-password"_s)).trimmed();
        QVERIFY(!password.isEmpty());
        // Certificate trust of the server is tested elsewhere; here it is pinned from the start.
        CertificatePins::pin(server, daemon.fingerprint());

        MainWindow window;
        window.start();
        ConnectDialog *dialog = window.connectDialog();
        auto *status = child<QLabel>(dialog, u"status"_s);
        auto *box = child<QGroupBox>(dialog, u"clientCertBox"_s);
        auto *certEdit = child<QLineEdit>(dialog, u"clientCertFile"_s);
        auto *keyEdit = child<QLineEdit>(dialog, u"clientKeyFile"_s);
        auto *passphraseEdit = child<QLineEdit>(dialog, u"clientKeyPassphrase"_s);
        auto *connectButton = child<QPushButton>(dialog, u"connectButton"_s);
        QVERIFY(box->isCheckable());
        QVERIFY(!box->isChecked());
        QVERIFY(!certEdit->accessibleName().isEmpty() && !keyEdit->accessibleName().isEmpty()
                && !passphraseEdit->accessibleName().isEmpty());
        child<QComboBox>(dialog, u"server"_s)->setEditText(server);
        child<QLineEdit>(dialog, u"adminName"_s)->setText(u"admin"_s);
        child<QLineEdit>(dialog, u"password"_s)->setText(password);

        // Without a certificate the server refuses the handshake, and the dialog says why.
        connectButton->click();
        QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(u"requires a client certificate"_s), qPrintable(status->text()), UiWaitMs);
        QVERIFY(connectButton->isEnabled());
        QVERIFY(!window.isVisible());

        // A key that does not belong to the certificate is refused before anything goes to the server.
        box->setChecked(true);
        child<QPushButton>(dialog, u"clientCertChoose"_s)->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QFileDialog *>(), UiWaitMs);
        auto *chooser = dialog->findChild<QFileDialog *>();
        chooser->selectFile(certFile);
        QVERIFY(QMetaObject::invokeMethod(chooser, "accept"));
        QTRY_COMPARE_WITH_TIMEOUT(certEdit->text(), certFile, UiWaitMs);
        keyEdit->setText(otherKeyFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"does not belong to the certificate"_s), qPrintable(status->text()));
        QCOMPARE(window.client()->state(), AdminClient::State::Disconnected);
        QVERIFY(connectButton->isEnabled());

        // Files that are not what they should be are explained in words, before connecting too.
        certEdit->setText(dir.filePath(u"missing.pem"_s));
        keyEdit->setText(keyFile);
        connectButton->click();
        QVERIFY2(status->text().startsWith(u"Cannot read missing.pem"_s), qPrintable(status->text()));
        certEdit->setText(keyFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"does not contain a certificate"_s), qPrintable(status->text()));
        certEdit->setText(certFile);
        keyEdit->setText(certFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"does not contain a private key"_s), qPrintable(status->text()));
        // An encrypted key needs its passphrase, and the right one.
        keyEdit->setText(encryptedKeyFile);
        connectButton->click();
        QVERIFY2(status->text().contains(u"enter its passphrase"_s), qPrintable(status->text()));
        passphraseEdit->setText(u"not the passphrase"_s);
        connectButton->click();
        QVERIFY2(status->text().contains(u"passphrase of the private key"_s) && status->text().contains(u"wrong"_s),
                 qPrintable(status->text()));
        QCOMPARE(window.client()->state(), AdminClient::State::Disconnected);

        // A certificate from another authority gets through the checks here but not through the server's.
        certEdit->setText(foreignCertFile);
        keyEdit->setText(foreignKeyFile);
        passphraseEdit->clear();
        connectButton->click();
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(u"refused the client certificate"_s), UiWaitMs);
        QVERIFY(!window.isVisible());

        // The issued certificate with its (encrypted) key connects: the one-time password leads to the password change.
        certEdit->setText(certFile);
        keyEdit->setText(encryptedKeyFile);
        passphraseEdit->setText(QString::fromUtf8(passphrase));
        connectButton->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.passwordDialog() && window.passwordDialog()->isVisible(), UiWaitMs);
        QVERIFY(window.client()->hasClientCertificate());
        QCOMPARE(window.client()->state(), AdminClient::State::Connected);

        // The two paths are remembered for this server; neither the key nor the passphrase is stored.
        QSettings().sync();
        QDirIterator files(m_settings.path(), QDir::Files, QDirIterator::Subdirectories);
        bool pathsStored = false;
        while (files.hasNext()) {
            const QByteArray content = e2e::Daemon::readFile(files.next());
            QVERIFY(!content.contains("PRIVATE KEY") && !content.contains(passphrase));
            pathsStored = pathsStored || (content.contains(certFile.toUtf8()) && content.contains(encryptedKeyFile.toUtf8()));
        }
        QVERIFY(pathsStored);
        {
            MainWindow next;
            next.start();
            ConnectDialog *nextDialog = next.connectDialog();
            QCOMPARE(child<QComboBox>(nextDialog, u"server"_s)->currentText(), server);
            QVERIFY(child<QGroupBox>(nextDialog, u"clientCertBox"_s)->isChecked());
            QCOMPARE(child<QLineEdit>(nextDialog, u"clientCertFile"_s)->text(), certFile);
            QCOMPARE(child<QLineEdit>(nextDialog, u"clientKeyFile"_s)->text(), encryptedKeyFile);
            QVERIFY(child<QLineEdit>(nextDialog, u"clientKeyPassphrase"_s)->text().isEmpty());
            // Another server has no client certificate: the remembered one is not offered to it.
            child<QComboBox>(nextDialog, u"server"_s)->setEditText(m_adminServer);
            QVERIFY(!child<QGroupBox>(nextDialog, u"clientCertBox"_s)->isChecked());
            QVERIFY(child<QLineEdit>(nextDialog, u"clientCertFile"_s)->text().isEmpty());
        }
        // The other tests expect their own server at the top of the recent list.
        QSettings settings;
        QStringList recent = settings.value(u"recentServers"_s).toStringList();
        recent.removeAll(server);
        settings.setValue(u"recentServers"_s, recent);
        CertificatePins::forget(server);
    }

    // Last: replaces the server's certificate.
    void pinningRefusesChangedCertificate()
    {
        auto generated = crypto::generateSelfSignedCertificate(u"parley test"_s, {u"localhost"_s}, {QHostAddress::LocalHost}, 30);
        QVERIFY(generated);
        QTemporaryDir dir;
        const QString certPath = dir.filePath(u"cert.pem"_s);
        const QString keyPath = dir.filePath(u"key.pem"_s);
        QFile cert(certPath);
        QVERIFY(cert.open(QIODevice::WriteOnly));
        cert.write(generated->certificatePem);
        cert.close();
        QFile key(keyPath);
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write(generated->privateKeyPem.view().toByteArray());
        key.close();
        const QString newFingerprint = QString::fromLatin1(
            QSslCertificate(generated->certificatePem).digest(QCryptographicHash::Sha256).toHex());
        QVERIFY(newFingerprint != m_daemon->fingerprint());

        {
            MainWindow window;
            QVERIFY(login(window));
            auto *certs = qobject_cast<CertificatesPage *>(window.page(u"certificatesPage"_s));
            QVERIFY(certs);
            window.showPage(certs);
            child<QLineEdit>(certs, u"certFile"_s)->setText(certPath);
            child<QLineEdit>(certs, u"keyFile"_s)->setText(keyPath);
            child<QPushButton>(certs, u"installButton"_s)->click();
            QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(newFingerprint), UiWaitMs);
        }

        MainWindow window;
        window.start();
        submitLogin(window, m_password);
        ConnectDialog *dialog = window.connectDialog();
        auto *changedBox = child<QGroupBox>(dialog, u"changedBox"_s);
        QTRY_VERIFY_WITH_TIMEOUT(changedBox->isVisible(), UiWaitMs);
        QVERIFY(!child<QGroupBox>(dialog, u"trustBox"_s)->isVisible());
        const QString warning = child<QLabel>(dialog, u"changedText"_s)->text();
        QVERIFY(warning.contains(AdminClient::formatFingerprint(m_daemon->fingerprint())));
        QVERIFY(warning.contains(AdminClient::formatFingerprint(newFingerprint)));
        QVERIFY(!window.isVisible());
        QCOMPARE(window.client()->state(), AdminClient::State::Disconnected);
        // The pin is unchanged until the administrator explicitly re-trusts.
        QCOMPARE(CertificatePins::pinned(m_adminServer), m_daemon->fingerprint());
        auto *retrust = child<QPushButton>(dialog, u"retrustButton"_s);
        QVERIFY(!retrust->isEnabled());
        child<QCheckBox>(dialog, u"changedConfirm"_s)->setChecked(true);
        QVERIFY(retrust->isEnabled());
        QSignalSpy ready(&window, &MainWindow::ready);
        retrust->click();
        QVERIFY(ready.wait(UiWaitMs));
        QCOMPARE(CertificatePins::pinned(m_adminServer), newFingerprint);
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
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"ParleyTest"_s);
    QApplication::setApplicationName(u"tst_adminapp"_s);
    TestAdminApp test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_adminapp.moc"
