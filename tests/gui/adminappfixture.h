#pragma once

// The fixture of parley-admin's widget tests (QT_QPA_PLATFORM=offscreen): a private D-Bus session bus with
// gnome-keyring for the keychain, a real parleyd over TLS, the app's settings in a temporary directory, and helpers
// that fill in dialogs and open pages.

#include "../e2e/harness.h"

#include "adminclient.h"
#include "botdialog.h"
#include "botspage.h"
#include "callspage.h"
#include "certificatespage.h"
#include "connectdialog.h"
#include "directoryform.h"
#include "directorypage.h"
#include "durationedit.h"
#include "enrollmentdialog.h"
#include "fielderrors.h"
#include "filespage.h"
#include "loggingpage.h"
#include "mainwindow.h"
#include "passwordchangedialog.h"
#include "pushpage.h"
#include "recordmodel.h"
#include "roomspage.h"
#include "sizeedit.h"
#include "ssopage.h"
#include "syncreportview.h"
#include "translations.h"
#include "userspage.h"

#include "crypto/crypto.h"
#include "crypto/p256key.h"
#include "crypto/rsakey.h"
#include "protocol/adminprotocol.h"
#include "sdk/rooms.h"

#include <qt6keychain/keychain.h>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
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
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSslKey>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>

namespace parley::admin::test {

using namespace Qt::StringLiterals;

inline constexpr int UiWaitMs = 20000;
inline const QString NewPassword = u"Tr0ub4dor & horse battery"_s;
inline const QByteArray KeyringPassword = QByteArrayLiteral("keyring of the test session");

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
inline std::pair<QKeychain::Error, QString> readKeychain(const QString &key)
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

class AdminAppTest : public QObject {
protected:
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
        if (ready.isEmpty() && !ready.wait(UiWaitMs)) {
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

    // The result of one admin call through the window's connection; none when the server did not do it.
    static std::optional<QCborMap> adminCallResult(MainWindow &window, const QString &name, const QCborMap &args = {})
    {
        std::optional<AdminClient::Reply> reply;
        window.client()->call(name, args, &window, [&reply](const AdminClient::Reply &r) { reply = r; });
        QElapsedTimer timer;
        timer.start();
        while (!reply && timer.elapsed() < UiWaitMs)
            QTest::qWait(10);
        if (reply && !reply->ok)
            qWarning() << name << reply->text();
        if (!reply || !reply->ok)
            return std::nullopt;
        return reply->result;
    }

    static bool adminCall(MainWindow &window, const QString &name, const QCborMap &args)
    {
        return adminCallResult(window, name, args).has_value();
    }

    // The first login (checked in tst_adminlogin): the server's certificate trusted, the one-time password replaced
    // by NewPassword, which later logins use.
    void changeInitialPassword()
    {
        CertificatePins::pin(m_adminServer, m_daemon->fingerprint());
        MainWindow window;
        QSignalSpy ready(&window, &MainWindow::ready);
        window.start();
        submitLogin(window, m_password);
        QTRY_VERIFY_WITH_TIMEOUT(window.passwordDialog() && window.passwordDialog()->isVisible(), UiWaitMs);
        PasswordChangeDialog *change = window.passwordDialog();
        child<QLineEdit>(change, u"newPassword"_s)->setText(NewPassword);
        child<QLineEdit>(change, u"confirmPassword"_s)->setText(NewPassword);
        child<QPushButton>(change, u"changeButton"_s)->click();
        QVERIFY(ready.wait(UiWaitMs));
        m_password = NewPassword;
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
        if (spy.isEmpty() && !spy.wait(UiWaitMs))
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

    // First, before anything uses the session bus: the keychain for "remember the password". Then the server, with
    // `extraConfig` appended to its configuration (e2e::Daemon).
    void startDaemon(const QString &extraConfig = {})
    {
        const QString keyring = m_keyring.start();
        QVERIFY2(keyring.isEmpty(), qPrintable(keyring));
        QVERIFY(m_settings.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
        m_daemon = std::make_unique<e2e::Daemon>(extraConfig);
        QVERIFY(m_daemon->start());
        QTRY_VERIFY_WITH_TIMEOUT(e2e::Daemon::readFile(m_daemon->stdoutFile()).contains("admin wss://"), UiWaitMs);
        const auto match = QRegularExpression(u"admin wss://(127\\.0\\.0\\.1:\\d+)/"_s)
                               .match(QString::fromUtf8(e2e::Daemon::readFile(m_daemon->stdoutFile())));
        QVERIFY(match.hasMatch());
        m_adminServer = match.captured(1);
        m_password = QString::fromUtf8(e2e::Daemon::readFile(m_daemon->dataDir() + u"/initial-admin-password"_s)).trimmed();
        QVERIFY(!m_password.isEmpty());
    }

    // The initTestCase() of the page tests: the keyring and the server started, then the first login done, so that
    // each test logs in with NewPassword.
    void startDaemonPastFirstLogin()
    {
        startDaemon();
        if (QTest::currentTestFailed())
            return;
        changeInitialPassword();
    }
};

// The test's main(): a QApplication, then the test object.
template<typename Test>
int adminAppMain(int argc, char **argv, const QString &name)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"ParleyTest"_s);
    QApplication::setApplicationName(name);
    Test test;
    return QTest::qExec(&test, argc, argv);
}

} // namespace parley::admin::test
