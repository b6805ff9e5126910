// gui-screenshots: drives parley-admin against a running parleyd with sample data and saves a PNG of every page.
// Run by tests/gui-screenshots.sh under Xvfb; not a ctest test.
//   gui-screenshots ADMIN_HOST:PORT INITIAL_PASSWORD_FILE OUTPUT_DIR DEVICE_URL FINGERPRINT
// The sample rooms are made by real devices through the SDK (DEVICE_URL and FINGERPRINT of the device listener); the
// sample directory is a real slapd (tests/directory/ldapfixture.h) with an organisation's people and groups.

#include "../directory/ldapfixture.h"

#include "adminclient.h"
#include "botdialog.h"
#include "botspage.h"
#include "connectdialog.h"
#include "dashboardpage.h"
#include "historychart.h"
#include "directorypage.h"
#include "enrollmentdialog.h"
#include "mainwindow.h"
#include "passwordchangedialog.h"
#include "roomspage.h"
#include "translations.h"
#include "userspage.h"

#include "crypto/crypto.h"
#include "protocol/adminprotocol.h"
#include "sdk/client.h"
#include "sdk/profile.h"
#include "sdk/rooms.h"

#include <QApplication>
#include <QCborArray>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdio>
#include <functional>
#include <numbers>
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

// Issues one admin call and waits for its reply: the result, or none after printing the error.
std::optional<QCborMap> callResult(AdminClient *client, const QString &name, const QCborMap &args)
{
    std::optional<AdminClient::Reply> reply;
    client->call(name, args, client, [&](const AdminClient::Reply &r) { reply = r; });
    if (!waitFor([&] { return reply.has_value(); }))
        return std::nullopt;
    if (!reply->ok) {
        std::fprintf(stderr, "%s: %s\n", qPrintable(name), qPrintable(reply->text()));
        return std::nullopt;
    }
    return reply->result;
}

bool call(AdminClient *client, const QString &name, const QCborMap &args)
{
    return callResult(client, name, args).has_value();
}

const QByteArray SamplePassphrase = QByteArrayLiteral("sample device passphrase");
constexpr parley::crypto::ScryptParams SampleKdf{1u << 10, 8, 1};

// One enrolled sample device; kept alive while the screenshots are taken.
struct SampleDevice {
    QTemporaryDir dir;
    std::unique_ptr<parley::sdk::Profile> profile;
    std::unique_ptr<parley::sdk::Client> client;
};

std::unique_ptr<SampleDevice> enrollWithCode(const QUrl &url, const QString &fingerprint, const QString &user, const QString &code)
{
    if (code.isEmpty())
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

std::unique_ptr<SampleDevice> enrollDevice(AdminClient *admin, const QUrl &url, const QString &fingerprint, const QString &user)
{
    const auto created = callResult(admin, u"user.create"_s, {{u"name"_s, user}});
    return created ? enrollWithCode(url, fingerprint, user, created->value(u"code"_s).toString()) : nullptr;
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

const QString SyncDn = u"cn=parley-sync,ou=services,dc=example,dc=org"_s;
const QString SyncPassword = u"sample directory bind passphrase"_s;

// The sample organisation's directory: people with display names, one disabled, one whose name is no Parley user
// name, and two groups mapped to rooms (and a third mapping to a group it does not have).
QString directoryLdif()
{
    using parley::e2e::Slapd;
    QString ldif = u"dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\no: Example Corp\ndc: example\n\n"
                   "dn: ou=people,dc=example,dc=org\nobjectClass: organizationalUnit\nou: people\n\n"
                   "dn: ou=groups,dc=example,dc=org\nobjectClass: organizationalUnit\nou: groups\n\n"
                   "dn: ou=services,dc=example,dc=org\nobjectClass: organizationalUnit\nou: services\n\n"_s;
    ldif += u"dn: %1\nobjectClass: person\ncn: parley-sync\nsn: sync\nuserPassword: %2\n\n"_s.arg(SyncDn, SyncPassword);
    const std::pair<QString, QString> people[] = {
        {u"alice"_s, u"Alice Anders"_s},     {u"bob"_s, u"Bob Brennan"_s},      {u"carol"_s, u"Carol Chu"_s},
        {u"dave"_s, u"Dave Dunn"_s},         {u"grace"_s, u"Grace Gärtner"_s},  {u"heidi"_s, u"Heidi Holm"_s},
        {u"lena.lang"_s, u"Lena Lang"_s},    {u"jörg"_s, u"Jörg Weiß"_s}};
    for (const auto &[uid, name] : people)
        ldif += Slapd::userLdif(uid, name);
    ldif += Slapd::userLdif(u"ivan"_s, u"Ivan Ilić"_s, true);
    ldif += u"dn: cn=Design,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: Design\nmember: %1\nmember: %2\nmember: %3\n\n"_s
                .arg(Slapd::userDn(u"alice"_s), Slapd::userDn(u"bob"_s), Slapd::userDn(u"grace"_s));
    ldif += u"dn: cn=Incident Response,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: Incident Response\n"
            "member: %1\nmember: %2\nmember: %3\n\n"_s
                .arg(Slapd::userDn(u"bob"_s), Slapd::userDn(u"carol"_s), Slapd::userDn(u"heidi"_s));
    return ldif;
}

// The directory set up and synced once; then the directory changes (bob disabled, carol gone, kim new), so that a dry
// run on the page has something to show.
bool sampleDirectory(parley::e2e::Slapd &ldap, AdminClient *client)
{
    using parley::e2e::Slapd;
    if (!ldap.start() || !ldap.add(directoryLdif()))
        return false;
    QFile ca(ldap.caFile());
    if (!ca.open(QIODevice::ReadOnly))
        return false;
    QCborMap args{{u"url"_s, u"ldaps://127.0.0.1:%1"_s.arg(ldap.ldapsPort())},
                  {u"ca_certificate"_s, QString::fromUtf8(ca.readAll())},
                  {u"bind_dn"_s, SyncDn},
                  {u"password"_s, SyncPassword},
                  {u"base_dn"_s, Slapd::Base},
                  {u"user_filter"_s, u"(objectClass=inetOrgPerson)"_s},
                  {u"disabled_attribute"_s, u"employeeType"_s},
                  {u"disabled_value"_s, u"disabled"_s},
                  {u"group_filter"_s, u"(objectClass=groupOfNames)"_s},
                  {u"rooms"_s, QCborArray{u"Design=design-team"_s, u"Incident Response=incident-response"_s, u"Sales=sales"_s}},
                  {u"interval_seconds"_s, 900},
                  {u"grace_seconds"_s, 14 * 86400}};
    if (!call(client, u"directory.set"_s, args) || !call(client, u"directory.sync"_s, {}))
        return false;
    return ldap.modify(Slapd::setDisabledLdif(u"bob"_s, true)) && ldap.remove(Slapd::userDn(u"carol"_s))
           && ldap.add(Slapd::userLdif(u"kim"_s, u"Kim Kowalski"_s));
}

// Bots as an organisation has them: an alert bot and a deploy bot whose devices run, a help desk bot waiting for its
// device, and a revoked one.
bool sampleBots(AdminClient *client, const QUrl &url, const QString &fingerprint, std::vector<std::unique_ptr<SampleDevice>> &devices)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    constexpr qint64 Day = 86400 * 1000;
    struct Bot {
        QString name;
        QCborArray scope;
        QString description;
        qint64 days;
        int rate;
        int burst;
        bool enroll;
    };
    const Bot bots[] = {
        {u"alerts.bot"_s, {u"room:incident-response"_s}, u"Alerts from Prometheus"_s, 365, 2, 30, true},
        {u"deploy.bot"_s, {u"room:design-team"_s, u"user:alice"_s}, u"Release notices from CI"_s, 90, 1, 10, true},
        {u"helpdesk.bot"_s, {u"any"_s}, u"IT help desk"_s, 180, 5, 50, false},
        {u"legacy-ci.bot"_s, {u"room:lunch"_s}, u"Old build notices"_s, 30, 1, 20, false},
    };
    for (const Bot &bot : bots) {
        const auto created = callResult(client, u"bots.create"_s,
                                        {{u"name"_s, bot.name}, {u"scope"_s, bot.scope}, {u"description"_s, bot.description},
                                         {u"expires_at"_s, now + bot.days * Day}, {u"rate"_s, bot.rate}, {u"burst"_s, bot.burst}});
        if (!created)
            return false;
        if (bot.enroll) {
            devices.push_back(enrollWithCode(url, fingerprint, bot.name, created->value(u"code"_s).toString()));
            if (!devices.back())
                return false;
        }
    }
    return call(client, u"bots.revoke"_s, {{u"name"_s, u"legacy-ci.bot"_s}});
}

// A few minutes of messages among the sample devices for the dashboard's charts: a rate that rises and falls with a
// burst near the end, and one device away for a while, its messages waiting in its queue until it returns.
// PARLEY_SCREENSHOT_TRAFFIC_SECONDS sets the length (default 240).
bool runSampleTraffic(const std::vector<SampleDevice *> &devices, const QStringList &users)
{
    const int seconds = qEnvironmentVariableIsSet("PARLEY_SCREENSHOT_TRAFFIC_SECONDS")
                            ? qEnvironmentVariableIntValue("PARLEY_SCREENSHOT_TRAFFIC_SECONDS")
                            : 240;
    constexpr int TickMs = 200;
    const double awayFrom = seconds * 0.25;
    const double awayUntil = seconds * 0.55;
    SampleDevice &away = *devices.back();
    int accepted = 0;
    int failed = 0;
    QObject counting;     // the counters' connections end with this function
    for (SampleDevice *device : devices) {
        QObject::connect(device->client.get(), &parley::sdk::Client::accepted, &counting, [&accepted] { ++accepted; });
        QObject::connect(device->client.get(), &parley::sdk::Client::sendFailed, &counting, [&failed] { ++failed; });
    }
    bool isAway = false;
    double budget = 0;
    int sent = 0;
    QElapsedTimer clock;
    clock.start();
    std::printf("sample traffic for %d s\n", seconds);
    std::fflush(stdout);
    while (clock.elapsed() < qint64(seconds) * 1000) {
        const double t = double(clock.elapsed()) / 1000;
        if (!isAway && t >= awayFrom && t < awayUntil) {
            away.client->disconnectFromServer();
            isAway = true;
        } else if (isAway && t >= awayUntil) {
            away.client->connectToServer();
            isAway = false;
        }
        const double burst = t > seconds * 0.75 && t < seconds * 0.8 ? 6 : 0;
        budget += (2.5 + 1.8 * std::sin(t * 2 * std::numbers::pi / 90) + burst) * TickMs / 1000;
        for (; budget >= 1; budget -= 1) {
            const size_t from = size_t(sent) % (devices.size() - (isAway ? 1 : 0));
            QStringList to = users;
            to.removeAt(qsizetype(from));
            devices[from]->client->send(to, u"sample message %1"_s.arg(sent));
            ++sent;
        }
        QTest::qWait(TickMs);
    }
    if (!waitFor([&] { return away.client->state() == parley::sdk::Client::State::LoggedIn && accepted + failed >= sent; }))
        return false;
    std::printf("sample traffic: %d messages sent, %d accepted\n", sent, accepted);
    return failed == 0;
}

// Installs a certificate that expires in `days` through the admin API, as an administrator would.
bool installCertificate(AdminClient *client, int days)
{
    auto generated = parley::crypto::generateSelfSignedCertificate(u"parley.example.com"_s, {u"localhost"_s},
                                                                   {QHostAddress::LocalHost}, days);
    if (!generated)
        return false;
    QCborMap args;
    args.insert(u"certificate"_s, QString::fromLatin1(generated->certificatePem));
    args.insert(u"private_key"_s, QString::fromLatin1(generated->privateKeyPem.view().toByteArray()));
    return call(client, u"cert.install"_s, args);
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
    // Traffic for the dashboard's charts, when the server keeps a history (before the logging is turned up for the
    // Event logging page).
    if (parley::protocol::admin::findCall(u"status.history")
        && !runSampleTraffic({devices[0].get(), devices[1].get(), devices[2].get()}, {u"alice"_s, u"bob"_s, u"carol"_s}))
        return fail("the sample traffic failed");
    QCborMap levelArgs;
    levelArgs.insert(u"category"_s, u"parley.relay"_s);
    levelArgs.insert(u"level"_s, u"debug"_s);
    QCborMap adminArgs;
    adminArgs.insert(u"name"_s, u"operator"_s);
    adminArgs.insert(u"password"_s, u"first-login-only-42"_s);
    if (!call(client, u"log.set_level"_s, levelArgs)
        || !call(client, u"admin.create"_s, adminArgs))
        return fail("cannot create sample settings");
    // A newer parleyd administers single sign-on: the organisation's provider, as it would be set up.
    if (parley::protocol::admin::findCall(u"sso.set")) {
        const QCborMap sso{{u"issuer"_s, u"https://login.example.com/realms/staff"_s},
                           {u"client_id"_s, u"parley"_s},
                           {u"client_secret"_s, u"sample client secret of the screenshots"_s},
                           {u"public_url"_s, u"https://parley.example.com:8445"_s},
                           {u"username_claim"_s, u"preferred_username"_s},
                           {u"create_users"_s, true},
                           {u"code_valid_seconds"_s, 900}};
        if (!call(client, u"sso.set"_s, sso))
            return fail("cannot set up sample single sign-on settings");
    }
    if (!sampleBots(client, deviceUrl, fingerprint, devices))
        return fail("cannot create sample bots");
    parley::e2e::Slapd ldap;
    if (!sampleDirectory(ldap, client))
        return fail("cannot set up the sample directory (slapd and ldap-utils: scripts/deps.sh test)");

    int index = 3;
    int dashboardIndex = 0;
    DashboardPage *dashboard = nullptr;
    for (Page *page : window.pages()) {
        // The dashboard last, with a certificate about to expire (the other pages show the one the server made).
        if (auto *d = qobject_cast<DashboardPage *>(page)) {
            dashboard = d;
            dashboardIndex = index++;
            continue;
        }
        window.statusBar()->clearMessage();      // a line an earlier page left there; the page's own stay
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
        if (auto *bots = qobject_cast<BotsPage *>(page)) {
            bots->findChild<QPushButton *>(u"createBot"_s)->click();
            if (!waitFor([&] { return bots->findChild<BotDialog *>() != nullptr; }))
                return fail("no bot dialog");
            auto *dialog = bots->findChild<BotDialog *>();
            QTest::keyClicks(dialog->findChild<QLineEdit *>(u"botName"_s), u"backup.bot"_s);
            dialog->findChild<QLineEdit *>(u"botDescription"_s)->setText(u"Nightly backup reports"_s);
            auto *entry = dialog->findChild<QLineEdit *>(u"scopeName"_s);
            entry->setText(u"dave"_s);
            dialog->findChild<QPushButton *>(u"scopeAdd"_s)->click();
            dialog->findChild<QComboBox *>(u"scopeKind"_s)->setCurrentIndex(1);
            entry->setText(u"incident-response"_s);
            dialog->findChild<QPushButton *>(u"scopeAdd"_s)->click();
            if (!save(dialog, out, u"%1-bots-new"_s.arg(index++, 2, 10, QLatin1Char('0'))))
                return 1;
            dialog->reject();
        }
        if (auto *directory = qobject_cast<DirectoryPage *>(page)) {
            bool finished = false;
            QObject::connect(directory, &DirectoryPage::syncFinished, &app, [&finished] { finished = true; });
            directory->findChild<QPushButton *>(u"directoryDryRun"_s)->click();
            if (!waitFor([&] { return finished; }))
                return fail("the sample dry run does not finish");
            if (!save(&window, out, u"%1-directory-report"_s.arg(index++, 2, 10, QLatin1Char('0'))))
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
    if (dashboard) {
        if (!installCertificate(client, 21))
            return fail("cannot install the sample certificate");
        window.showPage(dashboard);
        dashboard->findChild<QComboBox *>(u"historyRange"_s)->setCurrentIndex(0);     // the last 15 minutes
        if (!waitFor([&] { return !dashboard->warnings().isEmpty(); }))
            return fail("the dashboard shows no warning for the sample certificate");
        if (parley::protocol::admin::findCall(u"status.history")
            && !waitFor([&] { return !dashboard->history().isEmpty() && dashboard->chart(u"messagesChart"_s)->isVisible(); }))
            return fail("the dashboard shows no charts");
        window.statusBar()->clearMessage();      // a line an earlier page left there
        if (!save(&window, out, u"%1-dashboard"_s.arg(dashboardIndex, 2, 10, QLatin1Char('0'))))
            return 1;
    }
    return 0;
}
