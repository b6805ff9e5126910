// gui-screenshots: drives parley-admin against a running parleyd with sample data and saves a PNG of every page.
// Run by tests/gui-screenshots.sh under Xvfb; not a ctest test.
//   gui-screenshots ADMIN_HOST:PORT INITIAL_PASSWORD_FILE OUTPUT_DIR DEVICE_URL FINGERPRINT
// The sample rooms are made by real devices through the SDK (DEVICE_URL and FINGERPRINT of the device listener).

#include "adminclient.h"
#include "connectdialog.h"
#include "dashboardpage.h"
#include "enrollmentdialog.h"
#include "mainwindow.h"
#include "passwordchangedialog.h"
#include "roomspage.h"
#include "translations.h"
#include "userspage.h"

#include "protocol/adminprotocol.h"
#include "sdk/client.h"
#include "sdk/profile.h"
#include "sdk/rooms.h"

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
#include <optional>
#include <vector>

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

const QByteArray SamplePassphrase = QByteArrayLiteral("sample device passphrase");
constexpr parley::crypto::ScryptParams SampleKdf{1u << 10, 8, 1};

// One enrolled sample device; kept alive while the screenshots are taken.
struct SampleDevice {
    QTemporaryDir dir;
    std::unique_ptr<parley::sdk::Profile> profile;
    std::unique_ptr<parley::sdk::Client> client;
};

std::unique_ptr<SampleDevice> enrollDevice(AdminClient *admin, const QUrl &url, const QString &fingerprint, const QString &user)
{
    QString code;
    bool done = false;
    QCborMap args;
    args.insert(u"name"_s, user);
    admin->call(u"user.create"_s, args, admin, [&](const AdminClient::Reply &reply) {
        done = true;
        code = reply.result.value(u"code"_s).toString();
    });
    if (!waitFor([&] { return done; }) || code.isEmpty())
        return nullptr;
    auto device = std::make_unique<SampleDevice>();
    auto created = parley::sdk::Profile::create(device->dir.path(), SamplePassphrase, SampleKdf);
    if (!created)
        return nullptr;
    device->profile = std::move(created.value());
    parley::sdk::ProfileSettings settings = device->profile->settings();
    settings.server = url;
    settings.fingerprint = fingerprint;
    settings.deviceName = u"laptop"_s;
    if (!device->profile->setSettings(settings))
        return nullptr;
    device->client = std::make_unique<parley::sdk::Client>(*device->profile);
    bool ready = false;
    QObject::connect(device->client.get(), &parley::sdk::Client::prekeysReady, device->client.get(), [&ready] { ready = true; });
    device->client->enroll(user, code, u"laptop"_s, SamplePassphrase, SampleKdf);
    if (!waitFor([&] { return ready; }))
        return nullptr;
    return device;
}

bool makeRoom(SampleDevice &owner, const QString &room, const QString &title, const QString &description,
              std::optional<quint64> expire, bool burn, const QStringList &members)
{
    parley::sdk::Rooms rooms(*owner.client);
    std::optional<bool> ok;
    rooms.create(room, title, description, expire, burn, &rooms,
                 [&ok](parley::Result<parley::protocol::RoomState> r) { ok = bool(r); });
    if (!waitFor([&] { return ok.has_value(); }) || !*ok)
        return false;
    for (const QString &member : members) {
        ok.reset();
        rooms.change(room, parley::protocol::RoomOp::Add, member, &rooms,
                     [&ok](parley::Result<parley::protocol::RoomState> r) { ok = bool(r); });
        if (!waitFor([&] { return ok.has_value(); }) || !*ok)
            return false;
    }
    if (members.size() > 1) {
        ok.reset();
        rooms.change(room, parley::protocol::RoomOp::Promote, members.first(), &rooms,
                     [&ok](parley::Result<parley::protocol::RoomState> r) { ok = bool(r); });
        if (!waitFor([&] { return ok.has_value(); }) || !*ok)
            return false;
    }
    return true;
}

// Starts an upload of `size` bytes from `device` (blob_start); the upload counts in full from there on.
bool startUpload(SampleDevice &device, qint64 size)
{
    std::optional<bool> started;
    quint64 id = 0;
    QObject context;
    QObject::connect(device.client.get(), &parley::sdk::Client::frameReceived, &context,
                     [&](const parley::protocol::Frame &frame) {
                         if (id != 0 && frame.id == id)
                             started = frame.type == u"blob_started"_s;
                     });
    id = device.client->sendFrame(parley::protocol::Frame(u"blob_start"_s).set("size"_L1, size));
    return waitFor([&] { return started.has_value(); }) && *started;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"ParleyScreenshots"_s);
    QApplication::setApplicationName(u"gui-screenshots"_s);
    installTranslations(QLocale::system());
    const QStringList args = app.arguments();
    if (args.size() != 6)
        return fail("usage: gui-screenshots ADMIN_HOST:PORT INITIAL_PASSWORD_FILE OUTPUT_DIR DEVICE_URL FINGERPRINT");
    const QUrl deviceUrl(args.at(4));
    const QString fingerprint = args.at(5);
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

    // Sample data: enrolled users with rooms made by their devices, and users still waiting for enrollment.
    AdminClient *client = window.client();
    std::vector<std::unique_ptr<SampleDevice>> devices;
    for (const QString &name : {u"alice"_s, u"bob"_s, u"carol"_s}) {
        devices.push_back(enrollDevice(client, deviceUrl, fingerprint, name));
        if (!devices.back())
            return fail("cannot enroll sample devices");
    }
    for (const QString &name : {u"dave"_s, u"frank"_s}) {
        QCborMap a;
        a.insert(u"name"_s, name);
        if (!call(client, u"user.create"_s, a))
            return fail("cannot create sample users");
    }
    if (!makeRoom(*devices[0], u"design-team"_s, u"Design team"_s, u"Sketches and reviews"_s, 7 * 86400, false,
                  {u"bob"_s, u"carol"_s})
        || !makeRoom(*devices[1], u"incident-response"_s, u"Incident response"_s, u"On-call coordination"_s, 86400, true,
                     {u"alice"_s})
        || !makeRoom(*devices[2], u"lunch"_s, u"Lunch"_s, QString(), std::nullopt, false, {u"alice"_s, u"bob"_s}))
        return fail("cannot create sample rooms");
    // Calls a newer parleyd has: shown with sample values when this one has them.
    if (parley::protocol::admin::findCall(u"rooms.policy")) {
        QCborMap policy;
        policy.insert(u"room"_s, u"design-team"_s);
        policy.insert(u"expire_seconds"_s, 2 * 86400);
        if (!call(client, u"rooms.policy"_s, policy))
            return fail("cannot set a sample room policy");
    }
    if (parley::protocol::admin::findCall(u"push.set_webpush")) {
        QCborMap webpush;
        webpush.insert(u"subject"_s, u"mailto:ops@example.com"_s);
        if (!call(client, u"push.set_webpush"_s, webpush))
            return fail("cannot set up sample push credentials");
    }
    if (parley::protocol::admin::findCall(u"turn.set")) {
        QCborMap turn;
        turn.insert(u"uris"_s, QCborArray{u"turn:turn.example.com:3478?transport=udp"_s, u"turns:turn.example.com:5349"_s});
        turn.insert(u"ttl"_s, 3600);
        turn.insert(u"secret"_s, u"sample-shared-secret-for-screenshots"_s);
        if (!call(client, u"turn.set"_s, turn))
            return fail("cannot set up sample TURN settings");
    }
    if (parley::protocol::admin::findCall(u"files.usage")) {
        // Attachments of three users and of one who was deleted since.
        constexpr qint64 MiB = qint64(1) << 20;
        auto gus = enrollDevice(client, deviceUrl, fingerprint, u"gus"_s);
        if (!gus || !startUpload(*devices[0], 48 * MiB) || !startUpload(*devices[0], 3 * MiB + 300 * 1024)
            || !startUpload(*devices[1], 12 * MiB + MiB / 2) || !startUpload(*devices[2], 700 * 1024)
            || !startUpload(*gus, 5 * MiB))
            return fail("cannot upload sample attachments");
        gus->client->disconnectFromServer();
        gus.reset();
        QCborMap deleted;
        deleted.insert(u"name"_s, u"gus"_s);
        if (!call(client, u"user.delete"_s, deleted))
            return fail("cannot delete the sample user");
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
        if (auto *rooms = qobject_cast<RoomsPage *>(page)) {
            bool shown = false;
            QObject::connect(rooms, &RoomsPage::roomShown, &app, [&shown] { shown = true; });
            if (!waitFor([&] { return rooms->selectRoom(u"design-team"_s); }) || !waitFor([&] { return shown; }))
                return fail("the sample room does not show");
            if (!save(&window, out, u"%1-rooms-detail"_s.arg(index++, 2, 10, QLatin1Char('0'))))
                return 1;
        }
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
