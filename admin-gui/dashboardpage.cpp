#include "dashboardpage.h"

#include "durationtext.h"

#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr int RefreshMs = 5000;
constexpr int WarningDays = 30;
}

struct DashboardPage::Private {
    QLabel *version = nullptr;
    QLabel *uptime = nullptr;
    QLabel *users = nullptr;
    QLabel *devices = nullptr;
    QLabel *queued = nullptr;
    QLabel *storage = nullptr;
    QLabel *workers = nullptr;
    QLabel *fingerprint = nullptr;
    QLabel *expiry = nullptr;
    QLabel *updated = nullptr;
    QTimer timer;
    bool inFlight = false;
};

DashboardPage::DashboardPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    setObjectName(u"dashboardPage"_s);
    auto *form = new QFormLayout;
    auto add = [this, form](QLabel *&label, const QString &name, const QString &objectName) {
        label = new QLabel(u"–"_s, this);
        label->setObjectName(objectName);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        label->setAccessibleName(name);
        label->setFocusPolicy(Qt::TabFocus);
        form->addRow(name + u':', label);
    };
    add(d->version, tr("Server version"), u"version"_s);
    add(d->uptime, tr("Uptime"), u"uptime"_s);
    add(d->users, tr("Enrolled users"), u"users"_s);
    add(d->devices, tr("Connected devices"), u"connectedDevices"_s);
    add(d->queued, tr("Queued messages"), u"queuedMessages"_s);
    add(d->storage, tr("Database size"), u"databaseSize"_s);
    add(d->workers, tr("Worker threads"), u"workers"_s);
    add(d->fingerprint, tr("Certificate fingerprint"), u"fingerprint"_s);
    add(d->expiry, tr("Certificate expires"), u"certificateExpiry"_s);
    d->fingerprint->setWordWrap(true);
    d->updated = new QLabel(this);
    d->updated->setObjectName(u"updated"_s);
    auto *heading = new QLabel(tr("<h2>Server status</h2>"), this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addLayout(form);
    layout->addWidget(d->updated);
    layout->addStretch();
    d->timer.setInterval(RefreshMs);
    connect(&d->timer, &QTimer::timeout, this, &DashboardPage::refresh);
}

DashboardPage::~DashboardPage() = default;

QString DashboardPage::title() const
{
    return tr("Dashboard");
}

void DashboardPage::refresh()
{
    if (d->inFlight)
        return;
    d->inFlight = true;
    client()->call(u"status"_s, {}, this, [this](const AdminClient::Reply &reply) {
        d->inFlight = false;
        if (!reply.ok) {
            d->updated->setText(tr("Could not refresh: %1").arg(reply.text()));
            return;
        }
        const QCborMap &m = reply.result;
        const QLocale locale;
        d->version->setText(m.value(u"version"_s).toString());
        const qint64 up = m.value(u"uptime_seconds"_s).toInteger();
        d->uptime->setText(DurationText::elapsed(up));
        d->users->setText(locale.toString(m.value(u"users"_s).toInteger()));
        d->devices->setText(locale.toString(m.value(u"connected_devices"_s).toInteger()));
        d->queued->setText(locale.toString(m.value(u"queued_messages"_s).toInteger()));
        d->storage->setText(locale.formattedDataSize(m.value(u"database_bytes"_s).toInteger()));
        d->workers->setText(locale.toString(m.value(u"workers"_s).toInteger()));
        d->fingerprint->setText(AdminClient::formatFingerprint(m.value(u"fingerprint"_s).toString()));
        if (m.contains(u"certificate_expires_at"_s)) {
            const qint64 days = m.value(u"certificate_days_left"_s).toInteger();
            const QString when = locale.toString(QDateTime::fromMSecsSinceEpoch(m.value(u"certificate_expires_at"_s).toInteger()),
                                                 QLocale::ShortFormat);
            d->expiry->setText(days < 0 ? tr("%1 (expired!)").arg(when) : tr("%1 (in %n day(s))", nullptr, int(days)).arg(when));
            d->expiry->setStyleSheet(days < WarningDays ? u"color: #b00020; font-weight: bold;"_s : QString());
        } else {
            d->expiry->setText(tr("unknown"));
        }
        d->updated->setText(tr("Updated %1").arg(locale.toString(QTime::currentTime(), QLocale::LongFormat)));
    });
}

void DashboardPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    d->timer.start();
    refresh();
}

void DashboardPage::hideEvent(QHideEvent *event)
{
    Page::hideEvent(event);
    d->timer.stop();
}

} // namespace parley::admin
