#include "loggingpage.h"

#include "recordmodel.h"

#include <QCborArray>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr int PollMs = 3000;
constexpr int EventLimit = 500;
const QStringList Levels = {u"debug"_s, u"info"_s, u"warning"_s, u"critical"_s, u"off"_s};
}

struct LoggingPage::Private {
    LoggingPage *q = nullptr;
    QGroupBox *levelsBox = nullptr;
    QFormLayout *levelsForm = nullptr;
    QHash<QString, QComboBox *> boxes;
    QHash<QString, QString> current;     // the level in force per category, as the server last said
    QSpinBox *retention = nullptr;
    RecordModel *events = nullptr;
    QSortFilterProxyModel *proxy = nullptr;
    QLineEdit *filter = nullptr;
    QComboBox *minLevel = nullptr;
    QCheckBox *live = nullptr;
    QTimer poll;
    bool polling = false;

    static QString levelName(const QString &level)
    {
        if (level == u"debug"_s)
            return LoggingPage::tr("debug (everything)");
        if (level == u"info"_s)
            return LoggingPage::tr("info");
        if (level == u"warning"_s)
            return LoggingPage::tr("warnings and errors");
        if (level == u"critical"_s)
            return LoggingPage::tr("critical errors only");
        return LoggingPage::tr("off");
    }

    void setLevels(const QCborMap &levels)
    {
        for (auto it = levels.cbegin(); it != levels.cend(); ++it) {
            const QString category = it.key().toString();
            const QString level = it.value().toString();
            QComboBox *box = boxes.value(category);
            if (!box) {
                box = new QComboBox(levelsBox);
                box->setObjectName(u"level:"_s + category);
                box->setAccessibleName(LoggingPage::tr("Verbosity of %1").arg(category));
                for (const QString &l : Levels)
                    box->addItem(levelName(l), l);
                boxes.insert(category, box);
                levelsForm->addRow(category + u':', box);
                QObject::connect(box, &QComboBox::activated, q, [this, category] { setLevel(category); });
            }
            showLevel(category, level);
        }
    }

    void showLevel(const QString &category, const QString &level)
    {
        QComboBox *box = boxes.value(category);
        const QSignalBlocker block(box);
        box->setCurrentIndex(std::max(0, int(Levels.indexOf(level))));
        current.insert(category, level);
    }

    // Sends the level chosen in the category's box; a refusal puts the box back to the level in force.
    void setLevel(const QString &category)
    {
        QCborMap args;
        args.insert(u"category"_s, category);
        args.insert(u"level"_s, boxes.value(category)->currentData().toString());
        q->client()->call(u"log.set_level"_s, args, q, [this, category](const AdminClient::Reply &reply) {
            if (!reply.ok) {
                showLevel(category, current.value(category));
                Q_EMIT q->message(reply.text(), true);
                return;
            }
            const QString now = reply.result.value(u"level"_s).toString();
            showLevel(category, now);
            Q_EMIT q->message(LoggingPage::tr("%1 now logs at level %2.").arg(category, levelName(now)), false);
            Q_EMIT q->levelChanged(category, now);
        });
    }

    void fetchEvents()
    {
        if (polling)
            return;
        polling = true;
        QCborMap args;
        args.insert(u"limit"_s, EventLimit);
        const QString level = minLevel->currentData().toString();
        if (!level.isEmpty())
            args.insert(u"level"_s, level);
        q->client()->call(u"log.show"_s, args, q, [this](const AdminClient::Reply &reply) {
            polling = false;
            if (!reply.ok) {
                Q_EMIT q->message(reply.text(), true);
                return;
            }
            events->setRecords(reply.result.value(u"events"_s).toArray());
        });
    }
};

LoggingPage::LoggingPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"loggingPage"_s);
    d->levelsBox = new QGroupBox(tr("Verbosity per subsystem"), this);
    d->levelsForm = new QFormLayout(d->levelsBox);

    auto *retentionBox = new QGroupBox(tr("Retention"), this);
    d->retention = new QSpinBox(retentionBox);
    d->retention->setObjectName(u"retentionDays"_s);
    d->retention->setRange(1, 3650);
    d->retention->setSuffix(tr(" days"));
    d->retention->setAccessibleName(tr("Keep events for days"));
    auto *applyRetention = new QPushButton(tr("&Apply"), retentionBox);
    applyRetention->setObjectName(u"applyRetention"_s);
    auto *retentionLayout = new QHBoxLayout(retentionBox);
    retentionLayout->addWidget(new QLabel(tr("Keep events for"), retentionBox));
    retentionLayout->addWidget(d->retention);
    retentionLayout->addWidget(applyRetention);
    retentionLayout->addStretch();

    auto *eventsBox = new QGroupBox(tr("Events"), this);
    d->events = new RecordModel({{u"at"_s, tr("Time"), RecordModel::Kind::Time},
                                 {u"level"_s, tr("Level"), RecordModel::Kind::Text},
                                 {u"category"_s, tr("Subsystem"), RecordModel::Kind::Text},
                                 {u"message"_s, tr("Message"), RecordModel::Kind::Text}},
                                this);
    d->proxy = new QSortFilterProxyModel(this);
    d->proxy->setSourceModel(d->events);
    d->proxy->setFilterKeyColumn(-1);
    d->proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    d->proxy->setSortRole(Qt::UserRole);
    d->filter = new QLineEdit(eventsBox);
    d->filter->setObjectName(u"eventFilter"_s);
    d->filter->setPlaceholderText(tr("Filter events"));
    d->filter->setAccessibleName(tr("Filter events"));
    d->filter->setClearButtonEnabled(true);
    d->minLevel = new QComboBox(eventsBox);
    d->minLevel->setObjectName(u"minLevel"_s);
    d->minLevel->setAccessibleName(tr("Minimum level"));
    d->minLevel->addItem(tr("all levels"), QString());
    d->minLevel->addItem(tr("info and above"), u"info"_s);
    d->minLevel->addItem(tr("warnings and above"), u"warning"_s);
    d->minLevel->addItem(tr("critical only"), u"critical"_s);
    d->live = new QCheckBox(tr("&Live"), eventsBox);
    d->live->setObjectName(u"live"_s);
    d->live->setChecked(true);
    d->live->setAccessibleName(tr("Refresh the events live"));
    auto *view = new QTableView(eventsBox);
    view->setObjectName(u"eventsTable"_s);
    view->setAccessibleName(tr("Events"));
    view->setModel(d->proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(0, Qt::DescendingOrder);
    setUpRecordTable(view);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(d->filter, 1);
    filterRow->addWidget(d->minLevel);
    filterRow->addWidget(d->live);
    auto *eventsLayout = new QVBoxLayout(eventsBox);
    eventsLayout->addLayout(filterRow);
    eventsLayout->addWidget(view);

    auto *upper = new QHBoxLayout;
    upper->addWidget(d->levelsBox, 1);
    upper->addWidget(retentionBox, 1, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(upper);
    layout->addWidget(eventsBox, 1);

    d->poll.setInterval(PollMs);
    connect(&d->poll, &QTimer::timeout, this, [this] { d->fetchEvents(); });
    connect(d->filter, &QLineEdit::textChanged, d->proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(d->minLevel, &QComboBox::activated, this, [this] { d->fetchEvents(); });
    connect(d->live, &QCheckBox::toggled, this, [this](bool on) {
        if (on && isVisible())
            d->poll.start();
        else
            d->poll.stop();
    });
    connect(applyRetention, &QPushButton::clicked, this, [this] {
        QCborMap args;
        args.insert(u"days"_s, d->retention->value());
        request(u"log.retention"_s, args, [this](const QCborMap &result) {
            Q_EMIT message(tr("Events are now kept for %n day(s).", nullptr, int(result.value(u"days"_s).toInteger())), false);
        });
    });
}

LoggingPage::~LoggingPage() = default;

QString LoggingPage::title() const
{
    return tr("Event logging");
}

void LoggingPage::refresh()
{
    request(u"log.levels"_s, {}, [this](const QCborMap &result) {
        d->setLevels(result.value(u"levels"_s).toMap());
        Q_EMIT levelsLoaded();
    });
    request(u"log.retention"_s, {}, [this](const QCborMap &result) { d->retention->setValue(int(result.value(u"days"_s).toInteger())); });
    d->fetchEvents();
}

QComboBox *LoggingPage::levelBox(const QString &category) const
{
    return d->boxes.value(category);
}

void LoggingPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
    if (d->live->isChecked())
        d->poll.start();
}

void LoggingPage::hideEvent(QHideEvent *event)
{
    Page::hideEvent(event);
    d->poll.stop();
}

} // namespace parley::admin
