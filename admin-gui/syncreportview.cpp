#include "syncreportview.h"

#include "enrollmentdialog.h"
#include "page.h"
#include "recordmodel.h"

#include <QCborArray>
#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

QString joined(const QCborValue &names)
{
    QStringList out;
    for (const QCborValue &v : names.toArray())
        out << v.toString();
    return out.join(u", "_s);
}

// A field of CSV (RFC 4180): quoted when it holds a comma, a quote or a line break.
QString csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    return u"\""_s + QString(text).replace(u"\""_s, u"\"\""_s) + u"\""_s;
}

} // namespace

struct SyncReportView::Private {
    SyncReportView *q = nullptr;
    QCborMap report;
    QLabel *summary = nullptr;
    QTabWidget *tabs = nullptr;
    RecordModel *changes = nullptr;
    RecordModel *skipped = nullptr;
    RecordModel *waiting = nullptr;
    RecordModel *rooms = nullptr;
    RecordModel *codes = nullptr;
    QTableView *codesTable = nullptr;
    QPushButton *showQr = nullptr;
    QPushButton *copyCodes = nullptr;
    QPushButton *saveCodes = nullptr;
    QWidget *codesPage = nullptr;

    QTableView *table(QWidget *parent, RecordModel *model, const QString &name, const QString &accessible)
    {
        auto *view = new QTableView(parent);
        view->setObjectName(name);
        view->setAccessibleName(accessible);
        view->setModel(model);
        setUpRecordTable(view);
        view->setSelectionMode(QAbstractItemView::SingleSelection);
        return view;
    }

    QCborMap selectedCode() const
    {
        const QModelIndex index = codesTable->currentIndex();
        return index.isValid() ? codes->record(index.row()) : QCborMap();
    }

    QString codesText() const
    {
        QStringList lines;
        for (int row = 0; row < codes->rowCount(); ++row) {
            const QCborMap c = codes->record(row);
            lines << u"%1\t%2\t%3"_s.arg(c.value(u"name"_s).toString(), c.value(u"code"_s).toString(), c.value(u"link"_s).toString());
        }
        return lines.join(u'\n') + u'\n';
    }

    QByteArray codesCsv() const
    {
        QString csv = u"name,display_name,code,link,expires_at\n"_s;
        for (int row = 0; row < codes->rowCount(); ++row) {
            const QCborMap c = codes->record(row);
            const QDateTime expires = QDateTime::fromMSecsSinceEpoch(c.value(u"expires_at"_s).toInteger());
            csv += QStringList{csvField(c.value(u"name"_s).toString()), csvField(c.value(u"display_name"_s).toString()),
                               csvField(c.value(u"code"_s).toString()), csvField(c.value(u"link"_s).toString()),
                               expires.toUTC().toString(Qt::ISODate)}
                       .join(u',')
                   + u'\n';
        }
        return csv.toUtf8();
    }
};

SyncReportView::SyncReportView(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"syncReport"_s);
    d->summary = new QLabel(tr("No sync has run yet. \"Dry run\" shows what a sync would change without changing anything."), this);
    d->summary->setObjectName(u"syncSummary"_s);
    d->summary->setWordWrap(true);
    d->summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);

    // The entry's DN is the user's tooltip: the reasons need the width.
    d->changes = new RecordModel({{u"name"_s, tr("User"), RecordModel::Kind::Text, u"dn"_s},
                                  {u"shown_action"_s, tr("Action"), RecordModel::Kind::Text},
                                  {u"display_name"_s, tr("Display name"), RecordModel::Kind::Text, u"dn"_s},
                                  {u"reason"_s, tr("Reason"), RecordModel::Kind::Text}},
                                 this);
    d->changes->setObjectName(u"changesModel"_s);
    d->skipped = new RecordModel({{u"value"_s, tr("Name in the directory"), RecordModel::Kind::Text},
                                  {u"reason"_s, tr("Reason"), RecordModel::Kind::Text},
                                  {u"dn"_s, tr("Entry"), RecordModel::Kind::Text}},
                                 this);
    d->skipped->setObjectName(u"skippedModel"_s);
    d->waiting = new RecordModel({{u"name"_s, tr("User"), RecordModel::Kind::Text},
                                  {u"delete_at"_s, tr("Deleted at"), RecordModel::Kind::Time}},
                                 this);
    d->waiting->setObjectName(u"waitingModel"_s);
    d->rooms = new RecordModel({{u"group"_s, tr("Group"), RecordModel::Kind::Text},
                                {u"room"_s, tr("Room"), RecordModel::Kind::Text},
                                {u"shown_missing"_s, tr("To add"), RecordModel::Kind::Text},
                                {u"shown_extra"_s, tr("To remove"), RecordModel::Kind::Text},
                                {u"problem"_s, tr("Problem"), RecordModel::Kind::Text}},
                               this);
    d->rooms->setObjectName(u"roomsDiffModel"_s);
    d->codes = new RecordModel({{u"name"_s, tr("User"), RecordModel::Kind::Text},
                                {u"display_name"_s, tr("Display name"), RecordModel::Kind::Text},
                                {u"code"_s, tr("Code"), RecordModel::Kind::Text},
                                {u"expires_at"_s, tr("Valid until"), RecordModel::Kind::Time},
                                {u"link"_s, tr("Link"), RecordModel::Kind::Text}},
                               this);
    d->codes->setObjectName(u"codesModel"_s);

    d->tabs = new QTabWidget(this);
    d->tabs->setObjectName(u"reportTabs"_s);
    d->tabs->addTab(d->table(d->tabs, d->changes, u"changesTable"_s, tr("Changes")), QString());
    d->tabs->addTab(d->table(d->tabs, d->skipped, u"skippedTable"_s, tr("Skipped entries")), QString());
    d->tabs->addTab(d->table(d->tabs, d->waiting, u"waitingTable"_s, tr("Users waiting for deletion")), QString());
    d->tabs->addTab(d->table(d->tabs, d->rooms, u"roomsDiffTable"_s, tr("Rooms and groups")), QString());

    d->codesPage = new QWidget(d->tabs);
    d->codesTable = d->table(d->codesPage, d->codes, u"codesTable"_s, tr("Enrollment codes of new users"));
    auto *codesNote = new QLabel(tr("Shown only now: the server keeps no copy. Hand each code to its user, or save them "
                                    "all and send them through your usual channel."),
                                 d->codesPage);
    codesNote->setWordWrap(true);
    d->showQr = new QPushButton(tr("Show &QR code…"), d->codesPage);
    d->showQr->setObjectName(u"showCodeQr"_s);
    d->copyCodes = new QPushButton(tr("Cop&y all"), d->codesPage);
    d->copyCodes->setObjectName(u"copyCodes"_s);
    d->saveCodes = new QPushButton(tr("Sa&ve as CSV…"), d->codesPage);
    d->saveCodes->setObjectName(u"saveCodes"_s);
    auto *codeButtons = buttonRow({d->showQr, d->copyCodes, d->saveCodes});
    auto *codesLayout = new QVBoxLayout(d->codesPage);
    codesLayout->addWidget(codesNote);
    codesLayout->addWidget(d->codesTable, 1);
    codesLayout->addLayout(codeButtons);
    d->tabs->addTab(d->codesPage, QString());

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->summary);
    layout->addWidget(d->tabs, 1);

    connect(d->showQr, &QPushButton::clicked, this, [this] {
        const QCborMap c = d->selectedCode().isEmpty() ? d->codes->record(0) : d->selectedCode();
        if (c.isEmpty())
            return;
        auto *dialog = new EnrollmentDialog(c.value(u"name"_s).toString(), c.value(u"code"_s).toString(),
                                            c.value(u"link"_s).toString(), c.value(u"expires_at"_s).toInteger(), this);
        dialog->show();
    });
    connect(d->copyCodes, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(d->codesText());
        Q_EMIT message(tr("The codes were copied: one line per user with name, code and link."), false);
    });
    connect(d->saveCodes, &QPushButton::clicked, this, [this] { Q_EMIT saveCodes(d->codesCsv()); });
    showReport({}, QString());
}

SyncReportView::~SyncReportView() = default;

QString SyncReportView::actionText(const QString &action)
{
    if (action == u"create"_s)
        return tr("create user");
    if (action == u"link"_s)
        return tr("link existing user");
    if (action == u"suspend"_s)
        return tr("suspend");
    if (action == u"resume"_s)
        return tr("resume");
    if (action == u"missing"_s)
        return tr("gone: suspend, delete later");
    if (action == u"returned"_s)
        return tr("back in the directory");
    if (action == u"delete"_s)
        return tr("delete user");
    if (action == u"revoke_codes"_s)
        return tr("revoke enrollment codes");
    if (action == u"unlink"_s)
        return tr("unlink");
    return action;
}

void SyncReportView::showReport(const QCborMap &report, const QString &title)
{
    d->report = report;
    QCborArray changes;
    QCborArray codes;
    for (const QCborValue &v : report.value(u"changes"_s).toArray()) {
        QCborMap change = v.toMap();
        change.insert(u"shown_action"_s, actionText(change.value(u"action"_s).toString()));
        changes.append(change);
        if (change.contains(u"code"_s))
            codes.append(change);
    }
    QCborArray rooms;
    for (const QCborValue &v : report.value(u"rooms"_s).toArray()) {
        QCborMap room = v.toMap();
        room.insert(u"shown_missing"_s, joined(room.value(u"missing"_s)));
        room.insert(u"shown_extra"_s, joined(room.value(u"extra"_s)));
        rooms.append(room);
    }
    d->changes->setRecords(changes);
    d->skipped->setRecords(report.value(u"skipped"_s).toArray());
    d->waiting->setRecords(report.value(u"waiting"_s).toArray());
    d->rooms->setRecords(rooms);
    d->codes->setRecords(codes);
    d->tabs->setTabText(0, tr("Changes (%1)").arg(changes.size()));
    d->tabs->setTabText(1, tr("Skipped (%1)").arg(d->skipped->rowCount()));
    d->tabs->setTabText(2, tr("Waiting for deletion (%1)").arg(d->waiting->rowCount()));
    d->tabs->setTabText(3, tr("Rooms (%1)").arg(rooms.size()));
    d->tabs->setTabText(4, tr("Enrollment codes (%1)").arg(codes.size()));
    d->tabs->setTabVisible(4, !codes.isEmpty());
    d->showQr->setEnabled(!codes.isEmpty());
    d->copyCodes->setEnabled(!codes.isEmpty());
    d->saveCodes->setEnabled(!codes.isEmpty());
    if (!codes.isEmpty())
        d->tabs->setCurrentWidget(d->codesPage);
    else if (d->tabs->currentIndex() == 4)
        d->tabs->setCurrentIndex(0);

    if (report.isEmpty()) {
        d->summary->setText(tr("No sync has run yet. \"Dry run\" shows what a sync would change without changing anything."));
        return;
    }
    QStringList lines;
    lines << title;
    if (report.value(u"outcome"_s).toString().isEmpty() || report.value(u"outcome"_s).toString() == u"ok"_s) {
        lines << tr("Read: %1, %2, %3.")
                     .arg(tr("%n entry(s)", nullptr, int(report.value(u"entries"_s).toInteger())),
                          tr("%n group(s)", nullptr, int(report.value(u"groups"_s).toInteger())),
                          tr("%n page(s)", nullptr, int(report.value(u"pages"_s).toInteger())));
        const bool dryRun = report.value(u"dry_run"_s).toBool();
        lines << (dryRun ? tr("Would create %1, suspend %2, resume %3 and delete %4 of the users; %5.")
                         : tr("Created %1, suspended %2, resumed %3 and deleted %4 of the users; %5."))
                     .arg(report.value(u"created"_s).toInteger())
                     .arg(report.value(u"suspended"_s).toInteger())
                     .arg(report.value(u"resumed"_s).toInteger())
                     .arg(report.value(u"deleted"_s).toInteger())
                     .arg(tr("%n entry(s) skipped", nullptr, d->skipped->rowCount()));
        if (dryRun)
            lines << tr("A dry run changes nothing and issues no code.");
    } else {
        lines << tr("It failed (%1): %2. Nothing was changed.")
                     .arg(report.value(u"outcome"_s).toString(), report.value(u"error"_s).toString());
    }
    d->summary->setText(lines.join(u'\n'));
}

QCborMap SyncReportView::report() const
{
    return d->report;
}

} // namespace parley::admin
