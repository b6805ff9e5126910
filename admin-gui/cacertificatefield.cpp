#include "cacertificatefield.h"

#include "fielderrors.h"

#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>
#include <QSslCertificate>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr qint64 MaxCaBytes = 64 * 1024;      // the admin API's limit of a CA certificate
}

struct CaCertificateField::Private {
    FieldErrors *errors = nullptr;
    QString key;
    QLineEdit *file = nullptr;
    QLabel *info = nullptr;
    QString emptyText;
    QString pem;
    bool changed = false;

    void show(const QString &subject, const QString &fingerprint, qint64 expiresAt, const QString &source)
    {
        if (subject.isEmpty() && fingerprint.isEmpty()) {
            info->setText(emptyText);
            FieldErrors::markError(info, false);
            return;
        }
        const QDateTime expires = QDateTime::fromMSecsSinceEpoch(expiresAt);
        const bool expired = expiresAt > 0 && expires < QDateTime::currentDateTime();
        QString text = CaCertificateField::tr("%1\nSHA-256: %2\nValid until %3")
                           .arg(subject, fingerprint, QLocale().toString(expires, QLocale::ShortFormat));
        if (!source.isEmpty())
            text += u"\n"_s + source;
        if (expired)
            text += u"\n"_s + CaCertificateField::tr("This certificate has expired: the server's certificate cannot be "
                                                     "checked against it.");
        info->setText(text);
        FieldErrors::markError(info, expired);
    }

    bool refuse(const QString &text)
    {
        errors->show(key, text);
        return false;
    }
};

CaCertificateField::CaCertificateField(FieldErrors *errors, const QString &key, const QString &prefix, QWidget *parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->errors = errors;
    d->key = key;
    d->file = new QLineEdit(this);
    d->file->setObjectName(prefix + u"CaFile"_s);
    d->file->setAccessibleName(tr("CA certificate file"));
    d->file->setPlaceholderText(tr("corp-root-ca.pem"));
    d->file->setReadOnly(true);
    auto *choose = new QPushButton(tr("C&hoose…"), this);
    choose->setObjectName(prefix + u"CaChoose"_s);
    choose->setAccessibleName(tr("Choose the CA certificate file"));
    d->info = new QLabel(this);
    d->info->setObjectName(prefix + u"CaInfo"_s);
    d->info->setWordWrap(true);
    d->info->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    auto *row = new QHBoxLayout;
    row->addWidget(d->file, 1);
    row->addWidget(choose);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(d->info);
    connect(choose, &QPushButton::clicked, this, [this] {
        auto *dialog = new QFileDialog(this, tr("Choose the CA certificate"), QString(),
                                       tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
        dialog->setAcceptMode(QFileDialog::AcceptOpen);
        dialog->setFileMode(QFileDialog::ExistingFile);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) { readFile(path); });
        dialog->open();
    });
    d->show({}, {}, 0, {});
}

CaCertificateField::~CaCertificateField() = default;

void CaCertificateField::setEmptyText(const QString &text)
{
    d->emptyText = text;
    if (d->pem.isEmpty())
        d->info->setText(text);
}

void CaCertificateField::showServerCertificate(const QString &pem, const QString &subject, const QString &fingerprint,
                                               qint64 expiresAtMs)
{
    d->pem = pem;
    d->changed = false;
    d->file->clear();
    d->show(subject, fingerprint, expiresAtMs, fingerprint.isEmpty() ? QString() : tr("(the certificate the server has)"));
}

bool CaCertificateField::readFile(const QString &path)
{
    d->errors->clear();
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return d->refuse(tr("Could not read %1: %2").arg(path, file.errorString()));
    if (file.size() > MaxCaBytes)
        return d->refuse(tr("%1 is larger than 64 KiB; it is not a CA certificate.").arg(name));
    const QByteArray pem = file.readAll();
    if (pem.contains("PRIVATE KEY"))
        return d->refuse(tr("%1 holds a private key. Choose the CA's certificate only; its key stays with the CA.").arg(name));
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    if (certificates.isEmpty())
        return d->refuse(tr("%1 holds no PEM certificate (-----BEGIN CERTIFICATE-----).").arg(name));
    d->pem = QString::fromUtf8(pem);
    d->changed = true;
    d->file->setText(path);
    const QSslCertificate &first = certificates.first();
    d->show(first.subjectDisplayName(), QString::fromLatin1(first.digest(QCryptographicHash::Sha256).toHex()),
            first.expiryDate().toMSecsSinceEpoch(), tr("(from the file; sent when you save)"));
    return true;
}

QString CaCertificateField::pem() const
{
    return d->pem;
}

bool CaCertificateField::changed() const
{
    return d->changed;
}

} // namespace parley::admin
