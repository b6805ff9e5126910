#include "auditpage.h"

#include "recordmodel.h"

#include <QCborArray>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

struct AuditPage::Private {
    RecordModel *records = nullptr;
    QLineEdit *actor = nullptr;
    QLineEdit *action = nullptr;
};

AuditPage::AuditPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    setObjectName(u"auditPage"_s);
    d->records = new RecordModel({{u"at"_s, tr("Time"), RecordModel::Kind::Time},
                                  {u"actor"_s, tr("Administrator"), RecordModel::Kind::Text},
                                  {u"action"_s, tr("Action"), RecordModel::Kind::Text},
                                  {u"target"_s, tr("Target"), RecordModel::Kind::Text},
                                  {u"outcome"_s, tr("Outcome"), RecordModel::Kind::Text}},
                                 this);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(d->records);
    proxy->setSortRole(Qt::UserRole);
    d->actor = new QLineEdit(this);
    d->actor->setObjectName(u"auditActor"_s);
    d->actor->setPlaceholderText(tr("administrator"));
    d->actor->setAccessibleName(tr("Filter by administrator"));
    d->action = new QLineEdit(this);
    d->action->setObjectName(u"auditAction"_s);
    d->action->setPlaceholderText(tr("action, e.g. user.create"));
    d->action->setAccessibleName(tr("Filter by action"));
    auto *apply = new QPushButton(tr("&Filter"), this);
    auto *exportButton = new QPushButton(tr("E&xport CSV…"), this);
    auto *top = new QHBoxLayout;
    top->addWidget(d->actor, 1);
    top->addWidget(d->action, 1);
    top->addWidget(apply);
    top->addWidget(exportButton);
    auto *view = new QTableView(this);
    view->setObjectName(u"auditTable"_s);
    view->setAccessibleName(tr("Audit records"));
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(0, Qt::DescendingOrder);
    setUpRecordTable(view);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(view, 1);

    connect(apply, &QPushButton::clicked, this, &AuditPage::refresh);
    connect(d->actor, &QLineEdit::returnPressed, this, &AuditPage::refresh);
    connect(d->action, &QLineEdit::returnPressed, this, &AuditPage::refresh);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        request(u"audit.export"_s, {}, [this](const QCborMap &result) {
            const QByteArray csv = result.value(u"csv"_s).toString().toUtf8();
            chooseSaveFile(tr("Export the audit log"), u"parley-audit.csv"_s, tr("CSV files (*.csv)"),
                           [this, csv](const QString &path) { saveData(path, csv); });
        });
    });
}

AuditPage::~AuditPage() = default;

QString AuditPage::title() const
{
    return tr("Audit log");
}

void AuditPage::refresh()
{
    QCborMap args;
    if (!d->actor->text().trimmed().isEmpty())
        args.insert(u"actor"_s, d->actor->text().trimmed());
    if (!d->action->text().trimmed().isEmpty())
        args.insert(u"action"_s, d->action->text().trimmed());
    request(u"audit.show"_s, args, [this](const QCborMap &result) { d->records->setRecords(result.value(u"records"_s).toArray()); });
}

void AuditPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
