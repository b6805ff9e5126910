#include "roomspage.h"

#include "durationedit.h"
#include "recordmodel.h"

#include <QCborArray>
#include <QCheckBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr int MaxRoomMembers = 1000;        // the protocol's limit (shared/protocol/roomchain.h)
constexpr int SearchDelayMs = 300;
} // namespace

struct RoomsPage::Private {
    RoomsPage *q = nullptr;
    // Defaults and limits.
    QSpinBox *maxMembers = nullptr;
    DurationEdit *maxExpire = nullptr;
    QCheckBox *limitExpire = nullptr;
    DurationEdit *defaultExpire = nullptr;
    QCheckBox *expireByDefault = nullptr;
    QCheckBox *defaultBurn = nullptr;
    // List.
    RecordModel *rooms = nullptr;
    QSortFilterProxyModel *proxy = nullptr;
    QTableView *table = nullptr;
    QLineEdit *search = nullptr;
    QTimer searchTimer;
    // Detail.
    QGroupBox *detailBox = nullptr;
    QLabel *summary = nullptr;
    QLabel *ownPolicy = nullptr;
    QLabel *enforcedPolicy = nullptr;
    QLabel *effectivePolicy = nullptr;
    RecordModel *members = nullptr;
    QTableView *memberTable = nullptr;
    QCheckBox *enforceExpiry = nullptr;
    DurationEdit *enforcedExpire = nullptr;
    QCheckBox *enforceBurn = nullptr;
    QPushButton *applyPolicy = nullptr;
    QPushButton *remove = nullptr;
    QCborMap shown;

    QString selectedRoom() const
    {
        const QModelIndex index = table->currentIndex();
        if (!index.isValid() || !table->selectionModel()->isSelected(index))
            return {};
        return rooms->record(proxy->mapToSource(index).row()).value(u"room"_s).toString();
    }

    void updateEnabled()
    {
        const bool haveRoom = !shown.isEmpty();
        remove->setEnabled(!selectedRoom().isEmpty());
        for (QWidget *w : {static_cast<QWidget *>(enforceExpiry), static_cast<QWidget *>(enforceBurn),
                           static_cast<QWidget *>(applyPolicy)})
            w->setEnabled(haveRoom);
        enforcedExpire->setEnabled(haveRoom && enforceExpiry->isChecked());
        maxExpire->setEnabled(limitExpire->isChecked());
        defaultExpire->setEnabled(expireByDefault->isChecked());
    }

    void showDefaults(const QCborMap &result)
    {
        maxMembers->setValue(int(result.value(u"max_members"_s).toInteger()));
        const qint64 most = result.value(u"max_expire_seconds"_s).toInteger();
        limitExpire->setChecked(most > 0);
        if (most > 0)
            maxExpire->setSeconds(most);
        const qint64 byDefault = result.value(u"default_expire_seconds"_s).toInteger();
        expireByDefault->setChecked(byDefault > 0);
        if (byDefault > 0)
            defaultExpire->setSeconds(byDefault);
        defaultBurn->setChecked(result.value(u"default_burn"_s).toBool());
        updateEnabled();
        Q_EMIT q->defaultsLoaded();
    }

    void saveDefaults()
    {
        QCborMap args;
        args.insert(u"max_members"_s, maxMembers->value());
        args.insert(u"max_expire_seconds"_s, limitExpire->isChecked() ? maxExpire->seconds() : 0);
        args.insert(u"default_expire_seconds"_s, expireByDefault->isChecked() ? defaultExpire->seconds() : 0);
        args.insert(u"default_burn"_s, defaultBurn->isChecked());
        q->request(u"rooms.defaults"_s, args, [this](const QCborMap &result) {
            Q_EMIT q->message(RoomsPage::tr("Room defaults saved; they apply to rooms created from now on."), false);
            showDefaults(result);
        });
    }

    static QString policyText(qint64 expireSeconds, bool burn)
    {
        const QString expiry = expireSeconds > 0
            ? RoomsPage::tr("messages expire after %1").arg(RecordModel::formatDuration(expireSeconds, QString()))
            : RoomsPage::tr("messages do not expire");
        return burn ? RoomsPage::tr("%1; burn after reading").arg(expiry) : expiry;
    }

    void showRoom(const QCborMap &room)
    {
        shown = room;
        const QString name = room.value(u"room"_s).toString();
        detailBox->setTitle(RoomsPage::tr("Room %1").arg(name));
        const qint64 last = room.value(u"last_at"_s).toInteger();
        summary->setText(RoomsPage::tr("Title: %1\nDescription: %2\n%3 members, %4 of them admins; %5 membership records; "
                                       "last change %6")
                             .arg(room.value(u"title"_s).toString(),
                                  room.value(u"description"_s).toString().isEmpty() ? RoomsPage::tr("(none)")
                                                                                  : room.value(u"description"_s).toString())
                             .arg(room.value(u"member_count"_s).toInteger())
                             .arg(room.value(u"admin_count"_s).toInteger())
                             .arg(room.value(u"records"_s).toInteger())
                             .arg(last > 0 ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(last), QLocale::ShortFormat)
                                           : RoomsPage::tr("never")));
        const qint64 ownExpire = room.value(u"expire_seconds"_s).toInteger();
        const bool ownBurn = room.value(u"burn_on_read"_s).toBool();
        ownPolicy->setText(policyText(ownExpire, ownBurn));
        const qint64 enforcedSeconds = room.value(u"enforced_expire_seconds"_s).toInteger();
        const bool enforcedBurn = room.value(u"enforced_burn"_s).toBool();
        enforcedPolicy->setText(enforcedSeconds > 0 || enforcedBurn ? policyText(enforcedSeconds, enforcedBurn)
                                                                   : RoomsPage::tr("nothing beyond the room's own policy"));
        const qint64 effectiveExpire = room.contains(u"effective_expire_seconds"_s)
            ? room.value(u"effective_expire_seconds"_s).toInteger() : ownExpire;
        const bool effectiveBurn = room.contains(u"effective_burn"_s) ? room.value(u"effective_burn"_s).toBool() : ownBurn;
        effectivePolicy->setText(policyText(effectiveExpire, effectiveBurn));
        members->setRecords(room.value(u"members"_s).toArray());
        {
            const QSignalBlocker block(enforceExpiry);
            enforceExpiry->setChecked(enforcedSeconds > 0);
        }
        if (enforcedSeconds > 0)
            enforcedExpire->setSeconds(enforcedSeconds);
        else if (ownExpire > 0)
            enforcedExpire->setSeconds(ownExpire);
        enforceBurn->setChecked(enforcedBurn);
        updateEnabled();
        Q_EMIT q->roomShown(name);
    }

    void clearRoom()
    {
        shown = {};
        detailBox->setTitle(RoomsPage::tr("Room"));
        summary->setText(RoomsPage::tr("Select a room to see its policy and members."));
        ownPolicy->clear();
        enforcedPolicy->clear();
        effectivePolicy->clear();
        members->setRecords({});
        updateEnabled();
    }

    void loadRoom()
    {
        const QString room = selectedRoom();
        if (room.isEmpty()) {
            clearRoom();
            return;
        }
        updateEnabled();
        QCborMap args;
        args.insert(u"room"_s, room);
        q->request(u"rooms.show"_s, args, [this, room](const QCborMap &result) {
            if (room != selectedRoom())
                return;
            QCborMap shownMap = result;
            if (!shownMap.contains(u"room"_s))
                shownMap.insert(u"room"_s, room);
            showRoom(shownMap);
        });
    }

    // The room list (with the search); the defaults form is left alone so that unsaved edits survive a search.
    void loadList()
    {
        searchTimer.stop();
        const QString keep = selectedRoom();
        QCborMap args;
        const QString text = search->text().trimmed();
        if (!text.isEmpty())
            args.insert(u"search"_s, text);
        q->request(u"rooms.list"_s, args, [this, keep, text](const QCborMap &result) {
            if (text != search->text().trimmed())
                return;        // a newer search is on its way
            // The list shows the retention in effect; a server without overrides has only the room's own policy.
            QCborArray list;
            for (const QCborValue &v : result.value(u"rooms"_s).toArray()) {
                QCborMap room = v.toMap();
                if (!room.contains(u"effective_expire_seconds"_s))
                    room.insert(u"effective_expire_seconds"_s, room.value(u"expire_seconds"_s));
                if (!room.contains(u"effective_burn"_s))
                    room.insert(u"effective_burn"_s, room.value(u"burn_on_read"_s));
                list.append(room);
            }
            rooms->setRecords(list);
            if (keep.isEmpty() || !q->selectRoom(keep))
                loadRoom();
            Q_EMIT q->roomsLoaded();
        });
    }

    void applyEnforcedPolicy()
    {
        const QString room = shown.value(u"room"_s).toString();
        if (room.isEmpty())
            return;
        QCborMap args;
        args.insert(u"room"_s, room);
        args.insert(u"expire_seconds"_s, enforceExpiry->isChecked() ? enforcedExpire->seconds() : 0);
        args.insert(u"burn_on_read"_s, enforceBurn->isChecked());
        q->request(u"rooms.policy"_s, args, [this, room](const QCborMap &result) {
            Q_EMIT q->message(RoomsPage::tr("The server now enforces this retention in %1.").arg(room), false);
            QCborMap shownMap = result;
            if (!shownMap.contains(u"room"_s))
                shownMap.insert(u"room"_s, room);
            if (room == selectedRoom())
                showRoom(shownMap);
            loadList();
        });
    }
};

RoomsPage::RoomsPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"roomsPage"_s);

    // Defaults and limits for new rooms.
    auto *defaultsBox = new QGroupBox(tr("Defaults and limits for new rooms"), this);
    d->maxMembers = new QSpinBox(defaultsBox);
    d->maxMembers->setObjectName(u"maxMembers"_s);
    d->maxMembers->setRange(1, MaxRoomMembers);
    d->maxMembers->setAccessibleName(tr("Most members a room may have"));
    d->limitExpire = new QCheckBox(tr("&Longest expiry a room may choose:"), defaultsBox);
    d->limitExpire->setObjectName(u"limitExpire"_s);
    d->maxExpire = new DurationEdit(defaultsBox);
    d->maxExpire->setObjectName(u"maxExpire"_s);
    d->maxExpire->setAccessibleNames(tr("Longest expiry a room may choose"));
    d->maxExpire->setSeconds(30 * 86400);
    d->expireByDefault = new QCheckBox(tr("&Expiry of new rooms:"), defaultsBox);
    d->expireByDefault->setObjectName(u"expireByDefault"_s);
    d->defaultExpire = new DurationEdit(defaultsBox);
    d->defaultExpire->setObjectName(u"defaultExpire"_s);
    d->defaultExpire->setAccessibleNames(tr("Expiry of new rooms"));
    d->defaultExpire->setSeconds(7 * 86400);
    d->defaultBurn = new QCheckBox(tr("New rooms &burn messages after reading"), defaultsBox);
    d->defaultBurn->setObjectName(u"defaultBurn"_s);
    auto *saveDefaults = new QPushButton(tr("&Save defaults"), defaultsBox);
    saveDefaults->setObjectName(u"saveDefaults"_s);
    auto *membersLabel = new QLabel(tr("&Most members:"), defaultsBox);
    membersLabel->setBuddy(d->maxMembers);
    auto *defaultsForm = new QFormLayout(defaultsBox);
    defaultsForm->addRow(membersLabel, d->maxMembers);
    defaultsForm->addRow(d->limitExpire, d->maxExpire);
    defaultsForm->addRow(d->expireByDefault, d->defaultExpire);
    defaultsForm->addRow(QString(), d->defaultBurn);
    defaultsForm->addRow(QString(), saveDefaults);

    // Room list.
    d->rooms = new RecordModel({{u"room"_s, tr("Room"), RecordModel::Kind::Text},
                                {u"title"_s, tr("Title"), RecordModel::Kind::Text},
                                {u"members"_s, tr("Members"), RecordModel::Kind::Number},
                                {u"effective_expire_seconds"_s, tr("Expiry"), RecordModel::Kind::Duration},
                                {u"effective_burn"_s, tr("Burn after reading"), RecordModel::Kind::Bool},
                                {u"created_at"_s, tr("Created"), RecordModel::Kind::Time},
                                {u"last_at"_s, tr("Last change"), RecordModel::Kind::Time}},
                               this);
    d->rooms->setObjectName(u"roomsModel"_s);
    d->proxy = new QSortFilterProxyModel(this);
    d->proxy->setSourceModel(d->rooms);
    d->proxy->setSortRole(Qt::UserRole);
    d->search = new QLineEdit(this);
    d->search->setObjectName(u"roomSearch"_s);
    d->search->setPlaceholderText(tr("Search rooms"));
    d->search->setAccessibleName(tr("Search rooms"));
    d->search->setClearButtonEnabled(true);
    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    auto *top = new QHBoxLayout;
    top->addWidget(d->search, 1);
    top->addWidget(refreshButton);
    d->table = new QTableView(this);
    d->table->setObjectName(u"roomsTable"_s);
    d->table->setAccessibleName(tr("Rooms"));
    d->table->setModel(d->proxy);
    d->table->setSortingEnabled(true);
    d->table->sortByColumn(0, Qt::AscendingOrder);
    setUpRecordTable(d->table);
    d->table->setSelectionMode(QAbstractItemView::SingleSelection);
    d->remove = new QPushButton(tr("&Delete room…"), this);
    d->remove->setObjectName(u"deleteRoom"_s);

    // Detail: the room's own (signed) policy, what the server enforces on top, members.
    d->detailBox = new QGroupBox(this);
    d->detailBox->setObjectName(u"roomDetails"_s);
    d->summary = new QLabel(d->detailBox);
    d->summary->setObjectName(u"roomSummary"_s);
    d->summary->setWordWrap(true);
    d->summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    d->ownPolicy = new QLabel(d->detailBox);
    d->ownPolicy->setObjectName(u"ownPolicy"_s);
    d->enforcedPolicy = new QLabel(d->detailBox);
    d->enforcedPolicy->setObjectName(u"enforcedPolicy"_s);
    d->effectivePolicy = new QLabel(d->detailBox);
    d->effectivePolicy->setObjectName(u"effectivePolicy"_s);
    auto *policyForm = new QFormLayout;
    policyForm->addRow(tr("Set by the room's admins:"), d->ownPolicy);
    policyForm->addRow(tr("Enforced by this server:"), d->enforcedPolicy);
    policyForm->addRow(tr("In effect:"), d->effectivePolicy);
    d->members = new RecordModel({{u"name"_s, tr("Member"), RecordModel::Kind::Text},
                                  {u"admin"_s, tr("Room admin"), RecordModel::Kind::Bool}},
                                 this);
    d->members->setObjectName(u"membersModel"_s);
    d->memberTable = new QTableView(d->detailBox);
    d->memberTable->setObjectName(u"membersTable"_s);
    d->memberTable->setAccessibleName(tr("Members of the selected room"));
    d->memberTable->setModel(d->members);
    d->memberTable->verticalHeader()->hide();
    d->memberTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    d->memberTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    d->memberTable->horizontalHeader()->setStretchLastSection(true);

    auto *enforceBox = new QGroupBox(tr("Retention enforced by the server"), d->detailBox);
    auto *explanation = new QLabel(
        tr("Title, description and the room's own expiry and burn-after-reading belong to the room's admins: they are "
           "signed by their devices, and the server cannot change them. The server can only enforce stricter retention "
           "on top: a shorter expiry, or burn-after-reading for every message."),
        enforceBox);
    explanation->setWordWrap(true);
    explanation->setObjectName(u"policyExplanation"_s);
    d->enforceExpiry = new QCheckBox(tr("Delete messages after at &most:"), enforceBox);
    d->enforceExpiry->setObjectName(u"enforceExpiry"_s);
    d->enforcedExpire = new DurationEdit(enforceBox);
    d->enforcedExpire->setObjectName(u"enforcedExpire"_s);
    d->enforcedExpire->setAccessibleNames(tr("Longest time messages are kept in this room"));
    d->enforcedExpire->setSeconds(86400);
    d->enforceBurn = new QCheckBox(tr("&Force burn after reading"), enforceBox);
    d->enforceBurn->setObjectName(u"enforceBurn"_s);
    d->applyPolicy = new QPushButton(tr("&Apply retention"), enforceBox);
    d->applyPolicy->setObjectName(u"applyPolicy"_s);
    auto *enforceForm = new QFormLayout(enforceBox);
    enforceForm->addRow(explanation);
    enforceForm->addRow(d->enforceExpiry, d->enforcedExpire);
    enforceForm->addRow(QString(), d->enforceBurn);
    enforceForm->addRow(QString(), d->applyPolicy);

    auto *detailLayout = new QVBoxLayout(d->detailBox);
    detailLayout->addWidget(d->summary);
    detailLayout->addLayout(policyForm);
    detailLayout->addWidget(d->memberTable, 1);
    detailLayout->addWidget(enforceBox);

    auto *listSide = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listSide);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addLayout(top);
    listLayout->addWidget(d->table, 1);
    listLayout->addWidget(d->remove, 0, Qt::AlignLeft);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(listSide);
    splitter->addWidget(d->detailBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(defaultsBox);
    layout->addWidget(splitter, 1);

    // Tab order follows the reading order: defaults, list, details.
    setTabOrder(d->maxMembers, d->limitExpire);
    setTabOrder(d->limitExpire, d->maxExpire);
    setTabOrder(d->maxExpire, d->expireByDefault);
    setTabOrder(d->expireByDefault, d->defaultExpire);
    setTabOrder(d->defaultExpire, d->defaultBurn);
    setTabOrder(d->defaultBurn, saveDefaults);
    setTabOrder(saveDefaults, d->search);
    setTabOrder(d->search, refreshButton);
    setTabOrder(refreshButton, d->table);
    setTabOrder(d->table, d->remove);
    setTabOrder(d->remove, d->memberTable);
    setTabOrder(d->memberTable, d->enforceExpiry);
    setTabOrder(d->enforceExpiry, d->enforcedExpire);
    setTabOrder(d->enforcedExpire, d->enforceBurn);
    setTabOrder(d->enforceBurn, d->applyPolicy);

    d->searchTimer.setSingleShot(true);
    d->searchTimer.setInterval(SearchDelayMs);
    connect(&d->searchTimer, &QTimer::timeout, this, [this] { d->loadList(); });
    connect(d->search, &QLineEdit::textChanged, this, [this] { d->searchTimer.start(); });
    connect(d->search, &QLineEdit::returnPressed, this, [this] { d->loadList(); });
    connect(refreshButton, &QPushButton::clicked, this, &RoomsPage::refresh);
    connect(saveDefaults, &QPushButton::clicked, this, [this] { d->saveDefaults(); });
    connect(d->limitExpire, &QCheckBox::toggled, this, [this] { d->updateEnabled(); });
    connect(d->expireByDefault, &QCheckBox::toggled, this, [this] { d->updateEnabled(); });
    connect(d->enforceExpiry, &QCheckBox::toggled, this, [this] { d->updateEnabled(); });
    connect(d->applyPolicy, &QPushButton::clicked, this, [this] { d->applyEnforcedPolicy(); });
    connect(d->table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { d->loadRoom(); });
    connect(d->remove, &QPushButton::clicked, this, [this] {
        const QString room = d->selectedRoom();
        if (room.isEmpty())
            return;
        confirm(tr("Delete the room %1 with its membership chain? Its members lose it on all their devices. This cannot "
                   "be undone.").arg(room),
                [this, room] {
                    QCborMap args;
                    args.insert(u"room"_s, room);
                    request(u"rooms.delete"_s, args, [this, room](const QCborMap &) {
                        Q_EMIT message(tr("The room %1 was deleted.").arg(room), false);
                        d->loadList();
                    });
                });
    });
    d->clearRoom();
}

RoomsPage::~RoomsPage() = default;

QString RoomsPage::title() const
{
    return tr("Rooms");
}

void RoomsPage::refresh()
{
    request(u"rooms.defaults"_s, {}, [this](const QCborMap &result) { d->showDefaults(result); });
    d->loadList();
}

bool RoomsPage::selectRoom(const QString &room)
{
    return selectRecordRow(d->table, room);
}

QCborMap RoomsPage::shownRoom() const
{
    return d->shown;
}

void RoomsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
