#include "userspage.h"

#include "enrollmentdialog.h"
#include "recordmodel.h"

#include <QCborArray>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr qint64 MaxCsvBytes = 1 << 20;
}

struct UsersPage::Private {
    UsersPage *q = nullptr;
    RecordModel *users = nullptr;
    QSortFilterProxyModel *proxy = nullptr;
    RecordModel *devices = nullptr;
    QTableView *table = nullptr;
    QTableView *deviceTable = nullptr;
    QLineEdit *search = nullptr;
    QLineEdit *newName = nullptr;
    QSpinBox *validHours = nullptr;
    QPushButton *create = nullptr;
    QPushButton *code = nullptr;
    QPushButton *suspend = nullptr;
    QPushButton *resume = nullptr;
    QPushButton *remove = nullptr;
    QPushButton *signOut = nullptr;
    QPushButton *revoke = nullptr;
    QGroupBox *deviceBox = nullptr;

    QString selectedUser() const
    {
        const QModelIndex index = table->currentIndex();
        if (!index.isValid() || !table->selectionModel()->isSelected(index))
            return {};
        return users->record(proxy->mapToSource(index).row()).value(u"name"_s).toString();
    }
    QString selectedState() const
    {
        const QModelIndex index = table->currentIndex();
        if (!index.isValid())
            return {};
        return users->record(proxy->mapToSource(index).row()).value(u"state"_s).toString();
    }

    void updateButtons()
    {
        const QString user = selectedUser();
        const QString state = selectedState();
        code->setEnabled(!user.isEmpty());
        suspend->setEnabled(!user.isEmpty() && state != u"suspended"_s);
        resume->setEnabled(!user.isEmpty() && state == u"suspended"_s);
        remove->setEnabled(!user.isEmpty());
        signOut->setEnabled(!user.isEmpty() && state == u"active"_s);
        revoke->setEnabled(!user.isEmpty() && deviceTable->selectionModel()->hasSelection());
        deviceBox->setTitle(user.isEmpty() ? UsersPage::tr("Devices") : UsersPage::tr("Devices of %1").arg(user));
    }

    void loadDevices()
    {
        const QString user = selectedUser();
        if (user.isEmpty()) {
            devices->setRecords({});
            updateButtons();
            return;
        }
        updateButtons();
        QCborMap args;
        args.insert(u"name"_s, user);
        q->request(u"user.devices"_s, args, [this, user](const QCborMap &result) {
            if (user == selectedUser())
                devices->setRecords(result.value(u"devices"_s).toArray());
            updateButtons();
        });
    }

    void showEnrollment(const QCborMap &result)
    {
        auto *dialog = new EnrollmentDialog(result.value(u"name"_s).toString(), result.value(u"code"_s).toString(),
                                            result.value(u"link"_s).toString(), result.value(u"expires_at"_s).toInteger(), q);
        dialog->show();
    }

    void createUser()
    {
        const QString name = newName->text().trimmed();
        if (name.isEmpty()) {
            Q_EMIT q->message(UsersPage::tr("Enter the new user's name first."), true);
            return;
        }
        QCborMap args;
        args.insert(u"name"_s, name);
        args.insert(u"valid_hours"_s, validHours->value());
        q->request(u"user.create"_s, args, [this, name](const QCborMap &result) {
            newName->clear();
            Q_EMIT q->message(UsersPage::tr("User %1 created.").arg(name), false);
            showEnrollment(result);
            q->refresh();
        });
    }

    void setSuspended(bool on)
    {
        const QString user = selectedUser();
        if (user.isEmpty())
            return;
        QCborMap args;
        args.insert(u"name"_s, user);
        q->request(on ? u"user.suspend"_s : u"user.resume"_s, args, [this, user, on](const QCborMap &) {
            Q_EMIT q->message(on ? UsersPage::tr("%1 is suspended; their sessions were closed.").arg(user)
                                 : UsersPage::tr("%1 may connect again.").arg(user), false);
            q->refresh();
        });
    }

    void signOutEverywhere()
    {
        const QString user = selectedUser();
        if (user.isEmpty())
            return;
        q->request(u"user.sign_out"_s, QCborMap{{u"name"_s, user}}, [this, user](const QCborMap &) {
            Q_EMIT q->message(UsersPage::tr("%1 was signed out on every device; each must log in with its key again.")
                                  .arg(user), false);
            q->refresh();
        });
    }

    void showImportResults(const QCborMap &result)
    {
        auto *dialog = new QDialog(q);
        dialog->setObjectName(u"importResults"_s);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle(UsersPage::tr("CSV import"));
        auto *model = new RecordModel({{u"line"_s, UsersPage::tr("Line"), RecordModel::Kind::Number},
                                       {u"name"_s, UsersPage::tr("Name"), RecordModel::Kind::Text},
                                       {u"outcome"_s, UsersPage::tr("Outcome"), RecordModel::Kind::Text},
                                       {u"code"_s, UsersPage::tr("Enrollment code"), RecordModel::Kind::Text},
                                       {u"msg"_s, UsersPage::tr("Problem"), RecordModel::Kind::Text}},
                                      dialog);
        model->setRecords(result.value(u"rows"_s).toArray());
        auto *view = new QTableView(dialog);
        view->setModel(model);
        view->setAccessibleName(UsersPage::tr("Import results per row"));
        view->horizontalHeader()->setStretchLastSection(true);
        auto *summary = new QLabel(UsersPage::tr("%1 created, %2 failed.")
                                       .arg(result.value(u"created"_s).toInteger())
                                       .arg(result.value(u"failed"_s).toInteger()), dialog);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        auto *layout = new QVBoxLayout(dialog);
        layout->addWidget(summary);
        layout->addWidget(view);
        layout->addWidget(buttons);
        dialog->resize(700, 400);
        dialog->show();
    }

    void importCsv(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            Q_EMIT q->message(UsersPage::tr("Could not read %1: %2").arg(path, file.errorString()), true);
            return;
        }
        if (file.size() > MaxCsvBytes) {
            Q_EMIT q->message(UsersPage::tr("%1 is larger than 1 MiB; split it into smaller files.").arg(path), true);
            return;
        }
        QCborMap args;
        args.insert(u"csv"_s, QString::fromUtf8(file.readAll()));
        args.insert(u"valid_hours"_s, validHours->value());
        Q_EMIT q->message(UsersPage::tr("Importing users …"), false);
        q->request(u"user.import"_s, args, [this](const QCborMap &result) {
            showImportResults(result);
            q->refresh();
        });
    }
};

UsersPage::UsersPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"usersPage"_s);
    d->users = new RecordModel({{u"name"_s, tr("Name"), RecordModel::Kind::Text},
                                {u"state"_s, tr("State"), RecordModel::Kind::State},
                                {u"devices"_s, tr("Devices"), RecordModel::Kind::Number},
                                {u"queued"_s, tr("Queued"), RecordModel::Kind::Number},
                                {u"created_at"_s, tr("Created"), RecordModel::Kind::Time},
                                {u"last_seen"_s, tr("Last seen"), RecordModel::Kind::Time}},
                               this);
    d->users->setObjectName(u"usersModel"_s);
    d->proxy = new QSortFilterProxyModel(this);
    d->proxy->setSourceModel(d->users);
    d->proxy->setSortRole(Qt::UserRole);
    d->proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    d->proxy->setFilterKeyColumn(0);
    d->devices = new RecordModel({{u"device"_s, tr("Device"), RecordModel::Kind::Number},
                                  {u"name"_s, tr("Name"), RecordModel::Kind::Text},
                                  {u"online"_s, tr("Online"), RecordModel::Kind::Bool},
                                  {u"queued"_s, tr("Queued"), RecordModel::Kind::Number},
                                  {u"created_at"_s, tr("Enrolled"), RecordModel::Kind::Time},
                                  {u"last_seen"_s, tr("Last seen"), RecordModel::Kind::Time}},
                                 this);

    d->search = new QLineEdit(this);
    d->search->setObjectName(u"search"_s);
    d->search->setPlaceholderText(tr("Search users"));
    d->search->setAccessibleName(tr("Search users"));
    d->search->setClearButtonEnabled(true);
    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    auto *importButton = new QPushButton(tr("&Import CSV…"), this);
    importButton->setObjectName(u"importButton"_s);
    auto *exportButton = new QPushButton(tr("E&xport CSV…"), this);
    exportButton->setObjectName(u"exportButton"_s);
    auto *top = new QHBoxLayout;
    top->addWidget(d->search, 1);
    top->addWidget(refreshButton);
    top->addWidget(importButton);
    top->addWidget(exportButton);

    d->newName = new QLineEdit(this);
    d->newName->setObjectName(u"newUserName"_s);
    d->newName->setPlaceholderText(tr("new user name"));
    d->newName->setAccessibleName(tr("New user name"));
    d->validHours = new QSpinBox(this);
    d->validHours->setObjectName(u"validHours"_s);
    d->validHours->setRange(1, 24 * 366);
    d->validHours->setValue(168);
    d->validHours->setSuffix(tr(" h"));
    d->validHours->setAccessibleName(tr("Enrollment code valid for hours"));
    d->create = new QPushButton(tr("&Create user"), this);
    d->create->setObjectName(u"createUserButton"_s);
    auto *createRow = new QHBoxLayout;
    createRow->addWidget(new QLabel(tr("New user:"), this));
    createRow->addWidget(d->newName, 1);
    createRow->addWidget(new QLabel(tr("code valid for"), this));
    createRow->addWidget(d->validHours);
    createRow->addWidget(d->create);

    d->table = new QTableView(this);
    d->table->setObjectName(u"usersTable"_s);
    d->table->setAccessibleName(tr("Users"));
    d->table->setModel(d->proxy);
    d->table->setSortingEnabled(true);
    d->table->sortByColumn(0, Qt::AscendingOrder);
    setUpRecordTable(d->table);
    d->table->setSelectionMode(QAbstractItemView::SingleSelection);

    d->code = new QPushButton(tr("New enrollment &code"), this);
    d->code->setObjectName(u"codeButton"_s);
    d->suspend = new QPushButton(tr("&Suspend"), this);
    d->suspend->setObjectName(u"suspendButton"_s);
    d->resume = new QPushButton(tr("Res&ume"), this);
    d->resume->setObjectName(u"resumeButton"_s);
    d->remove = new QPushButton(tr("&Delete…"), this);
    d->remove->setObjectName(u"deleteButton"_s);
    d->signOut = new QPushButton(tr("Sign &out everywhere"), this);
    d->signOut->setObjectName(u"signOutButton"_s);
    auto *actions = buttonRow({d->code, d->suspend, d->resume, d->signOut, d->remove});

    d->deviceBox = new QGroupBox(tr("Devices"), this);
    d->deviceTable = new QTableView(d->deviceBox);
    d->deviceTable->setObjectName(u"devicesTable"_s);
    d->deviceTable->setAccessibleName(tr("Devices of the selected user"));
    d->deviceTable->setModel(d->devices);
    setUpRecordTable(d->deviceTable);
    d->deviceTable->setSelectionMode(QAbstractItemView::SingleSelection);
    d->revoke = new QPushButton(tr("Re&voke device…"), d->deviceBox);
    d->revoke->setObjectName(u"revokeButton"_s);
    auto *deviceLayout = new QVBoxLayout(d->deviceBox);
    deviceLayout->addWidget(d->deviceTable);
    deviceLayout->addWidget(d->revoke, 0, Qt::AlignLeft);

    auto *upper = new QWidget(this);
    auto *upperLayout = new QVBoxLayout(upper);
    upperLayout->setContentsMargins(0, 0, 0, 0);
    upperLayout->addWidget(d->table);
    upperLayout->addLayout(actions);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(upper);
    splitter->addWidget(d->deviceBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(createRow);
    layout->addWidget(splitter, 1);

    connect(d->search, &QLineEdit::textChanged, d->proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(refreshButton, &QPushButton::clicked, this, &UsersPage::refresh);
    connect(d->create, &QPushButton::clicked, this, [this] { d->createUser(); });
    connect(d->newName, &QLineEdit::returnPressed, this, [this] { d->createUser(); });
    connect(d->table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { d->loadDevices(); });
    connect(d->deviceTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { d->updateButtons(); });
    connect(d->code, &QPushButton::clicked, this, [this] {
        QCborMap args;
        args.insert(u"name"_s, d->selectedUser());
        args.insert(u"valid_hours"_s, d->validHours->value());
        request(u"user.code"_s, args, [this](const QCborMap &result) { d->showEnrollment(result); });
    });
    connect(d->suspend, &QPushButton::clicked, this, [this] { d->setSuspended(true); });
    connect(d->signOut, &QPushButton::clicked, this, [this] { d->signOutEverywhere(); });
    connect(d->resume, &QPushButton::clicked, this, [this] { d->setSuspended(false); });
    connect(d->remove, &QPushButton::clicked, this, [this] {
        const QString user = d->selectedUser();
        if (user.isEmpty())
            return;
        confirm(tr("Delete %1 with all devices, keys and queued messages? This cannot be undone.").arg(user), [this, user] {
            QCborMap args;
            args.insert(u"name"_s, user);
            request(u"user.delete"_s, args, [this, user](const QCborMap &) {
                Q_EMIT message(tr("%1 was deleted.").arg(user), false);
                refresh();
            });
        });
    });
    connect(d->revoke, &QPushButton::clicked, this, [this] {
        const QString user = d->selectedUser();
        const QModelIndex index = d->deviceTable->currentIndex();
        if (user.isEmpty() || !index.isValid())
            return;
        const qint64 device = d->devices->record(index.row()).value(u"device"_s).toInteger();
        confirm(tr("Revoke device %1 of %2? It is disconnected and must enroll again.").arg(device).arg(user), [this, user, device] {
            QCborMap args;
            args.insert(u"name"_s, user);
            args.insert(u"device"_s, device);
            request(u"user.revoke_device"_s, args, [this, user, device](const QCborMap &) {
                Q_EMIT message(tr("Device %1 of %2 was revoked.").arg(device).arg(user), false);
                d->loadDevices();
            });
        });
    });
    connect(importButton, &QPushButton::clicked, this, [this] {
        chooseOpenFile(tr("Import users from CSV"), tr("CSV files (*.csv);;All files (*)"),
                       [this](const QString &path) { d->importCsv(path); });
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        request(u"user.export"_s, {}, [this](const QCborMap &result) {
            const QByteArray csv = result.value(u"csv"_s).toString().toUtf8();
            chooseSaveFile(tr("Export users as CSV"), u"parley-users.csv"_s, tr("CSV files (*.csv)"),
                           [this, csv](const QString &path) { saveData(path, csv); });
        });
    });
    d->updateButtons();
}

UsersPage::~UsersPage() = default;

QString UsersPage::title() const
{
    return tr("Users");
}

void UsersPage::refresh()
{
    const QString keep = d->selectedUser();
    request(u"user.list"_s, {}, [this, keep](const QCborMap &result) {
        d->users->setRecords(result.value(u"users"_s).toArray());
        if (!keep.isEmpty())
            selectUser(keep);
        d->loadDevices();
        Q_EMIT usersLoaded();
    });
}

bool UsersPage::selectUser(const QString &name)
{
    return selectRecordRow(d->table, name);
}

void UsersPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
