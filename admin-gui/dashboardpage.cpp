#include "dashboardpage.h"

#include "durationtext.h"
#include "historychart.h"
#include "warningspanel.h"

#include "protocol/adminprotocol.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr int RefreshMs = 5000;
constexpr int WarningDays = 30;
// The history is fetched at the server's interval, within these bounds.
constexpr qint64 HistoryPollMinMs = 1000;
constexpr qint64 HistoryPollMaxMs = 10000;
// Points a line is drawn with at most; a day of 10 s samples is combined into 2-minute buckets.
constexpr int MaxPoints = 720;
constexpr qint64 MinuteMs = 60 * 1000;
constexpr std::array<qint64, 4> RangesMinutes{15, 60, 6 * 60, 24 * 60};
const QString RangeSetting = u"dashboard/rangeMinutes"_s;

enum HistoryView { MessageView, ChartsView };
}

struct DashboardPage::Private {
    DashboardPage *q = nullptr;
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
    WarningsPanel *warnings = nullptr;
    QComboBox *range = nullptr;
    QStackedWidget *historyStack = nullptr;
    QLabel *historyMessage = nullptr;
    QLabel *historyNote = nullptr;
    QList<HistoryChart *> charts;
    QTimer timer;
    QTimer historyTimer;
    bool inFlight = false;
    bool historyInFlight = false;
    bool historyUnsupported = false;
    ServerHistory history;

    QString pageTitle(const QString &key) const
    {
        // Pages are siblings in the window's page stack.
        QWidget *stack = q->parentWidget();
        if (!stack)
            return {};
        const auto *page = stack->findChild<Page *>(key, Qt::FindDirectChildrenOnly);
        return page ? page->title() : QString();
    }

    void showStatus(const QCborMap &m)
    {
        const QLocale locale;
        version->setText(m.value(u"version"_s).toString());
        const qint64 up = m.value(u"uptime_seconds"_s).toInteger();
        uptime->setText(DurationText::elapsed(up));
        users->setText(locale.toString(m.value(u"users"_s).toInteger()));
        devices->setText(locale.toString(m.value(u"connected_devices"_s).toInteger()));
        queued->setText(locale.toString(m.value(u"queued_messages"_s).toInteger()));
        storage->setText(locale.formattedDataSize(m.value(u"database_bytes"_s).toInteger()));
        workers->setText(locale.toString(m.value(u"workers"_s).toInteger()));
        fingerprint->setText(AdminClient::formatFingerprint(m.value(u"fingerprint"_s).toString()));
        if (m.contains(u"certificate_expires_at"_s)) {
            const qint64 days = m.value(u"certificate_days_left"_s).toInteger();
            const QString when = locale.toString(QDateTime::fromMSecsSinceEpoch(m.value(u"certificate_expires_at"_s).toInteger()),
                                                 QLocale::ShortFormat);
            expiry->setText(days < 0 ? DashboardPage::tr("%1 (expired!)").arg(when)
                                     : DashboardPage::tr("%1 (in %n day(s))", nullptr, int(days)).arg(when));
            expiry->setStyleSheet(days < WarningDays ? u"color: #b00020; font-weight: bold;"_s : QString());
        } else {
            expiry->setText(DashboardPage::tr("unknown"));
        }
        warnings->setWarnings(ServerWarning::fromStatus(m));
        updated->setText(DashboardPage::tr("Updated %1").arg(locale.toString(QTime::currentTime(), QLocale::LongFormat)));
    }

    void fetchStatus()
    {
        if (inFlight)
            return;
        inFlight = true;
        q->client()->call(u"status"_s, {}, q, [this](const AdminClient::Reply &reply) {
            inFlight = false;
            if (!reply.ok) {
                updated->setText(DashboardPage::tr("Could not refresh: %1").arg(reply.text()));
                return;
            }
            showStatus(reply.result);
            Q_EMIT q->statusLoaded();
        });
    }

    void fetchHistory()
    {
        if (historyInFlight || historyUnsupported)
            return;
        historyInFlight = true;
        QCborMap args;
        const std::optional<qint64> since = history.since();
        if (since)
            args.insert(u"since"_s, *since);
        q->client()->call(u"status.history"_s, args, q, [this, incremental = since.has_value()](const AdminClient::Reply &reply) {
            historyInFlight = false;
            if (reply.ok) {
                q->applyHistory(reply.result);
                return;
            }
            if (reply.error == protocol::admin::errors::UnknownCall) {
                // An older server: no history to show, and no point asking again.
                historyUnsupported = true;
                historyTimer.stop();
                showMessage(DashboardPage::tr("This server keeps no history of its figures: it is older than "
                                              "this parley-admin. Charts appear once it is updated."));
                Q_EMIT q->historyLoaded();
                return;
            }
            if (incremental && reply.error == protocol::admin::errors::InvalidArgument) {
                // A `since` the server does not accept (its clock went back): start over.
                history.clear();
                fetchHistory();
                return;
            }
            const QString text = DashboardPage::tr("Could not load the history: %1").arg(reply.text());
            if (history.isEmpty())
                showMessage(text);
            else
                historyNote->setText(text);
            Q_EMIT q->historyLoaded();
        });
    }

    void showMessage(const QString &text)
    {
        historyMessage->setText(text);
        historyStack->setCurrentIndex(MessageView);
    }

    qint64 rangeMs() const { return range->currentData().toLongLong() * MinuteMs; }

    void plot()
    {
        if (history.isEmpty()) {
            const qint64 seconds = std::max<qint64>(1, history.intervalMs() / 1000);
            showMessage(history.now() > 0
                            ? DashboardPage::tr("No samples yet: the server records its figures every %n second(s).",
                                                nullptr, int(seconds))
                            : DashboardPage::tr("Loading the history…"));
            return;
        }
        const qint64 to = history.now();
        const qint64 from = to - rangeMs();
        for (HistoryChart *chart : std::as_const(charts))
            chart->plot(history, from, to, MaxPoints);
        historyStack->setCurrentIndex(ChartsView);
    }
};

DashboardPage::DashboardPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"dashboardPage"_s);
    auto add = [this](QFormLayout *form, QLabel *&label, const QString &name, const QString &objectName) {
        label = new QLabel(u"–"_s, this);
        label->setObjectName(objectName);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        label->setAccessibleName(name);
        label->setFocusPolicy(Qt::TabFocus);
        form->addRow(name + u':', label);
    };
    // Two columns of short figures, then the fingerprint (64 digits) on a line of its own.
    auto *left = new QFormLayout;
    auto *right = new QFormLayout;
    auto *wide = new QFormLayout;
    add(left, d->version, tr("Server version"), u"version"_s);
    add(left, d->uptime, tr("Uptime"), u"uptime"_s);
    add(left, d->users, tr("Enrolled users"), u"users"_s);
    add(left, d->workers, tr("Worker threads"), u"workers"_s);
    add(right, d->devices, tr("Connected devices"), u"connectedDevices"_s);
    add(right, d->queued, tr("Queued messages"), u"queuedMessages"_s);
    add(right, d->storage, tr("Database size"), u"databaseSize"_s);
    add(right, d->expiry, tr("Certificate expires"), u"certificateExpiry"_s);
    add(wide, d->fingerprint, tr("Certificate fingerprint"), u"fingerprint"_s);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 2);
    columns->addSpacing(24);
    columns->addLayout(right, 3);
    auto *figures = new QVBoxLayout;
    figures->addLayout(columns);
    figures->addLayout(wide);
    d->updated = new QLabel(this);
    d->updated->setObjectName(u"updated"_s);

    d->warnings = new WarningsPanel([this](const QString &key) { return d->pageTitle(key); }, this);
    connect(d->warnings, &WarningsPanel::navigateTo, this, &DashboardPage::navigateTo);

    // The history: a range, then either a message (loading, no samples, an older server) or the four charts.
    auto *historyHeading = new QLabel(tr("<h3>Activity</h3>"), this);
    d->range = new QComboBox(this);
    d->range->setObjectName(u"historyRange"_s);
    d->range->addItem(tr("Last 15 minutes"), RangesMinutes[0]);
    d->range->addItem(tr("Last hour"), RangesMinutes[1]);
    d->range->addItem(tr("Last 6 hours"), RangesMinutes[2]);
    d->range->addItem(tr("Last 24 hours"), RangesMinutes[3]);
    d->range->setAccessibleName(tr("Time range of the charts"));
    const int saved = d->range->findData(QSettings().value(RangeSetting, RangesMinutes[1]).toLongLong());
    d->range->setCurrentIndex(saved >= 0 ? saved : 1);
    connect(d->range, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(RangeSetting, d->range->currentData());
        d->plot();
    });
    d->historyNote = new QLabel(this);
    d->historyNote->setObjectName(u"historyNote"_s);
    auto *rangeRow = new QHBoxLayout;
    rangeRow->addWidget(historyHeading);
    rangeRow->addSpacing(12);
    rangeRow->addWidget(d->historyNote, 1);
    rangeRow->addWidget(d->range);

    d->historyStack = new QStackedWidget(this);
    d->historyStack->setObjectName(u"historyStack"_s);
    d->historyMessage = new QLabel(tr("Loading the history…"), d->historyStack);
    d->historyMessage->setObjectName(u"historyMessage"_s);
    d->historyMessage->setAlignment(Qt::AlignCenter);
    d->historyMessage->setWordWrap(true);
    d->historyMessage->setMinimumHeight(120);
    d->historyStack->addWidget(d->historyMessage);
    auto *grid = new QWidget(d->historyStack);
    auto *gridLayout = new QGridLayout(grid);
    gridLayout->setContentsMargins(0, 0, 0, 0);
    auto addChart = [this, grid, gridLayout](const QString &objectName, const QString &title, const QString &unit,
                                             QList<HistoryChart::Line> lines) {
        auto *chart = new HistoryChart(title, unit, std::move(lines), grid);
        chart->setObjectName(objectName);
        gridLayout->addWidget(chart, int(d->charts.size() / 2), int(d->charts.size() % 2));
        d->charts.append(chart);
    };
    addChart(u"devicesChart"_s, tr("Connected devices"), tr("devices"),
             {{HistoryMetric::ConnectedDevices, tr("Connected devices")}});
    addChart(u"messagesChart"_s, tr("Messages per second"), tr("messages/s"),
             {{HistoryMetric::MessagesAccepted, tr("Accepted")}, {HistoryMetric::MessagesDelivered, tr("Delivered")}});
    addChart(u"queueChart"_s, tr("Queue depth"), tr("messages"),
             {{HistoryMetric::QueuedMessages, tr("Queued for devices")}, {HistoryMetric::WriteQueue, tr("Waiting for the database")}});
    addChart(u"latencyChart"_s, tr("Commit latency"), tr("ms"),
             {{HistoryMetric::CommitP50, tr("Median (p50)")}, {HistoryMetric::CommitP99, tr("99th percentile (p99)")}});
    d->historyStack->addWidget(grid);

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    auto *headingRow = new QHBoxLayout;
    headingRow->addWidget(new QLabel(tr("<h2>Server status</h2>"), content));
    headingRow->addStretch();
    headingRow->addWidget(d->updated);
    layout->addLayout(headingRow);
    layout->addWidget(d->warnings);
    layout->addLayout(figures);
    layout->addLayout(rangeRow);
    layout->addWidget(d->historyStack, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    d->timer.setInterval(RefreshMs);
    connect(&d->timer, &QTimer::timeout, this, [this] { d->fetchStatus(); });
    d->historyTimer.setInterval(int(HistoryPollMaxMs));
    connect(&d->historyTimer, &QTimer::timeout, this, [this] { d->fetchHistory(); });
    // A new connection may be to another server (or to this one, restarted): nothing of the last one is kept. (The
    // window is hidden until the login; showing the page again starts the polling.)
    connect(client, &AdminClient::connected, this, [this] {
        d->history.clear();
        d->historyUnsupported = false;
        d->historyNote->clear();
        d->warnings->setWarnings({});
        d->plot();
    });
}

DashboardPage::~DashboardPage() = default;

QString DashboardPage::title() const
{
    return tr("Dashboard");
}

void DashboardPage::refresh()
{
    d->fetchStatus();
    d->fetchHistory();
}

void DashboardPage::applyHistory(const QCborMap &result)
{
    auto parsed = ServerHistory::parse(result);
    if (const QString *error = std::get_if<QString>(&parsed)) {
        if (d->history.isEmpty())
            d->showMessage(*error);
        else
            d->historyNote->setText(*error);
        Q_EMIT historyLoaded();
        return;
    }
    const auto &reply = std::get<ServerHistory::Reply>(parsed);
    if (d->history.merge(reply) == ServerHistory::Merged::Reset) {
        // The server restarted: what it had before is gone, fetch what it has now.
        d->plot();
        d->fetchHistory();
        return;
    }
    d->historyNote->clear();
    d->historyTimer.setInterval(int(std::clamp(d->history.intervalMs(), HistoryPollMinMs, HistoryPollMaxMs)));
    if (isVisible())
        d->plot();
    Q_EMIT historyLoaded();
}

const ServerHistory &DashboardPage::history() const
{
    return d->history;
}

QList<ServerWarning> DashboardPage::warnings() const
{
    return d->warnings->warnings();
}

HistoryChart *DashboardPage::chart(const QString &objectName) const
{
    for (HistoryChart *chart : std::as_const(d->charts)) {
        if (chart->objectName() == objectName)
            return chart;
    }
    return nullptr;
}

qint64 DashboardPage::rangeMs() const
{
    return d->rangeMs();
}

void DashboardPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    d->timer.start();
    if (!d->historyUnsupported)
        d->historyTimer.start();
    if (!d->history.isEmpty())
        d->plot();
    refresh();
}

void DashboardPage::hideEvent(QHideEvent *event)
{
    Page::hideEvent(event);
    d->timer.stop();
    d->historyTimer.stop();
}

} // namespace parley::admin
