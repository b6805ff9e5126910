#include "directorypage.h"

#include "directoryform.h"
#include "fielderrors.h"
#include "recordmodel.h"
#include "syncreportview.h"

#include <QCborArray>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
// A sync reads the whole directory (each page may take up to 30 s on the server): far longer than an ordinary call.
constexpr int SyncTimeoutMs = 15 * 60 * 1000;
// While the page is visible, directory.show again while a sync runs, and once a scheduled one is due (every call is
// audited: no polling beyond that).
constexpr int RunningPollMs = 3000;
constexpr qint64 DuePollDelayMs = 2000;
constexpr qint64 LongestPollMs = 3600 * 1000;
} // namespace

struct DirectoryPage::Private {
    DirectoryPage *q = nullptr;
    QCborMap settings;
    QLabel *state = nullptr;
    QLabel *lastSync = nullptr;
    QLabel *nextSync = nullptr;
    QPushButton *dryRun = nullptr;
    QPushButton *syncNow = nullptr;
    QProgressBar *busy = nullptr;
    QLabel *busyText = nullptr;
    QTabWidget *tabs = nullptr;
    DirectoryForm *form = nullptr;
    QPushButton *save = nullptr;
    QPushButton *clear = nullptr;
    SyncReportView *report = nullptr;
    RecordModel *users = nullptr;
    QSortFilterProxyModel *usersProxy = nullptr;
    QTimer poll;
    bool syncing = false;
    bool formLoaded = false;

    static QString when(qint64 ms)
    {
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
    }

    void showState(const QCborMap &s)
    {
        settings = s;
        const bool configured = s.value(u"configured"_s).toBool();
        const bool running = s.value(u"running"_s).toBool();
        if (!configured)
            state->setText(DirectoryPage::tr("Not set up: users are not synced from a directory."));
        else
            state->setText(DirectoryPage::tr("%1, base %2. Changed: %3")
                               .arg(s.value(u"url"_s).toString(), s.value(u"base_dn"_s).toString(),
                                    when(s.value(u"updated_at"_s).toInteger())));
        const QCborMap last = s.value(u"last_sync"_s).toMap();
        if (last.isEmpty()) {
            lastSync->setText(DirectoryPage::tr("none since the server started"));
            FieldErrors::markError(lastSync, false);
        } else {
            const QString outcome = last.value(u"outcome"_s).toString();
            const QString who = last.value(u"actor"_s).toString() == u"directory"_s
                                    ? DirectoryPage::tr("scheduled")
                                    : DirectoryPage::tr("by %1").arg(last.value(u"actor"_s).toString());
            const QString kind = last.value(u"dry_run"_s).toBool() ? DirectoryPage::tr("dry run") : DirectoryPage::tr("sync");
            if (outcome == u"ok"_s)
                lastSync->setText(DirectoryPage::tr("%1 (%2, %3): %4 created, %5 suspended, %6 resumed, %7 deleted, %8 skipped")
                                      .arg(when(last.value(u"at"_s).toInteger()), kind, who)
                                      .arg(last.value(u"created"_s).toInteger())
                                      .arg(last.value(u"suspended"_s).toInteger())
                                      .arg(last.value(u"resumed"_s).toInteger())
                                      .arg(last.value(u"deleted"_s).toInteger())
                                      .arg(last.value(u"skipped"_s).toArray().size()));
            else
                lastSync->setText(DirectoryPage::tr("%1 (%2, %3) failed, nothing changed: %4")
                                      .arg(when(last.value(u"at"_s).toInteger()), kind, who, last.value(u"error"_s).toString()));
            FieldErrors::markError(lastSync, outcome != u"ok"_s);
        }
        const qint64 next = s.value(u"next_sync_at"_s).toInteger();
        if (running)
            nextSync->setText(DirectoryPage::tr("a sync is running now"));
        else if (!configured)
            nextSync->setText(DirectoryPage::tr("none"));
        else if (next > 0)
            nextSync->setText(DirectoryPage::tr("%1 (every %2)")
                                  .arg(when(next), RecordModel::formatDuration(s.value(u"interval_seconds"_s).toInteger(), {})));
        else
            nextSync->setText(DirectoryPage::tr("only on demand"));
        if (!report->report().value(u"at"_s).isInteger() && !last.isEmpty())
            report->showReport(last, DirectoryPage::tr("The last run, %1 (enrollment codes are shown only by the run that "
                                                       "created them):").arg(when(last.value(u"at"_s).toInteger())));
        clear->setEnabled(configured);
        updateButtons();
        schedulePoll();
        Q_EMIT q->settingsLoaded();
    }

    void schedulePoll()
    {
        poll.stop();
        if (!q->isVisible() || !settings.value(u"configured"_s).toBool())
            return;
        const qint64 next = settings.value(u"next_sync_at"_s).toInteger();
        if (settings.value(u"running"_s).toBool())
            poll.start(RunningPollMs);
        else if (next > 0)
            poll.start(int(std::clamp(next - QDateTime::currentMSecsSinceEpoch() + DuePollDelayMs, DuePollDelayMs, LongestPollMs)));
    }

    void updateButtons()
    {
        const bool configured = settings.value(u"configured"_s).toBool();
        dryRun->setEnabled(configured && !syncing);
        syncNow->setEnabled(configured && !syncing);
        busy->setVisible(syncing);
        busyText->setVisible(syncing);
    }

    void loadState(bool fillForm)
    {
        q->request(u"directory.show"_s, {}, [this, fillForm](const QCborMap &result) {
            if (fillForm || !formLoaded) {
                form->load(result);
                formLoaded = true;
            }
            showState(result);
        });
    }

    void loadUsers()
    {
        q->request(u"directory.users"_s, {}, [this](const QCborMap &result) {
            users->setRecords(result.value(u"users"_s).toArray());
            Q_EMIT q->usersLoaded();
        });
    }

    void saveSettings()
    {
        const std::optional<QCborMap> args = form->arguments();
        if (!args) {
            tabs->setCurrentIndex(0);
            Q_EMIT q->message(DirectoryPage::tr("The directory settings were not saved: see the marked field."), true);
            return;
        }
        q->request(
            u"directory.set"_s, *args,
            [this](const QCborMap &result) {
                form->load(result);
                showState(result);
                Q_EMIT q->message(DirectoryPage::tr("The directory settings were saved. Nothing connects to the directory "
                                                    "until a dry run or a sync."),
                                  false);
            },
            [this](const AdminClient::Reply &reply) { form->errors()->showRefusal(reply); });
    }

    void runSync(bool dry)
    {
        syncing = true;
        updateButtons();
        busyText->setText(dry ? DirectoryPage::tr("Dry run: reading the directory …")
                              : DirectoryPage::tr("Sync: reading the directory …"));
        QCborMap args;
        if (dry)
            args.insert(u"dry_run"_s, true);
        q->request(
            u"directory.sync"_s, args,
            [this, dry](const QCborMap &result) {
                syncing = false;
                const QString at = when(result.value(u"at"_s).toInteger());
                report->showReport(result, dry ? DirectoryPage::tr("Dry run at %1: what a sync would do now.").arg(at)
                                               : DirectoryPage::tr("Sync at %1.").arg(at));
                tabs->setCurrentWidget(reportTab);
                Q_EMIT q->message(dry ? DirectoryPage::tr("Dry run finished: nothing was changed.")
                                      : DirectoryPage::tr("Sync finished."),
                                  false);
                loadState(false);
                loadUsers();
                Q_EMIT q->syncFinished(true);
            },
            [this](const AdminClient::Reply &) {
                syncing = false;
                updateButtons();
                loadState(false);
                Q_EMIT q->syncFinished(false);
            },
            SyncTimeoutMs);
    }

    QWidget *reportTab = nullptr;
};

DirectoryPage::DirectoryPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"directoryPage"_s);

    // State and the two runs.
    auto *stateBox = new QGroupBox(tr("Sync from LDAP or Active Directory"), this);
    d->state = new QLabel(stateBox);
    d->state->setObjectName(u"directoryState"_s);
    d->state->setWordWrap(true);
    d->state->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    d->lastSync = new QLabel(stateBox);
    d->lastSync->setObjectName(u"directoryLastSync"_s);
    d->lastSync->setWordWrap(true);
    d->lastSync->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    d->nextSync = new QLabel(stateBox);
    d->nextSync->setObjectName(u"directoryNextSync"_s);
    d->dryRun = new QPushButton(tr("&Dry run"), stateBox);
    d->dryRun->setObjectName(u"directoryDryRun"_s);
    d->dryRun->setToolTip(tr("Reads the directory and reports what a sync would change, changing nothing."));
    d->syncNow = new QPushButton(tr("S&ync now"), stateBox);
    d->syncNow->setObjectName(u"directorySyncNow"_s);
    d->busy = new QProgressBar(stateBox);
    d->busy->setObjectName(u"directoryBusy"_s);
    d->busy->setRange(0, 0);
    d->busy->setMaximumWidth(140);
    d->busy->setTextVisible(false);
    d->busyText = new QLabel(stateBox);
    d->busyText->setObjectName(u"directoryBusyText"_s);
    auto *stateForm = new QFormLayout;
    stateForm->addRow(tr("Directory:"), d->state);
    stateForm->addRow(tr("Last sync:"), d->lastSync);
    stateForm->addRow(tr("Next sync:"), d->nextSync);
    auto *runButtons = buttonRow({d->dryRun, d->syncNow, d->busy, d->busyText});
    auto *stateLayout = new QVBoxLayout(stateBox);
    stateLayout->addLayout(stateForm);
    stateLayout->addLayout(runButtons);

    // Settings, in a scroll area: the form is taller than the window.
    d->tabs = new QTabWidget(this);
    d->tabs->setObjectName(u"directoryTabs"_s);
    auto *settingsTab = new QWidget(d->tabs);
    d->form = new DirectoryForm;
    auto *scroll = new QScrollArea(settingsTab);
    scroll->setObjectName(u"directorySettingsScroll"_s);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(d->form);
    d->save = new QPushButton(tr("&Save settings"), settingsTab);
    d->save->setObjectName(u"directorySave"_s);
    d->clear = new QPushButton(tr("&Remove settings…"), settingsTab);
    d->clear->setObjectName(u"directoryClear"_s);
    auto *revert = new QPushButton(tr("Re&vert"), settingsTab);
    revert->setObjectName(u"directoryRevert"_s);
    revert->setToolTip(tr("Shows the server's settings again, dropping unsaved edits."));
    auto *saveButtons = new QHBoxLayout;
    saveButtons->addWidget(d->save);
    saveButtons->addWidget(revert);
    saveButtons->addStretch();
    saveButtons->addWidget(d->clear);
    auto *settingsLayout = new QVBoxLayout(settingsTab);
    settingsLayout->addWidget(scroll, 1);
    settingsLayout->addLayout(saveButtons);
    d->tabs->addTab(settingsTab, tr("Settings"));

    d->reportTab = new QWidget(d->tabs);
    d->report = new SyncReportView(d->reportTab);
    auto *reportLayout = new QVBoxLayout(d->reportTab);
    reportLayout->addWidget(d->report);
    d->tabs->addTab(d->reportTab, tr("Report"));

    auto *usersTab = new QWidget(d->tabs);
    d->users = new RecordModel({{u"name"_s, tr("User"), RecordModel::Kind::Text},
                                {u"display_name"_s, tr("Display name"), RecordModel::Kind::Text},
                                {u"state"_s, tr("State"), RecordModel::Kind::State},
                                {u"suspended_by_sync"_s, tr("Suspended by the sync"), RecordModel::Kind::Bool},
                                {u"delete_at"_s, tr("Deleted at"), RecordModel::Kind::Time},
                                {u"synced_at"_s, tr("Synced"), RecordModel::Kind::Time},
                                {u"dn"_s, tr("Entry"), RecordModel::Kind::Text}},
                               this);
    d->users->setObjectName(u"linkedUsersModel"_s);
    d->usersProxy = new QSortFilterProxyModel(this);
    d->usersProxy->setSourceModel(d->users);
    d->usersProxy->setSortRole(Qt::UserRole);
    auto *usersTable = new QTableView(usersTab);
    usersTable->setObjectName(u"linkedUsersTable"_s);
    usersTable->setAccessibleName(tr("Users linked to directory entries"));
    usersTable->setModel(d->usersProxy);
    usersTable->setSortingEnabled(true);
    usersTable->sortByColumn(0, Qt::AscendingOrder);
    setUpRecordTable(usersTable);
    usersTable->setSelectionMode(QAbstractItemView::SingleSelection);
    auto *usersNote = new QLabel(tr("Only these users are ever changed by a sync. \"Deleted at\": the user's entry is "
                                    "gone; it is deleted then unless it returns. \"never\": still in the directory."),
                                 usersTab);
    usersNote->setWordWrap(true);
    auto *refreshUsers = new QPushButton(tr("Re&fresh"), usersTab);
    refreshUsers->setObjectName(u"directoryRefreshUsers"_s);
    auto *usersBottom = new QHBoxLayout;
    usersBottom->addWidget(usersNote, 1);
    usersBottom->addWidget(refreshUsers, 0, Qt::AlignTop);
    auto *usersLayout = new QVBoxLayout(usersTab);
    usersLayout->addWidget(usersTable, 1);
    usersLayout->addLayout(usersBottom);
    d->tabs->addTab(usersTab, tr("Linked users"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(stateBox);
    layout->addWidget(d->tabs, 1);

    connect(d->save, &QPushButton::clicked, this, [this] { d->saveSettings(); });
    connect(revert, &QPushButton::clicked, this, [this] { d->loadState(true); });
    connect(d->clear, &QPushButton::clicked, this, [this] {
        confirm(tr("Remove the directory settings and the stored bind password? Syncs stop; the users made by the sync stay "
                   "as they are."),
                [this] {
                    request(u"directory.clear"_s, {}, [this](const QCborMap &result) {
                        d->form->load(result);
                        d->showState(result);
                        Q_EMIT message(tr("The directory settings were removed."), false);
                    });
                });
    });
    connect(d->dryRun, &QPushButton::clicked, this, [this] { d->runSync(true); });
    connect(d->syncNow, &QPushButton::clicked, this, [this] {
        confirm(tr("Sync now? Users are created, suspended and deleted as the directory says. A dry run shows the changes "
                   "first."),
                [this] { d->runSync(false); });
    });
    connect(d->report, &SyncReportView::message, this, &Page::message);
    connect(d->report, &SyncReportView::saveCodes, this, [this](const QByteArray &csv) {
        chooseSaveFile(tr("Save the enrollment codes"), u"parley-directory-codes.csv"_s, tr("CSV files (*.csv)"),
                       [this, csv](const QString &path) { saveData(path, csv); });
    });
    connect(refreshUsers, &QPushButton::clicked, this, [this] { d->loadUsers(); });
    d->poll.setSingleShot(true);
    connect(&d->poll, &QTimer::timeout, this, [this] { d->loadState(false); });
    d->updateButtons();
}

DirectoryPage::~DirectoryPage() = default;

QString DirectoryPage::title() const
{
    return tr("Directory");
}

void DirectoryPage::refresh()
{
    d->loadState(true);
    d->loadUsers();
}

QCborMap DirectoryPage::settings() const
{
    return d->settings;
}

DirectoryForm *DirectoryPage::form() const
{
    return d->form;
}

SyncReportView *DirectoryPage::reportView() const
{
    return d->report;
}

void DirectoryPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    d->loadState(!d->formLoaded);
    d->loadUsers();
}

void DirectoryPage::hideEvent(QHideEvent *event)
{
    Page::hideEvent(event);
    d->poll.stop();
}

} // namespace parley::admin
