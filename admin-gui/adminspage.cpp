#include "adminspage.h"

#include "qrimage.h"
#include "recordmodel.h"

#include <QCborArray>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

struct AdminsPage::Private {
    AdminsPage *q = nullptr;
    RecordModel *admins = nullptr;
    QTableView *table = nullptr;
    QLineEdit *newName = nullptr;
    QLineEdit *newPassword = nullptr;
    QLineEdit *resetPassword = nullptr;
    QLabel *totpQr = nullptr;
    QLabel *totpSecret = nullptr;
    QLineEdit *totpCode = nullptr;
    QPushButton *totpEnable = nullptr;

    QString selected() const
    {
        const QModelIndex index = table->currentIndex();
        return index.isValid() ? admins->record(index.row()).value(u"name"_s).toString() : QString();
    }
};

AdminsPage::AdminsPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"adminsPage"_s);
    d->admins = new RecordModel({{u"name"_s, tr("Name"), RecordModel::Kind::Text},
                                 {u"totp"_s, tr("TOTP"), RecordModel::Kind::Bool},
                                 {u"must_change_password"_s, tr("Must change password"), RecordModel::Kind::Bool},
                                 {u"locked"_s, tr("Locked"), RecordModel::Kind::Bool},
                                 {u"created_at"_s, tr("Created"), RecordModel::Kind::Time}},
                                this);
    d->table = new QTableView(this);
    d->table->setObjectName(u"adminsTable"_s);
    d->table->setAccessibleName(tr("Admin accounts"));
    d->table->setModel(d->admins);
    setUpRecordTable(d->table);
    d->table->setSelectionMode(QAbstractItemView::SingleSelection);

    auto *accountBox = new QGroupBox(tr("Accounts"), this);
    d->newName = new QLineEdit(accountBox);
    d->newName->setAccessibleName(tr("New admin name"));
    d->newName->setPlaceholderText(tr("name"));
    d->newPassword = new QLineEdit(accountBox);
    d->newPassword->setEchoMode(QLineEdit::Password);
    d->newPassword->setAccessibleName(tr("One-time password for the new admin"));
    d->newPassword->setPlaceholderText(tr("one-time password (12+ characters)"));
    auto *create = new QPushButton(tr("&Create admin"), accountBox);
    d->resetPassword = new QLineEdit(accountBox);
    d->resetPassword->setEchoMode(QLineEdit::Password);
    d->resetPassword->setAccessibleName(tr("New one-time password for the selected admin"));
    d->resetPassword->setPlaceholderText(tr("new one-time password"));
    auto *reset = new QPushButton(tr("&Set password"), accountBox);
    auto *remove = new QPushButton(tr("&Delete…"), accountBox);
    auto *disableTotp = new QPushButton(tr("Turn TOTP &off"), accountBox);
    auto *createRow = new QHBoxLayout;
    createRow->addWidget(d->newName, 1);
    createRow->addWidget(d->newPassword, 1);
    createRow->addWidget(create);
    auto *selectedRow = new QHBoxLayout;
    selectedRow->addWidget(d->resetPassword, 1);
    selectedRow->addWidget(reset);
    selectedRow->addWidget(disableTotp);
    selectedRow->addWidget(remove);
    auto *accountForm = new QFormLayout(accountBox);
    accountForm->addRow(tr("New admin:"), createRow);
    accountForm->addRow(tr("Selected admin:"), selectedRow);

    auto *totpBox = new QGroupBox(tr("Two-factor login (TOTP) for your account"), this);
    auto *setup = new QPushButton(tr("&Start TOTP enrolment"), totpBox);
    setup->setObjectName(u"totpSetup"_s);
    d->totpQr = new QLabel(totpBox);
    d->totpQr->setObjectName(u"totpQr"_s);
    d->totpQr->setAccessibleName(tr("QR code for the authenticator app"));
    d->totpSecret = new QLabel(totpBox);
    d->totpSecret->setObjectName(u"totpSecret"_s);
    d->totpSecret->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->totpSecret->setWordWrap(true);
    d->totpCode = new QLineEdit(totpBox);
    d->totpCode->setObjectName(u"totpCode"_s);
    d->totpCode->setAccessibleName(tr("Current code from the authenticator app"));
    d->totpCode->setPlaceholderText(tr("6-digit code"));
    d->totpCode->setMaxLength(8);
    d->totpEnable = new QPushButton(tr("&Confirm and turn on"), totpBox);
    d->totpEnable->setObjectName(u"totpEnable"_s);
    d->totpEnable->setEnabled(false);
    auto *codeRow = buttonRow({d->totpCode, d->totpEnable});
    auto *totpLayout = new QVBoxLayout(totpBox);
    totpLayout->addWidget(setup, 0, Qt::AlignLeft);
    totpLayout->addWidget(d->totpQr);
    totpLayout->addWidget(d->totpSecret);
    totpLayout->addLayout(codeRow);

    auto *lower = new QHBoxLayout;
    lower->addWidget(accountBox, 3);
    lower->addWidget(totpBox, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(d->table, 1);
    layout->addLayout(lower);

    connect(create, &QPushButton::clicked, this, [this] {
        QCborMap args;
        args.insert(u"name"_s, d->newName->text().trimmed());
        args.insert(u"password"_s, d->newPassword->text());
        request(u"admin.create"_s, args, [this](const QCborMap &result) {
            Q_EMIT message(tr("Admin %1 created; they must choose their own password at the first login.")
                               .arg(result.value(u"name"_s).toString()), false);
            d->newName->clear();
            d->newPassword->clear();
            refresh();
        });
    });
    connect(reset, &QPushButton::clicked, this, [this] {
        const QString name = d->selected();
        if (name.isEmpty()) {
            Q_EMIT message(tr("Select an admin first."), true);
            return;
        }
        QCborMap args;
        args.insert(u"name"_s, name);
        args.insert(u"password"_s, d->resetPassword->text());
        request(u"admin.set_password"_s, args, [this, name](const QCborMap &) {
            Q_EMIT message(tr("%1 has a new one-time password and was logged out.").arg(name), false);
            d->resetPassword->clear();
            refresh();
        });
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QString name = d->selected();
        if (name.isEmpty())
            return;
        confirm(tr("Delete the admin account %1?").arg(name), [this, name] {
            QCborMap args;
            args.insert(u"name"_s, name);
            request(u"admin.delete"_s, args, [this, name](const QCborMap &) {
                Q_EMIT message(tr("Admin %1 was deleted.").arg(name), false);
                refresh();
            });
        });
    });
    connect(disableTotp, &QPushButton::clicked, this, [this] {
        const QString name = d->selected();
        if (name.isEmpty())
            return;
        confirm(tr("Turn off two-factor login for %1?").arg(name), [this, name] {
            QCborMap args;
            args.insert(u"name"_s, name);
            request(u"totp.disable"_s, args, [this, name](const QCborMap &) {
                Q_EMIT message(tr("TOTP is off for %1.").arg(name), false);
                refresh();
            });
        });
    });
    connect(setup, &QPushButton::clicked, this, [this] {
        request(u"totp.setup"_s, {}, [this](const QCborMap &result) {
            const QImage qr = qrImage(result.value(u"uri"_s).toString(), 4);
            d->totpQr->setPixmap(QPixmap::fromImage(qr));
            d->totpSecret->setText(tr("Scan the QR code with your authenticator app, or enter this secret: %1")
                                       .arg(result.value(u"secret"_s).toString()));
            d->totpEnable->setEnabled(true);
            d->totpCode->setFocus();
        });
    });
    connect(d->totpEnable, &QPushButton::clicked, this, [this] {
        QCborMap args;
        args.insert(u"code"_s, d->totpCode->text().trimmed());
        request(u"totp.enable"_s, args, [this](const QCborMap &) {
            Q_EMIT message(tr("Two-factor login is on. From now on you log in with a code from your app."), false);
            d->totpQr->clear();
            d->totpSecret->clear();
            d->totpCode->clear();
            d->totpEnable->setEnabled(false);
            refresh();
        });
    });
}

AdminsPage::~AdminsPage() = default;

QString AdminsPage::title() const
{
    return tr("Administrators");
}

void AdminsPage::refresh()
{
    request(u"admin.list"_s, {}, [this](const QCborMap &result) { d->admins->setRecords(result.value(u"admins"_s).toArray()); });
}

void AdminsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
