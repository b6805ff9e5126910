// gui-screenshots: drives parley-admin against a running parleyd with sample data and saves a PNG of every page.
// Run by tests/gui-screenshots.sh under Xvfb; not a ctest test.
//   gui-screenshots ADMIN_HOST:PORT INITIAL_PASSWORD_FILE OUTPUT_DIR

#include "adminclient.h"
#include "connectdialog.h"
#include "dashboardpage.h"
#include "enrollmentdialog.h"
#include "mainwindow.h"
#include "passwordchangedialog.h"
#include "translations.h"
#include "userspage.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;
using namespace parley::admin;

namespace {

constexpr int SettleMs = 1500;
constexpr int WaitMs = 20000;

bool waitFor(const std::function<bool()> &condition)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > WaitMs)
            return false;
        QTest::qWait(50);
    }
    return true;
}

bool save(QWidget *widget, const QString &dir, const QString &name)
{
    QTest::qWait(SettleMs);
    const QString path = QDir(dir).filePath(name + u".png"_s);
    if (!widget->grab().save(path)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return false;
    }
    std::printf("%s\n", qPrintable(path));
    return true;
}

int fail(const char *what)
{
    std::fprintf(stderr, "gui-screenshots: %s\n", what);
    return 1;
}

// Issues one admin call and waits for its reply.
bool call(AdminClient *client, const QString &name, const QCborMap &args)
{
    bool done = false;
    bool ok = false;
    client->call(name, args, client, [&](const AdminClient::Reply &reply) {
        done = true;
        ok = reply.ok;
        if (!ok)
            std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(reply.text()));
    });
    return waitFor([&] { return done; }) && ok;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"ParleyScreenshots"_s);
    QApplication::setApplicationName(u"gui-screenshots"_s);
    installTranslations(QLocale::system());
    const QStringList args = app.arguments();
    if (args.size() != 4)
        return fail("usage: gui-screenshots ADMIN_HOST:PORT INITIAL_PASSWORD_FILE OUTPUT_DIR");
    const QString server = args.at(1);
    const QString out = args.at(3);
    QFile passwordFile(args.at(2));
    if (!passwordFile.open(QIODevice::ReadOnly))
        return fail("cannot read the initial password file");
    const QString initial = QString::fromUtf8(passwordFile.readAll()).trimmed();
    QTemporaryDir settings;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());
    QSettings().setValue(u"recentServers"_s, QStringList{server});
    if (!QDir().mkpath(out))
        return fail("cannot create the output directory");

    MainWindow window;
    window.resize(1100, 720);
    window.start();
    ConnectDialog *connect = window.connectDialog();
    connect->findChild<QComboBox *>(u"server"_s)->setEditText(server);
    connect->findChild<QLineEdit *>(u"adminName"_s)->setText(u"admin"_s);
    connect->findChild<QLineEdit *>(u"password"_s)->setText(initial);
    connect->findChild<QPushButton *>(u"connectButton"_s)->click();
    auto *trust = connect->findChild<QWidget *>(u"trustBox"_s);
    if (!waitFor([&] { return trust->isVisible(); }))
        return fail("no certificate confirmation");
    save(connect, out, u"01-connect-fingerprint"_s);
    connect->findChild<QPushButton *>(u"trustButton"_s)->click();
    if (!waitFor([&] { return window.passwordDialog() && window.passwordDialog()->isVisible(); }))
        return fail("no forced password change");
    PasswordChangeDialog *change = window.passwordDialog();
    const QString password = u"Screenshot-Passw0rd!"_s;
    change->findChild<QLineEdit *>(u"newPassword"_s)->setText(password);
    change->findChild<QLineEdit *>(u"confirmPassword"_s)->setText(password);
    save(change, out, u"02-forced-password-change"_s);
    bool ready = false;
    QObject::connect(&window, &MainWindow::ready, &app, [&] { ready = true; });
    change->findChild<QPushButton *>(u"changeButton"_s)->click();
    if (!waitFor([&] { return ready; }))
        return fail("login did not complete");

    // Sample data.
    AdminClient *client = window.client();
    for (const QString &name : {u"alice"_s, u"bob"_s, u"carol"_s, u"dave"_s}) {
        QCborMap a;
        a.insert(u"name"_s, name);
        if (!call(client, u"user.create"_s, a))
            return fail("cannot create sample users");
    }
    QCborMap levelArgs;
    levelArgs.insert(u"category"_s, u"parley.relay"_s);
    levelArgs.insert(u"level"_s, u"debug"_s);
    QCborMap adminArgs;
    adminArgs.insert(u"name"_s, u"operator"_s);
    adminArgs.insert(u"password"_s, u"first-login-only-42"_s);
    if (!call(client, u"log.set_level"_s, levelArgs)
        || !call(client, u"admin.create"_s, adminArgs))
        return fail("cannot create sample settings");

    int index = 3;
    for (Page *page : window.pages()) {
        window.showPage(page);
        const QString name = u"%1-%2"_s.arg(index++, 2, 10, QLatin1Char('0')).arg(page->objectName().remove(u"Page"_s));
        if (!save(&window, out, name))
            return 1;
        if (auto *users = qobject_cast<UsersPage *>(page)) {
            auto *newName = users->findChild<QLineEdit *>(u"newUserName"_s);
            newName->setText(u"erin"_s);
            users->findChild<QPushButton *>(u"createUserButton"_s)->click();
            if (!waitFor([&] { return users->findChild<EnrollmentDialog *>() != nullptr; }))
                return fail("no enrollment dialog");
            EnrollmentDialog *enrollment = users->findChild<EnrollmentDialog *>();
            if (!save(enrollment, out, u"%1-users-enrollment"_s.arg(index++, 2, 10, QLatin1Char('0'))))
                return 1;
            enrollment->close();
        }
    }
    return 0;
}
