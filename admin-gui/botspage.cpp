#include "botspage.h"

#include "botdialog.h"
#include "enrollmentdialog.h"
#include "recordmodel.h"

#include <QCborArray>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

struct BotsPage::Private {
    BotsPage *q = nullptr;
    RecordModel *bots = nullptr;
    QSortFilterProxyModel *proxy = nullptr;
    QTableView *table = nullptr;
    QLineEdit *search = nullptr;
    QPushButton *edit = nullptr;
    QPushButton *revoke = nullptr;

    QCborMap selected() const
    {
        const QModelIndex index = table->currentIndex();
        if (!index.isValid() || !table->selectionModel()->isSelected(index))
            return {};
        return bots->record(proxy->mapToSource(index).row());
    }

    void updateButtons()
    {
        const QCborMap bot = selected();
        const bool live = !bot.isEmpty() && bot.value(u"state"_s).toString() != u"revoked"_s;
        edit->setEnabled(live);
        revoke->setEnabled(live);
    }

    // The scope and the limits in words for the table.
    static QCborMap shown(QCborMap bot)
    {
        QStringList scope;
        for (const QCborValue &v : bot.value(u"scope"_s).toArray()) {
            const QString entry = v.toString();
            if (entry == u"any"_s)
                scope << BotsPage::tr("anyone");
            else if (entry.startsWith(u"room:"_s))
                scope << BotsPage::tr("room %1").arg(entry.mid(5));
            else if (entry.startsWith(u"user:"_s))
                scope << entry.mid(5);
            else
                scope << entry;
        }
        bot.insert(u"shown_scope"_s, scope.join(u", "_s));
        bot.insert(u"shown_rate"_s, BotsPage::tr("%1/s, burst %2")
                                        .arg(bot.value(u"rate"_s).toInteger())
                                        .arg(bot.value(u"burst"_s).toInteger()));
        return bot;
    }

    void showEnrollment(const QCborMap &result)
    {
        const QString name = result.value(u"name"_s).toString();
        auto *dialog = new EnrollmentDialog(name, result.value(u"code"_s).toString(), result.value(u"link"_s).toString(),
                                            result.value(u"code_expires_at"_s).toInteger(), q);
        dialog->setIntro(BotsPage::tr("The one-time code of %1's device, shown only now. On the bot's host, enroll it with "
                                      "\"parley-bot --profile DIR enroll LINK\" (or scan the QR code with a device that "
                                      "runs the bot). Anyone with the code can enroll as this bot until it is used or "
                                      "expires; a lost code is replaced on the Users page (New enrollment code).").arg(name));
        dialog->show();
    }

    void openDialog(BotDialog *dialog)
    {
        QObject::connect(dialog, &BotDialog::message, q, &Page::message);
        const bool creating = dialog->isCreating();
        QObject::connect(dialog, &BotDialog::saved, q, [this, creating](const QCborMap &result) {
            const QString name = result.value(u"name"_s).toString();
            Q_EMIT q->message(creating ? BotsPage::tr("The bot %1 was created.").arg(name)
                                       : BotsPage::tr("The bot %1 was changed.").arg(name),
                              false);
            if (creating)
                showEnrollment(result);
            pendingSelection = name;
            q->refresh();
        });
        dialog->open();
    }

    QString pendingSelection;
};

BotsPage::BotsPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"botsPage"_s);
    auto *intro = new QLabel(tr("Bots are service accounts for integrations: monitoring alerts, deploy notices, a help "
                                "desk. Their devices hold their own keys like anyone's; the server holds each bot to "
                                "whom it may send, how fast, and until when. Names ending in .bot are bots' alone."),
                             this);
    intro->setWordWrap(true);
    d->search = new QLineEdit(this);
    d->search->setObjectName(u"botSearch"_s);
    d->search->setPlaceholderText(tr("Search bots"));
    d->search->setAccessibleName(tr("Search bots"));
    d->search->setClearButtonEnabled(true);
    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    auto *create = new QPushButton(tr("&New bot…"), this);
    create->setObjectName(u"createBot"_s);
    auto *top = new QHBoxLayout;
    top->addWidget(d->search, 1);
    top->addWidget(refreshButton);
    top->addWidget(create);

    d->bots = new RecordModel({{u"name"_s, tr("Name"), RecordModel::Kind::Text},
                               {u"state"_s, tr("State"), RecordModel::Kind::State},
                               {u"shown_scope"_s, tr("May send to"), RecordModel::Kind::Text},
                               {u"shown_rate"_s, tr("Rate"), RecordModel::Kind::Text},
                               {u"expires_at"_s, tr("Expires"), RecordModel::Kind::Time},
                               {u"last_seen"_s, tr("Last seen"), RecordModel::Kind::Time},
                               {u"description"_s, tr("Description"), RecordModel::Kind::Text}},
                              this);
    d->bots->setObjectName(u"botsModel"_s);
    d->proxy = new QSortFilterProxyModel(this);
    d->proxy->setSourceModel(d->bots);
    d->proxy->setSortRole(Qt::UserRole);
    d->proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    d->proxy->setFilterKeyColumn(-1);
    d->table = new QTableView(this);
    d->table->setObjectName(u"botsTable"_s);
    d->table->setAccessibleName(tr("Bots"));
    d->table->setModel(d->proxy);
    d->table->setSortingEnabled(true);
    d->table->sortByColumn(0, Qt::AscendingOrder);
    setUpRecordTable(d->table);
    d->table->setSelectionMode(QAbstractItemView::SingleSelection);

    d->edit = new QPushButton(tr("&Change…"), this);
    d->edit->setObjectName(u"editBot"_s);
    d->revoke = new QPushButton(tr("Re&voke…"), this);
    d->revoke->setObjectName(u"revokeBot"_s);
    auto *note = new QLabel(tr("Suspend a bot for a while, or give its device a new code, on the Users page."), this);
    note->setWordWrap(true);
    auto *actions = new QHBoxLayout;
    actions->addWidget(d->edit);
    actions->addWidget(d->revoke);
    actions->addWidget(note, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(top);
    layout->addWidget(d->table, 1);
    layout->addLayout(actions);

    connect(d->search, &QLineEdit::textChanged, d->proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(refreshButton, &QPushButton::clicked, this, &BotsPage::refresh);
    connect(d->table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { d->updateButtons(); });
    connect(d->table, &QTableView::doubleClicked, this, [this] {
        if (d->edit->isEnabled())
            d->edit->click();
    });
    connect(create, &QPushButton::clicked, this, [this] { d->openDialog(new BotDialog(this->client(), this)); });
    connect(d->edit, &QPushButton::clicked, this, [this] {
        const QCborMap bot = d->selected();
        if (!bot.isEmpty())
            d->openDialog(new BotDialog(this->client(), bot, this));
    });
    connect(d->revoke, &QPushButton::clicked, this, [this] {
        const QString name = d->selected().value(u"name"_s).toString();
        if (name.isEmpty())
            return;
        confirm(tr("Revoke %1? This is final and cannot be undone: its devices are revoked, its live sessions end at "
                   "once and its pending enrollment codes are deleted. The name stays taken until the bot is deleted on "
                   "the Users page.").arg(name),
                [this, name] {
                    request(u"bots.revoke"_s, {{u"name"_s, name}}, [this, name](const QCborMap &) {
                        Q_EMIT message(tr("The bot %1 was revoked.").arg(name), false);
                        refresh();
                    });
                });
    });
    d->updateButtons();
}

BotsPage::~BotsPage() = default;

QString BotsPage::title() const
{
    return tr("Bots");
}

void BotsPage::refresh()
{
    QString keep = d->selected().value(u"name"_s).toString();
    if (!d->pendingSelection.isEmpty())
        keep = std::exchange(d->pendingSelection, QString());
    request(u"bots.list"_s, {}, [this, keep](const QCborMap &result) {
        QCborArray rows;
        for (const QCborValue &bot : result.value(u"bots"_s).toArray())
            rows.append(Private::shown(bot.toMap()));
        d->bots->setRecords(rows);
        if (!keep.isEmpty())
            selectBot(keep);
        d->updateButtons();
        Q_EMIT botsLoaded();
    });
}

bool BotsPage::selectBot(const QString &name)
{
    return selectRecordRow(d->table, name);
}

QCborMap BotsPage::bot(const QString &name) const
{
    for (int row = 0; row < d->bots->rowCount(); ++row) {
        if (d->bots->record(row).value(u"name"_s).toString() == name)
            return d->bots->record(row);
    }
    return {};
}

void BotsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
