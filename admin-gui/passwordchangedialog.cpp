#include "passwordchangedialog.h"

#include "adminclient.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace parley::admin {

struct PasswordChangeDialog::Private {
    PasswordChangeDialog *q = nullptr;
    AdminClient *client = nullptr;
    bool forced = false;
    QLineEdit *current = nullptr;
    QLineEdit *next = nullptr;
    QLineEdit *confirm = nullptr;
    QProgressBar *meter = nullptr;
    QLabel *meterText = nullptr;
    QLabel *status = nullptr;
    QPushButton *ok = nullptr;
    bool busy = false;

    void update()
    {
        const int score = strength(next->text());
        meter->setValue(score);
        static const char *const names[] = {QT_TRANSLATE_NOOP("parley::admin::PasswordChangeDialog", "too short or too simple"),
                                            QT_TRANSLATE_NOOP("parley::admin::PasswordChangeDialog", "weak"),
                                            QT_TRANSLATE_NOOP("parley::admin::PasswordChangeDialog", "fair"),
                                            QT_TRANSLATE_NOOP("parley::admin::PasswordChangeDialog", "strong"),
                                            QT_TRANSLATE_NOOP("parley::admin::PasswordChangeDialog", "very strong")};
        const QString name = PasswordChangeDialog::tr(names[score]);
        meterText->setText(PasswordChangeDialog::tr("Strength: %1").arg(name));
        meter->setAccessibleDescription(name);
        const bool match = next->text() == confirm->text();
        QString problem;
        if (!next->text().isEmpty() && score == 0)
            problem = PasswordChangeDialog::tr("Use at least 12 characters with at least 4 different ones.");
        else if (!confirm->text().isEmpty() && !match)
            problem = PasswordChangeDialog::tr("The two new passwords differ.");
        if (!busy)
            status->setText(problem);
        ok->setEnabled(!busy && score > 0 && match && !current->text().isEmpty());
    }

    void submit()
    {
        if (busy || !ok->isEnabled())
            return;
        busy = true;
        update();
        status->setText(PasswordChangeDialog::tr("Changing the password …"));
        QCborMap args;
        args.insert(u"password"_s, current->text());
        args.insert(u"new_password"_s, next->text());
        client->call(u"password.change"_s, args, q, [this](const AdminClient::Reply &reply) {
            busy = false;
            if (!reply.ok) {
                update();
                status->setText(reply.text());
                return;
            }
            client->setToken(reply.result.value(u"token"_s).toString());
            current->clear();
            next->clear();
            confirm->clear();
            q->QDialog::accept();
            Q_EMIT q->changed();
        });
    }
};

PasswordChangeDialog::PasswordChangeDialog(AdminClient *client, bool forced, const QString &currentPassword, QWidget *parent)
    : QDialog(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->client = client;
    d->forced = forced;
    setObjectName(u"passwordChangeDialog"_s);
    setWindowTitle(forced ? tr("Choose your own password") : tr("Change your password"));
    auto *intro = new QLabel(forced ? tr("You logged in with a one-time password. Choose your own password now; nothing "
                                         "else is available until you have done so.")
                                    : tr("Choose a new password for your admin account."),
                             this);
    intro->setWordWrap(true);
    d->current = new QLineEdit(currentPassword, this);
    d->current->setEchoMode(QLineEdit::Password);
    d->current->setObjectName(u"currentPassword"_s);
    d->current->setAccessibleName(tr("Current password"));
    d->next = new QLineEdit(this);
    d->next->setEchoMode(QLineEdit::Password);
    d->next->setObjectName(u"newPassword"_s);
    d->next->setAccessibleName(tr("New password"));
    d->confirm = new QLineEdit(this);
    d->confirm->setEchoMode(QLineEdit::Password);
    d->confirm->setObjectName(u"confirmPassword"_s);
    d->confirm->setAccessibleName(tr("Confirm the new password"));
    d->meter = new QProgressBar(this);
    d->meter->setRange(0, 4);
    d->meter->setTextVisible(false);
    d->meter->setObjectName(u"strengthMeter"_s);
    d->meter->setAccessibleName(tr("Password strength"));
    d->meterText = new QLabel(this);
    d->meterText->setObjectName(u"strengthText"_s);
    d->status = new QLabel(this);
    d->status->setWordWrap(true);
    d->status->setObjectName(u"status"_s);
    d->status->setStyleSheet(u"color: #b00020;"_s);

    auto *form = new QFormLayout;
    auto *currentLabel = new QLabel(tr("C&urrent password:"), this);
    currentLabel->setBuddy(d->current);
    auto *nextLabel = new QLabel(tr("&New password:"), this);
    nextLabel->setBuddy(d->next);
    auto *confirmLabel = new QLabel(tr("Con&firm:"), this);
    confirmLabel->setBuddy(d->confirm);
    form->addRow(currentLabel, d->current);
    form->addRow(nextLabel, d->next);
    form->addRow(QString(), d->meter);
    form->addRow(QString(), d->meterText);
    form->addRow(confirmLabel, d->confirm);
    if (forced && !currentPassword.isEmpty()) {
        currentLabel->hide();
        d->current->hide();
    }

    auto *buttons = new QDialogButtonBox(this);
    d->ok = buttons->addButton(tr("&Change password"), QDialogButtonBox::AcceptRole);
    d->ok->setObjectName(u"changeButton"_s);
    d->ok->setDefault(true);
    auto *cancel = buttons->addButton(forced ? tr("&Log out") : tr("&Cancel"), QDialogButtonBox::RejectRole);
    cancel->setObjectName(u"cancelButton"_s);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(d->status);
    layout->addWidget(buttons);
    setMinimumWidth(440);

    connect(d->ok, &QPushButton::clicked, this, [this] { d->submit(); });
    connect(cancel, &QPushButton::clicked, this, &PasswordChangeDialog::reject);
    for (QLineEdit *edit : {d->current, d->next, d->confirm})
        connect(edit, &QLineEdit::textChanged, this, [this] { d->update(); });
    d->update();
    if (d->current->isHidden())
        d->next->setFocus();
}

PasswordChangeDialog::~PasswordChangeDialog() = default;

int PasswordChangeDialog::strength(const QString &password)
{
    if (password.toUtf8().size() < 12 || QSet<QChar>(password.cbegin(), password.cend()).size() < 4)
        return 0;
    bool lower = false, upper = false, digit = false, other = false;
    for (const QChar c : password) {
        if (c.isLower())
            lower = true;
        else if (c.isUpper())
            upper = true;
        else if (c.isDigit())
            digit = true;
        else
            other = true;
    }
    const int alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    const double distinct = double(QSet<QChar>(password.cbegin(), password.cend()).size());
    // Rough entropy: length times bits per symbol, discounted for repeated characters.
    const double bits = double(password.size()) * std::log2(double(std::max(alphabet, 2))) * std::min(1.0, distinct / 8.0);
    if (bits < 50)
        return 1;
    if (bits < 70)
        return 2;
    if (bits < 100)
        return 3;
    return 4;
}

void PasswordChangeDialog::reject()
{
    if (d->busy)
        return;
    QDialog::reject();
    if (d->forced)
        Q_EMIT abandoned();
}

} // namespace parley::admin
