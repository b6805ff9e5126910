#include "enrollmentdialog.h"

#include "qrimage.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QImageWriter>
#include <QLabel>
#include <QLocale>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

struct EnrollmentDialog::Private {
    QString code;
    QImage qr;
    QLabel *status = nullptr;
    QLabel *intro = nullptr;
};

EnrollmentDialog::EnrollmentDialog(const QString &user, const QString &code, const QString &link, qint64 expiresAtMs, QWidget *parent)
    : QDialog(parent), d(std::make_unique<Private>())
{
    setObjectName(u"enrollmentDialog"_s);
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Enrollment for %1").arg(user));
    d->code = code;
    d->qr = qrImage(link, 5);

    auto *intro = d->intro = new QLabel(tr("Give %1 this one-time code, or let them scan the QR code with the Parley app. "
                                "Anyone with the code can enroll as this user until it is used or expires.").arg(user), this);
    intro->setWordWrap(true);
    auto *codeLabel = new QLabel(code, this);
    codeLabel->setObjectName(u"enrollmentCode"_s);
    codeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    codeLabel->setStyleSheet(u"font-size: 18pt; font-family: monospace; font-weight: bold;"_s);
    codeLabel->setAccessibleName(tr("Enrollment code"));
    codeLabel->setFocusPolicy(Qt::StrongFocus);
    auto *linkLabel = new QLabel(link, this);
    linkLabel->setObjectName(u"enrollmentLink"_s);
    linkLabel->setWordWrap(true);
    linkLabel->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    linkLabel->setAccessibleName(tr("Enrollment link"));
    auto *expires = new QLabel(QLocale().toString(QDateTime::fromMSecsSinceEpoch(expiresAtMs), QLocale::ShortFormat), this);
    auto *qrLabel = new QLabel(this);
    qrLabel->setObjectName(u"qrCode"_s);
    qrLabel->setAccessibleName(tr("QR code of the enrollment link"));
    qrLabel->setAlignment(Qt::AlignCenter);
    if (d->qr.isNull())
        qrLabel->setText(tr("The link is too long for a QR code."));
    else
        qrLabel->setPixmap(QPixmap::fromImage(d->qr));

    auto *form = new QFormLayout;
    form->addRow(tr("Code:"), codeLabel);
    form->addRow(tr("Link:"), linkLabel);
    form->addRow(tr("Valid until:"), expires);
    d->status = new QLabel(this);
    d->status->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *copyCode = buttons->addButton(tr("Copy c&ode"), QDialogButtonBox::ActionRole);
    copyCode->setObjectName(u"copyCodeButton"_s);
    auto *copyLink = buttons->addButton(tr("Copy &link"), QDialogButtonBox::ActionRole);
    copyLink->setObjectName(u"copyLinkButton"_s);
    connect(copyCode, &QPushButton::clicked, this, [this, code] {
        QGuiApplication::clipboard()->setText(code);
        d->status->setText(tr("The code was copied."));
    });
    connect(copyLink, &QPushButton::clicked, this, [this, link] {
        QGuiApplication::clipboard()->setText(link);
        d->status->setText(tr("The link was copied."));
    });
    auto *save = buttons->addButton(tr("&Save QR code as PNG…"), QDialogButtonBox::ActionRole);
    save->setObjectName(u"saveQrButton"_s);
    save->setEnabled(!d->qr.isNull());
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(save, &QPushButton::clicked, this, [this, user] {
        auto *dialog = new QFileDialog(this, tr("Save QR code"), user + u"-enrollment.png"_s, tr("PNG images (*.png)"));
        dialog->setAcceptMode(QFileDialog::AcceptSave);
        dialog->setDefaultSuffix(u"png"_s);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &file) {
            const QString problem = saveQrCode(file);
            d->status->setText(problem.isEmpty() ? tr("Saved %1.").arg(file) : problem);
        });
        dialog->open();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(qrLabel);
    layout->addWidget(d->status);
    layout->addWidget(buttons);
}

EnrollmentDialog::~EnrollmentDialog() = default;

QString EnrollmentDialog::code() const
{
    return d->code;
}

void EnrollmentDialog::setIntro(const QString &text)
{
    d->intro->setText(text);
}

QString EnrollmentDialog::saveQrCode(const QString &path) const
{
    QImageWriter writer(path, "png");
    if (!writer.write(d->qr.scaled(d->qr.size() * 2)))
        return tr("Could not save %1: %2").arg(path, writer.errorString());
    return {};
}

} // namespace parley::admin
