#include "botdialog.h"

#include "adminclient.h"
#include "fielderrors.h"

#include "protocol/adminprotocol.h"
#include "protocol/frame.h"

#include <QButtonGroup>
#include <QCborArray>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

// bots.create's ranges (docs/admin-api.md).
constexpr int MaxRate = 10000;
constexpr int MaxBurst = 100000;
constexpr int DefaultRate = 1;
constexpr int DefaultBurst = 20;
constexpr int MaxValidHours = 8784;
constexpr int DefaultValidHours = 168;
constexpr int MaxDescriptionBytes = 1024;
constexpr int MaxScopeEntries = 1000;
constexpr qint64 DayMs = 24 * 3600 * 1000;
constexpr qint64 DefaultLifetimeDays = 365;
constexpr qint64 MaxLifetimeDays = 3652;    // the server's ten years, less a day for the clock running on

} // namespace

struct BotDialog::Private {
    BotDialog *q = nullptr;
    AdminClient *client = nullptr;
    QCborMap bot;                   // empty when creating
    FieldErrors *errors = nullptr;
    QLineEdit *name = nullptr;
    QLabel *nameHint = nullptr;
    QLineEdit *description = nullptr;
    QRadioButton *anyone = nullptr;
    QRadioButton *listed = nullptr;
    QListWidget *entries = nullptr;
    QComboBox *entryKind = nullptr;
    QLineEdit *entryName = nullptr;
    QPushButton *addEntry = nullptr;
    QPushButton *removeEntry = nullptr;
    QDateTimeEdit *expires = nullptr;
    QDateTime shownExpiry;
    QSpinBox *rate = nullptr;
    QSpinBox *burst = nullptr;
    QSpinBox *validHours = nullptr;
    QPushButton *ok = nullptr;
    QLabel *status = nullptr;
    bool busy = false;

    bool creating() const { return bot.isEmpty(); }

    QStringList scope() const
    {
        if (anyone->isChecked())
            return {u"any"_s};
        QStringList out;
        for (int row = 0; row < entries->count(); ++row)
            out << entries->item(row)->data(Qt::UserRole).toString();
        return out;
    }

    // The line under the name while it is typed: what a bot's name is, or that this one is fine.
    void checkName()
    {
        const QString text = name->text();
        QString hint;
        bool good = false;
        if (text.isEmpty())
            hint = BotDialog::tr("A bot's name ends in .bot, e.g. alerts.bot.");
        else if (text != text.toLower())
            hint = BotDialog::tr("Use lower case letters only.");
        else if (!text.endsWith(u".bot"_s))
            hint = BotDialog::tr("A bot's name must end in .bot, e.g. %1.bot.").arg(text.section(u'.', 0, 0).left(56));
        else if (!protocol::isBotName(text))
            hint = BotDialog::tr("Only a-z, 0-9, '.', '_' and '-', starting with a letter or digit, at most 64 characters.");
        else {
            hint = BotDialog::tr("The name is fine.");
            good = true;
        }
        nameHint->setText(hint);
        FieldErrors::markError(nameHint, !good && !text.isEmpty());
        updateOk();
    }

    void updateOk()
    {
        const bool nameOk = !creating() || protocol::isBotName(name->text());
        const bool scopeOk = anyone->isChecked() || entries->count() > 0;
        ok->setEnabled(!busy && nameOk && scopeOk);
        entries->setEnabled(listed->isChecked());
        entryKind->setEnabled(listed->isChecked());
        entryName->setEnabled(listed->isChecked());
        addEntry->setEnabled(listed->isChecked() && !entryName->text().trimmed().isEmpty());
        removeEntry->setEnabled(listed->isChecked() && entries->currentRow() >= 0);
    }

    void appendEntry(const QString &entry)
    {
        for (int row = 0; row < entries->count(); ++row) {
            if (entries->item(row)->data(Qt::UserRole).toString() == entry)
                return;
        }
        const QString kind = entry.section(u':', 0, 0);
        const QString target = entry.section(u':', 1);
        auto *item = new QListWidgetItem(kind == u"room"_s ? BotDialog::tr("Room %1").arg(target) : BotDialog::tr("User %1").arg(target),
                                         entries);
        item->setData(Qt::UserRole, entry);
    }

    void addTyped()
    {
        const QString target = entryName->text().trimmed();
        errors->clear();
        if (!protocol::isValidUserName(target)) {
            errors->show(u"scope"_s, BotDialog::tr("\"%1\" is not a user or room name (a-z, 0-9, '.', '_' and '-', starting "
                                                   "with a letter or digit).").arg(target));
            return;
        }
        if (entries->count() >= MaxScopeEntries) {
            errors->show(u"scope"_s, BotDialog::tr("A scope holds at most %1 users and rooms.").arg(MaxScopeEntries));
            return;
        }
        appendEntry((entryKind->currentIndex() == 1 ? u"room:"_s : u"user:"_s) + target);
        entryName->clear();
        updateOk();
    }

    // The arguments of the call, or none after showing what is wrong.
    std::optional<QCborMap> arguments()
    {
        errors->clear();
        QCborMap args;
        args.insert(u"name"_s, creating() ? name->text() : bot.value(u"name"_s).toString());
        const QString text = description->text().trimmed();
        if (text.toUtf8().size() > MaxDescriptionBytes) {
            errors->show(u"description"_s, BotDialog::tr("At most %1 bytes.").arg(MaxDescriptionBytes));
            return std::nullopt;
        }
        const QStringList entryList = scope();
        if (entryList.isEmpty()) {
            errors->show(u"scope"_s, BotDialog::tr("Choose \"Anyone\", or add at least one user or room."));
            return std::nullopt;
        }
        const qint64 expiresAt = expires->dateTime().toMSecsSinceEpoch();
        if (expiresAt <= QDateTime::currentMSecsSinceEpoch()) {
            errors->show(u"expires_at"_s, BotDialog::tr("The expiry must be in the future. To end a bot at once, revoke it."));
            return std::nullopt;
        }
        const auto put = [&](const QString &key, const QCborValue &value, const QCborValue &before) {
            if (creating() || value != before)
                args.insert(key, value);
        };
        put(u"description"_s, text, bot.value(u"description"_s));
        QCborArray scopeArray;
        for (const QString &entry : entryList)
            scopeArray.append(entry);
        put(u"scope"_s, scopeArray, bot.value(u"scope"_s));
        // An expiry not touched in the editor (which shows whole minutes) is not sent again.
        if (creating() || expires->dateTime() != shownExpiry)
            args.insert(u"expires_at"_s, expiresAt);
        put(u"rate"_s, rate->value(), bot.value(u"rate"_s));
        put(u"burst"_s, burst->value(), bot.value(u"burst"_s));
        if (creating())
            args.insert(u"valid_hours"_s, validHours->value());
        else if (args.size() == 1) {
            status->setText(BotDialog::tr("Nothing was changed."));
            return std::nullopt;
        }
        return args;
    }

    void submit()
    {
        const std::optional<QCborMap> args = arguments();
        if (!args)
            return;
        busy = true;
        updateOk();
        status->setText(creating() ? BotDialog::tr("Creating the bot …") : BotDialog::tr("Saving …"));
        client->call(creating() ? u"bots.create"_s : u"bots.update"_s, *args, q, [this](const AdminClient::Reply &reply) {
            busy = false;
            updateOk();
            if (!reply.ok) {
                status->clear();
                if (!errors->showRefusal(reply)) {
                    // A conflict on creation is about the name.
                    if (creating() && reply.error == protocol::admin::errors::Conflict)
                        errors->show(u"name"_s, BotDialog::tr("A user or bot of this name exists, or has an enrollment code pending."));
                    else
                        status->setText(reply.text());
                }
                Q_EMIT q->message(reply.text(), true);
                return;
            }
            Q_EMIT q->saved(reply.result);
            q->accept();
        });
    }
};

BotDialog::BotDialog(AdminClient *client, QWidget *parent) : BotDialog(client, QCborMap(), parent)
{
}

BotDialog::BotDialog(AdminClient *client, const QCborMap &bot, QWidget *parent) : QDialog(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->client = client;
    d->bot = bot;
    d->errors = new FieldErrors(this);
    setObjectName(u"botDialog"_s);
    setAttribute(Qt::WA_DeleteOnClose);
    const QString botName = bot.value(u"name"_s).toString();
    setWindowTitle(d->creating() ? tr("New bot") : tr("Change %1").arg(botName));

    auto *intro = new QLabel(d->creating()
                                 ? tr("A bot is a service account for an integration. Its device makes its own keys when it "
                                      "enrolls with the one-time code shown next; the server holds it to the scope, rate "
                                      "and expiry set here.")
                                 : tr("Changes apply to the bot's next message. An earlier expiry ends its live sessions at "
                                      "once."),
                             this);
    intro->setWordWrap(true);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    d->name = new QLineEdit(this);
    d->name->setObjectName(u"botName"_s);
    d->name->setAccessibleName(tr("Bot name"));
    d->name->setPlaceholderText(tr("alerts.bot"));
    d->name->setMaxLength(64);
    d->nameHint = new QLabel(this);
    d->nameHint->setObjectName(u"botNameHint"_s);
    d->nameHint->setWordWrap(true);
    if (d->creating()) {
        form->addRow(tr("&Name:"), d->name);
        form->addRow(QString(), d->nameHint);
        d->errors->addLine(form, d->name, {u"name"_s});
    } else {
        d->name->setText(botName);
        d->name->hide();
        d->nameHint->hide();
        auto *shownName = new QLabel(botName, this);
        shownName->setObjectName(u"botNameShown"_s);
        shownName->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(tr("Name:"), shownName);
    }

    d->description = new QLineEdit(bot.value(u"description"_s).toString(), this);
    d->description->setObjectName(u"botDescription"_s);
    d->description->setAccessibleName(tr("Description"));
    d->description->setPlaceholderText(tr("what it does and who looks after it"));
    d->errors->addRow(form, tr("&Description:"), d->description, {u"description"_s});

    // Scope: anyone, or a list of users and rooms.
    auto *scopeBox = new QWidget(this);
    d->anyone = new QRadioButton(tr("&Anyone: every user and every room it is a member of"), scopeBox);
    d->anyone->setObjectName(u"scopeAny"_s);
    d->listed = new QRadioButton(tr("&Only these users and rooms:"), scopeBox);
    d->listed->setObjectName(u"scopeListed"_s);
    auto *group = new QButtonGroup(scopeBox);
    group->addButton(d->anyone);
    group->addButton(d->listed);
    d->entries = new QListWidget(scopeBox);
    d->entries->setObjectName(u"scopeEntries"_s);
    d->entries->setAccessibleName(tr("Users and rooms the bot may send to"));
    d->entries->setMaximumHeight(120);
    d->entryKind = new QComboBox(scopeBox);
    d->entryKind->setObjectName(u"scopeKind"_s);
    d->entryKind->setAccessibleName(tr("User or room"));
    d->entryKind->addItem(tr("User"));
    d->entryKind->addItem(tr("Room"));
    d->entryName = new QLineEdit(scopeBox);
    d->entryName->setObjectName(u"scopeName"_s);
    d->entryName->setAccessibleName(tr("Name of the user or room"));
    d->entryName->setPlaceholderText(tr("user or room name"));
    d->addEntry = new QPushButton(tr("A&dd"), scopeBox);
    d->addEntry->setObjectName(u"scopeAdd"_s);
    d->removeEntry = new QPushButton(tr("&Remove"), scopeBox);
    d->removeEntry->setObjectName(u"scopeRemove"_s);
    auto *entryRow = new QHBoxLayout;
    entryRow->addWidget(d->entryKind);
    entryRow->addWidget(d->entryName, 1);
    entryRow->addWidget(d->addEntry);
    entryRow->addWidget(d->removeEntry);
    auto *scopeLayout = new QVBoxLayout(scopeBox);
    scopeLayout->setContentsMargins(0, 0, 0, 0);
    scopeLayout->addWidget(d->anyone);
    scopeLayout->addWidget(d->listed);
    scopeLayout->addWidget(d->entries);
    scopeLayout->addLayout(entryRow);
    d->errors->addRow(form, tr("May send to:"), scopeBox, {u"scope"_s});
    const QCborArray scope = bot.value(u"scope"_s).toArray();
    if (d->creating() || (scope.size() == 1 && scope.at(0).toString() == u"any"_s)) {
        d->listed->setChecked(d->creating());
        d->anyone->setChecked(!d->creating());
    } else {
        d->listed->setChecked(true);
        for (const QCborValue &entry : scope)
            d->appendEntry(entry.toString());
    }

    const QDateTime now = QDateTime::currentDateTime();
    d->expires = new QDateTimeEdit(this);
    d->expires->setObjectName(u"botExpires"_s);
    d->expires->setAccessibleName(tr("Expires"));
    d->expires->setCalendarPopup(true);
    d->expires->setDisplayFormat(QLocale().dateTimeFormat(QLocale::ShortFormat));
    d->expires->setMaximumDateTime(now.addDays(MaxLifetimeDays));
    const qint64 expiresAt = bot.value(u"expires_at"_s).toInteger();
    const QDateTime expiry = d->creating() ? now.addDays(DefaultLifetimeDays) : QDateTime::fromMSecsSinceEpoch(expiresAt);
    d->expires->setDateTime(expiry.addMSecs(-(expiry.toMSecsSinceEpoch() % 60000)));
    d->shownExpiry = d->expires->dateTime();
    auto *expiresHint = new QLabel(tr("Its logins are refused from then on; at most ten years ahead."), this);
    expiresHint->setWordWrap(true);
    d->errors->addRow(form, tr("&Expires:"), d->expires, {u"expires_at"_s});
    form->addRow(QString(), expiresHint);

    d->rate = new QSpinBox(this);
    d->rate->setObjectName(u"botRate"_s);
    d->rate->setAccessibleName(tr("Messages per second"));
    d->rate->setRange(1, MaxRate);
    d->rate->setValue(d->creating() ? DefaultRate : int(bot.value(u"rate"_s).toInteger()));
    d->errors->addRow(form, tr("&Rate (messages per second):"), d->rate, {u"rate"_s});
    d->burst = new QSpinBox(this);
    d->burst->setObjectName(u"botBurst"_s);
    d->burst->setAccessibleName(tr("Burst"));
    d->burst->setRange(1, MaxBurst);
    d->burst->setValue(d->creating() ? DefaultBurst : int(bot.value(u"burst"_s).toInteger()));
    d->errors->addRow(form, tr("&Burst (messages):"), d->burst, {u"burst"_s});

    d->validHours = new QSpinBox(this);
    d->validHours->setObjectName(u"botValidHours"_s);
    d->validHours->setAccessibleName(tr("Enrollment code valid for hours"));
    d->validHours->setRange(1, MaxValidHours);
    d->validHours->setValue(DefaultValidHours);
    d->validHours->setSuffix(tr(" h"));
    if (d->creating())
        d->errors->addRow(form, tr("&Code valid for:"), d->validHours, {u"valid_hours"_s});
    else
        d->validHours->hide();

    d->status = new QLabel(this);
    d->status->setObjectName(u"botStatus"_s);
    d->status->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    d->ok = buttons->addButton(d->creating() ? tr("&Create bot") : tr("&Save"), QDialogButtonBox::AcceptRole);
    d->ok->setObjectName(u"botOk"_s);
    d->ok->setDefault(true);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(d->ok, &QPushButton::clicked, this, [this] { d->submit(); });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(d->status);
    layout->addWidget(buttons);

    connect(d->name, &QLineEdit::textChanged, this, [this] { d->checkName(); });
    connect(d->anyone, &QRadioButton::toggled, this, [this] { d->updateOk(); });
    connect(d->entryName, &QLineEdit::textChanged, this, [this] { d->updateOk(); });
    connect(d->entryName, &QLineEdit::returnPressed, this, [this] { d->addTyped(); });
    connect(d->addEntry, &QPushButton::clicked, this, [this] { d->addTyped(); });
    connect(d->entries, &QListWidget::currentRowChanged, this, [this] { d->updateOk(); });
    connect(d->removeEntry, &QPushButton::clicked, this, [this] {
        delete d->entries->takeItem(d->entries->currentRow());
        d->updateOk();
    });
    d->checkName();
    resize(640, sizeHint().height());
}

BotDialog::~BotDialog() = default;

bool BotDialog::isCreating() const
{
    return d->creating();
}

} // namespace parley::admin
