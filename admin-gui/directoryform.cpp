#include "directoryform.h"

#include "cacertificatefield.h"
#include "durationedit.h"
#include "fielderrors.h"
#include "page.h"

#include "protocol/frame.h"

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
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

// directory.set's ranges (docs/admin-api.md, docs/operations.md "Directory").
constexpr int MaxPasswordBytes = 1024;
constexpr int MinIntervalSeconds = 10;
constexpr int MaxIntervalSeconds = 7 * 24 * 3600;
constexpr qint64 MaxGraceSeconds = 366 * 24 * 3600;
constexpr qint64 DefaultGraceSeconds = 7 * 24 * 3600;
constexpr int MaxPageSize = 1000;
constexpr int DefaultPageSize = 500;
constexpr int MaxValidHours = 8784;
constexpr int DefaultValidHours = 168;
constexpr int MaxRooms = 64;

enum DisabledMode { NeverDisabled, WhenPresent, WhenValue, WhenBit };

} // namespace

struct DirectoryForm::Private {
    DirectoryForm *q = nullptr;
    FieldErrors *errors = nullptr;
    // Connection.
    QLineEdit *url = nullptr;
    QCheckBox *startTls = nullptr;
    CaCertificateField *ca = nullptr;
    QLineEdit *bindDn = nullptr;
    QLineEdit *password = nullptr;
    QLabel *passwordState = nullptr;
    QLineEdit *passwordFile = nullptr;
    QLineEdit *baseDn = nullptr;
    QSpinBox *pageSize = nullptr;
    // What is read.
    QLineEdit *userFilter = nullptr;
    QLineEdit *nameAttribute = nullptr;
    QLineEdit *displayNameAttribute = nullptr;
    QComboBox *disabledMode = nullptr;
    QLineEdit *disabledAttribute = nullptr;
    QLineEdit *disabledValue = nullptr;
    QSpinBox *disabledBit = nullptr;
    QLineEdit *groupFilter = nullptr;
    QLineEdit *groupNameAttribute = nullptr;
    QLineEdit *memberAttribute = nullptr;
    QTableWidget *rooms = nullptr;
    // Schedule.
    DurationEdit *interval = nullptr;
    DurationEdit *grace = nullptr;
    QSpinBox *validHours = nullptr;
    bool passwordSet = false;

    static QLabel *hint(QWidget *parent, const QString &text)
    {
        auto *label = new QLabel(text, parent);
        label->setWordWrap(true);
        QFont font = label->font();
        font.setPointSizeF(font.pointSizeF() * 0.9);
        label->setFont(font);
        return label;
    }

    void updateDisabled()
    {
        const int mode = disabledMode->currentIndex();
        disabledAttribute->setEnabled(mode != NeverDisabled);
        disabledValue->setEnabled(mode == WhenValue);
        disabledBit->setEnabled(mode == WhenBit);
    }

    void updatePasswordState(const QString &file)
    {
        if (!file.isEmpty())
            passwordState->setText(DirectoryForm::tr("The password is read from %1 on the server at every sync.").arg(file));
        else if (passwordSet)
            passwordState->setText(DirectoryForm::tr("A password is set. Leave the field empty to keep it."));
        else
            passwordState->setText(DirectoryForm::tr("No password is set: without a bind DN the sync binds anonymously."));
    }

    void addRoomRow(const QString &group, const QString &room)
    {
        const int row = rooms->rowCount();
        rooms->insertRow(row);
        rooms->setItem(row, 0, new QTableWidgetItem(group));
        rooms->setItem(row, 1, new QTableWidgetItem(room));
    }

    // The mappings as GROUP=ROOM texts, or none after showing what is wrong.
    std::optional<QCborArray> roomMappings()
    {
        QCborArray out;
        for (int row = 0; row < rooms->rowCount(); ++row) {
            const QString group = rooms->item(row, 0) ? rooms->item(row, 0)->text().trimmed() : QString();
            const QString room = rooms->item(row, 1) ? rooms->item(row, 1)->text().trimmed() : QString();
            if (group.isEmpty() && room.isEmpty())
                continue;
            if (group.isEmpty()) {
                errors->show(u"rooms"_s, DirectoryForm::tr("Row %1: enter the group's name or DN.").arg(row + 1));
                return std::nullopt;
            }
            if (!protocol::isValidUserName(room)) {
                errors->show(u"rooms"_s, DirectoryForm::tr("Row %1: \"%2\" is not a room name (a-z, 0-9, '.', '_' and '-', "
                                                           "starting with a letter or digit).").arg(row + 1).arg(room));
                return std::nullopt;
            }
            out.append(group + u"="_s + room);
        }
        if (out.size() > MaxRooms) {
            errors->show(u"rooms"_s, DirectoryForm::tr("At most %1 groups can be mapped to rooms.").arg(MaxRooms));
            return std::nullopt;
        }
        return out;
    }
};

DirectoryForm::DirectoryForm(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->errors = new FieldErrors(this);
    setObjectName(u"directoryForm"_s);

    // Connection.
    auto *connection = new QGroupBox(tr("Connection"), this);
    auto *cform = new QFormLayout(connection);
    cform->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    d->url = formLineEdit(connection, u"directoryUrl"_s, tr("Directory URL"), tr("ldaps://dc1.corp.example:636"));
    d->errors->addRow(cform, tr("&URL:"), d->url, {u"url"_s});
    d->startTls = new QCheckBox(tr("Use &StartTLS (for an ldap:// URL; ldap:// without it is refused)"), connection);
    d->startTls->setObjectName(u"directoryStartTls"_s);
    d->errors->addRow(cform, QString(), d->startTls, {u"starttls"_s});
    d->ca = new CaCertificateField(d->errors, u"ca_certificate"_s, u"directory"_s, connection);
    d->ca->setEmptyText(tr("No CA certificate yet: choose the PEM file of the CA that issued the directory server's "
                           "certificate. Only this CA is trusted for it."));
    d->errors->addRow(cform, tr("CA certificate:"), d->ca, {u"ca_certificate"_s});
    d->bindDn = formLineEdit(connection, u"directoryBindDn"_s, tr("Bind DN"), tr("cn=parley-sync,ou=services,dc=corp,dc=example"));
    d->errors->addRow(cform, tr("&Bind DN:"), d->bindDn, {u"bind_dn"_s});
    d->password = formLineEdit(connection, u"directoryPassword"_s, tr("Bind password"), tr("unchanged"));
    d->password->setEchoMode(QLineEdit::Password);
    d->errors->addRow(cform, tr("&Password:"), d->password, {u"password"_s});
    d->passwordState = new QLabel(connection);
    d->passwordState->setObjectName(u"directoryPasswordState"_s);
    d->passwordState->setWordWrap(true);
    cform->addRow(QString(), d->passwordState);
    d->passwordFile = formLineEdit(connection, u"directoryPasswordFile"_s, tr("Password file on the server"),
                              tr("or: /etc/parleyd/directory-password (read by parleyd at every sync)"));
    d->errors->addRow(cform, tr("Password &file:"), d->passwordFile, {u"password_file"_s});
    d->baseDn = formLineEdit(connection, u"directoryBaseDn"_s, tr("Base DN"), tr("dc=corp,dc=example"));
    d->errors->addRow(cform, tr("Base &DN:"), d->baseDn, {u"base_dn"_s});
    d->pageSize = new QSpinBox(connection);
    d->pageSize->setObjectName(u"directoryPageSize"_s);
    d->pageSize->setAccessibleName(tr("Page size"));
    d->pageSize->setRange(1, MaxPageSize);
    d->pageSize->setValue(DefaultPageSize);
    d->errors->addRow(cform, tr("Page si&ze (entries):"), d->pageSize, {u"page_size"_s});

    // What is read.
    auto *entries = new QGroupBox(tr("Users"), this);
    auto *eform = new QFormLayout(entries);
    eform->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    d->userFilter = formLineEdit(entries, u"directoryUserFilter"_s, tr("User filter"), u"(objectClass=person)"_s);
    d->errors->addRow(eform, tr("User &filter:"), d->userFilter, {u"user_filter"_s});
    eform->addRow(QString(), Private::hint(entries, tr("Active Directory: (&(objectCategory=person)(objectClass=user))")));
    d->nameAttribute = formLineEdit(entries, u"directoryNameAttribute"_s, tr("User name attribute"), u"uid"_s);
    d->errors->addRow(eform, tr("User &name attribute:"), d->nameAttribute, {u"name_attribute"_s});
    eform->addRow(QString(), Private::hint(entries, tr("Read in lower case; Active Directory: sAMAccountName. Entries whose "
                                                       "name is not a Parley user name are skipped and reported.")));
    d->displayNameAttribute = formLineEdit(entries, u"directoryDisplayNameAttribute"_s, tr("Display name attribute"), u"displayName"_s);
    d->errors->addRow(eform, tr("Displa&y name attribute:"), d->displayNameAttribute, {u"display_name_attribute"_s});
    d->disabledMode = new QComboBox(entries);
    d->disabledMode->setObjectName(u"directoryDisabledMode"_s);
    d->disabledMode->setAccessibleName(tr("When an entry counts as disabled"));
    d->disabledMode->addItem(tr("Never"));
    d->disabledMode->addItem(tr("When the attribute is present"));
    d->disabledMode->addItem(tr("When the attribute has the value"));
    d->disabledMode->addItem(tr("When a bit is set in the attribute's number"));
    eform->addRow(tr("Disabled &entries:"), d->disabledMode);
    d->disabledAttribute = formLineEdit(entries, u"directoryDisabledAttribute"_s, tr("Disabled attribute"),
                                   tr("e.g. userAccountControl, nsAccountLock"));
    d->errors->addRow(eform, tr("Attribute:"), d->disabledAttribute, {u"disabled_attribute"_s});
    d->disabledValue = formLineEdit(entries, u"directoryDisabledValue"_s, tr("Disabled value"), tr("e.g. disabled (any case)"));
    d->errors->addRow(eform, tr("Value:"), d->disabledValue, {u"disabled_value"_s});
    d->disabledBit = new QSpinBox(entries);
    d->disabledBit->setObjectName(u"directoryDisabledBit"_s);
    d->disabledBit->setAccessibleName(tr("Disabled bit"));
    d->disabledBit->setRange(1, std::numeric_limits<int>::max());
    d->disabledBit->setValue(2);
    d->disabledBit->setToolTip(tr("Active Directory's userAccountControl: 2 (ACCOUNTDISABLE)"));
    d->errors->addRow(eform, tr("Bits:"), d->disabledBit, {u"disabled_bit"_s});

    // Groups mapped to rooms.
    auto *groups = new QGroupBox(tr("Groups and rooms"), this);
    auto *gform = new QFormLayout(groups);
    gform->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    gform->addRow(Private::hint(groups, tr("A sync reports how each mapped room's members differ from its group's; a room "
                                           "admin applies the changes from a device, since only room admins can sign a "
                                           "room's membership.")));
    d->groupFilter = formLineEdit(groups, u"directoryGroupFilter"_s, tr("Group filter"), tr("empty: groups are not read"));
    d->errors->addRow(gform, tr("&Group filter:"), d->groupFilter, {u"group_filter"_s});
    d->groupNameAttribute = formLineEdit(groups, u"directoryGroupNameAttribute"_s, tr("Group name attribute"), u"cn"_s);
    d->errors->addRow(gform, tr("Group na&me attribute:"), d->groupNameAttribute, {u"group_name_attribute"_s});
    d->memberAttribute = formLineEdit(groups, u"directoryMemberAttribute"_s, tr("Member attribute"), u"member"_s);
    d->errors->addRow(gform, tr("Mem&ber attribute:"), d->memberAttribute, {u"member_attribute"_s});
    d->rooms = new QTableWidget(0, 2, groups);
    d->rooms->setObjectName(u"directoryRooms"_s);
    d->rooms->setAccessibleName(tr("Groups mapped to rooms"));
    d->rooms->setHorizontalHeaderLabels({tr("Directory group (name or DN)"), tr("Parley room")});
    d->rooms->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    d->rooms->verticalHeader()->hide();
    d->rooms->setMinimumHeight(110);
    d->rooms->setMaximumHeight(170);
    auto *addRoom = new QPushButton(tr("&Add mapping"), groups);
    addRoom->setObjectName(u"directoryAddRoom"_s);
    auto *removeRoom = new QPushButton(tr("Remo&ve mapping"), groups);
    removeRoom->setObjectName(u"directoryRemoveRoom"_s);
    auto *roomButtons = buttonRow({addRoom, removeRoom});
    auto *roomBox = new QWidget(groups);
    auto *roomLayout = new QVBoxLayout(roomBox);
    roomLayout->setContentsMargins(0, 0, 0, 0);
    roomLayout->addWidget(d->rooms);
    roomLayout->addLayout(roomButtons);
    d->errors->addRow(gform, tr("Rooms:"), roomBox, {u"rooms"_s});

    // Schedule.
    auto *schedule = new QGroupBox(tr("Schedule"), this);
    auto *sform = new QFormLayout(schedule);
    sform->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    d->interval = new DurationEdit(schedule);
    d->interval->setObjectName(u"directoryInterval"_s);
    d->interval->setZeroText(tr("only on demand"));
    d->interval->setAccessibleNames(tr("Sync interval"));
    d->interval->setSeconds(0);
    d->errors->addRow(sform, tr("Sync &every:"), d->interval, {u"interval_seconds"_s});
    d->grace = new DurationEdit(schedule);
    d->grace->setObjectName(u"directoryGrace"_s);
    d->grace->setZeroText(tr("no grace: at the next sync"));
    d->grace->setAccessibleNames(tr("Grace period"));
    d->grace->setSeconds(DefaultGraceSeconds);
    d->errors->addRow(sform, tr("G&race period:"), d->grace, {u"grace_seconds"_s});
    sform->addRow(QString(), Private::hint(schedule, tr("How long a user whose entry is gone stays suspended before it is "
                                                        "deleted (at most 366 days).")));
    d->validHours = new QSpinBox(schedule);
    d->validHours->setObjectName(u"directoryValidHours"_s);
    d->validHours->setAccessibleName(tr("Enrollment codes valid for hours"));
    d->validHours->setRange(1, MaxValidHours);
    d->validHours->setValue(DefaultValidHours);
    d->validHours->setSuffix(tr(" h"));
    d->errors->addRow(sform, tr("New users' &codes valid for:"), d->validHours, {u"valid_hours"_s});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(connection);
    layout->addWidget(entries);
    layout->addWidget(groups);
    layout->addWidget(schedule);
    layout->addStretch();

    connect(d->disabledMode, &QComboBox::currentIndexChanged, this, [this] { d->updateDisabled(); });
    connect(d->passwordFile, &QLineEdit::textChanged, this, [this](const QString &file) { d->updatePasswordState(file.trimmed()); });
    connect(addRoom, &QPushButton::clicked, this, [this] {
        d->addRoomRow(QString(), QString());
        d->rooms->setCurrentCell(d->rooms->rowCount() - 1, 0);
        d->rooms->editItem(d->rooms->item(d->rooms->rowCount() - 1, 0));
    });
    connect(removeRoom, &QPushButton::clicked, this, [this] {
        if (d->rooms->currentRow() >= 0)
            d->rooms->removeRow(d->rooms->currentRow());
    });
    d->updateDisabled();
    d->updatePasswordState({});
}

DirectoryForm::~DirectoryForm() = default;

FieldErrors *DirectoryForm::errors() const
{
    return d->errors;
}

void DirectoryForm::load(const QCborMap &s)
{
    d->errors->clear();
    const bool configured = s.value(u"configured"_s).toBool();
    auto text = [&s](const char *key) { return s.value(QLatin1StringView(key)).toString(); };
    d->url->setText(text("url"));
    d->startTls->setChecked(s.value(u"starttls"_s).toBool());
    d->ca->showServerCertificate(text("ca_certificate"), text("ca_subject"), text("ca_fingerprint"),
                                 s.value(u"ca_expires_at"_s).toInteger());
    d->bindDn->setText(text("bind_dn"));
    d->password->clear();
    d->passwordSet = s.value(u"password_set"_s).toBool();
    d->passwordFile->setText(text("password_file"));
    d->updatePasswordState(text("password_file"));
    d->baseDn->setText(text("base_dn"));
    d->pageSize->setValue(configured ? int(s.value(u"page_size"_s).toInteger()) : DefaultPageSize);
    d->userFilter->setText(text("user_filter"));
    d->nameAttribute->setText(text("name_attribute"));
    d->displayNameAttribute->setText(text("display_name_attribute"));
    d->disabledAttribute->setText(text("disabled_attribute"));
    d->disabledValue->setText(text("disabled_value"));
    const qint64 bit = s.value(u"disabled_bit"_s).toInteger();
    d->disabledBit->setValue(bit > 0 ? int(std::min<qint64>(bit, std::numeric_limits<int>::max())) : 2);
    d->disabledMode->setCurrentIndex(d->disabledAttribute->text().isEmpty() ? NeverDisabled
                                     : !d->disabledValue->text().isEmpty() ? WhenValue
                                     : bit > 0                              ? WhenBit
                                                                            : WhenPresent);
    d->updateDisabled();
    d->groupFilter->setText(text("group_filter"));
    d->groupNameAttribute->setText(text("group_name_attribute"));
    d->memberAttribute->setText(text("member_attribute"));
    d->rooms->setRowCount(0);
    for (const QCborValue &v : s.value(u"rooms"_s).toArray()) {
        const QString mapping = v.toString();
        const qsizetype at = mapping.lastIndexOf(u'=');
        d->addRoomRow(mapping.left(at), mapping.mid(at + 1));
    }
    d->interval->setSeconds(configured ? s.value(u"interval_seconds"_s).toInteger() : 0);
    d->grace->setSeconds(configured ? s.value(u"grace_seconds"_s).toInteger() : DefaultGraceSeconds);
    d->validHours->setValue(configured ? int(s.value(u"valid_hours"_s).toInteger()) : DefaultValidHours);
}

bool DirectoryForm::readCaFile(const QString &path)
{
    return d->ca->readFile(path);
}

std::optional<QCborMap> DirectoryForm::arguments()
{
    d->errors->clear();
    QCborMap args;
    auto required = [this, &args](QLineEdit *edit, const QString &key, const QString &missing) {
        const QString value = edit->text().trimmed();
        if (value.isEmpty()) {
            d->errors->show(key, missing);
            return false;
        }
        args.insert(key, value);
        return true;
    };
    auto optional = [&args](QLineEdit *edit, const QString &key) {
        const QString value = edit->text().trimmed();
        if (!value.isEmpty())
            args.insert(key, value);
    };
    if (!required(d->url, u"url"_s, tr("Enter the directory's URL: ldaps://HOST[:PORT], or ldap://HOST[:PORT] with StartTLS.")))
        return std::nullopt;
    args.insert(u"starttls"_s, d->startTls->isChecked());
    if (d->ca->pem().isEmpty()) {
        d->errors->show(u"ca_certificate"_s, tr("Choose the CA certificate (PEM) the directory server's certificate must chain to."));
        return std::nullopt;
    }
    args.insert(u"ca_certificate"_s, d->ca->pem());
    optional(d->bindDn, u"bind_dn"_s);
    const QString password = d->password->text();
    const QString passwordFile = d->passwordFile->text().trimmed();
    if (!password.isEmpty() && !passwordFile.isEmpty()) {
        d->errors->show(u"password"_s, tr("Enter a password or name a password file, not both."));
        return std::nullopt;
    }
    if (!password.isEmpty()) {
        if (password.toUtf8().size() > MaxPasswordBytes) {
            d->errors->show(u"password"_s, tr("At most %1 bytes.").arg(MaxPasswordBytes));
            return std::nullopt;
        }
        if (d->bindDn->text().trimmed().isEmpty()) {
            d->errors->show(u"bind_dn"_s, tr("A password needs the bind DN it belongs to."));
            return std::nullopt;
        }
        args.insert(u"password"_s, password);
    }
    if (!passwordFile.isEmpty())
        args.insert(u"password_file"_s, passwordFile);
    if (!required(d->baseDn, u"base_dn"_s, tr("Enter the base DN the searches start at, e.g. dc=corp,dc=example.")))
        return std::nullopt;
    args.insert(u"page_size"_s, d->pageSize->value());
    optional(d->userFilter, u"user_filter"_s);
    optional(d->nameAttribute, u"name_attribute"_s);
    optional(d->displayNameAttribute, u"display_name_attribute"_s);
    const int mode = d->disabledMode->currentIndex();
    if (mode != NeverDisabled
        && !required(d->disabledAttribute, u"disabled_attribute"_s, tr("Enter the attribute that tells a disabled entry.")))
        return std::nullopt;
    if (mode == WhenValue && !required(d->disabledValue, u"disabled_value"_s, tr("Enter the value of a disabled entry.")))
        return std::nullopt;
    if (mode == WhenBit)
        args.insert(u"disabled_bit"_s, d->disabledBit->value());
    optional(d->groupFilter, u"group_filter"_s);
    optional(d->groupNameAttribute, u"group_name_attribute"_s);
    optional(d->memberAttribute, u"member_attribute"_s);
    const std::optional<QCborArray> rooms = d->roomMappings();
    if (!rooms)
        return std::nullopt;
    if (!rooms->isEmpty()) {
        if (d->groupFilter->text().trimmed().isEmpty()) {
            d->errors->show(u"group_filter"_s, tr("Mapping groups to rooms needs the group filter that reads the groups."));
            return std::nullopt;
        }
        args.insert(u"rooms"_s, *rooms);
    }
    const qint64 interval = d->interval->seconds();
    if (interval != 0 && (interval < MinIntervalSeconds || interval > MaxIntervalSeconds)) {
        d->errors->show(u"interval_seconds"_s, tr("From 10 seconds to 7 days, or only on demand."));
        return std::nullopt;
    }
    args.insert(u"interval_seconds"_s, interval);
    const qint64 grace = d->grace->seconds();
    if (grace > MaxGraceSeconds) {
        d->errors->show(u"grace_seconds"_s, tr("At most 366 days."));
        return std::nullopt;
    }
    args.insert(u"grace_seconds"_s, grace);
    args.insert(u"valid_hours"_s, d->validHours->value());
    return args;
}

} // namespace parley::admin
