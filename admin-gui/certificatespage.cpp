#include "certificatespage.h"

#include "recordmodel.h"

#include <QCborArray>
#include <QDateTime>
#include <QFile>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr qint64 MaxPemBytes = 256 * 1024;
}

struct CertificatesPage::Private {
    CertificatesPage *q = nullptr;
    RecordModel *chain = nullptr;
    QLabel *fingerprint = nullptr;
    QLabel *expiry = nullptr;
    QLabel *warning = nullptr;
    QLabel *adminCert = nullptr;
    QLineEdit *certFile = nullptr;
    QLineEdit *keyFile = nullptr;
    QLineEdit *commonName = nullptr;
    QLineEdit *dnsNames = nullptr;

    bool readPem(const QString &path, QString *out)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            Q_EMIT q->message(CertificatesPage::tr("Could not read %1: %2").arg(path, file.errorString()), true);
            return false;
        }
        if (file.size() > MaxPemBytes) {
            Q_EMIT q->message(CertificatesPage::tr("%1 is too large for a PEM file.").arg(path), true);
            return false;
        }
        *out = QString::fromUtf8(file.readAll());
        return true;
    }

    void install()
    {
        if (certFile->text().isEmpty()) {
            Q_EMIT q->message(CertificatesPage::tr("Choose the certificate file first."), true);
            return;
        }
        QString cert;
        QString key;
        if (!readPem(certFile->text(), &cert))
            return;
        // Without a key file the server uses the key it generated with the last signing request.
        if (!keyFile->text().isEmpty() && !readPem(keyFile->text(), &key))
            return;
        QCborMap args;
        args.insert(u"certificate"_s, cert);
        args.insert(u"private_key"_s, key);
        q->request(u"cert.install"_s, args, [this](const QCborMap &result) {
            Q_EMIT q->message(CertificatesPage::tr("Certificate installed; new fingerprint %1. Administrators must confirm it at their next login.")
                                  .arg(AdminClient::formatFingerprint(result.value(u"fingerprint"_s).toString())), false);
            q->refresh();
        });
    }
};

CertificatesPage::CertificatesPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"certificatesPage"_s);
    d->chain = new RecordModel({{u"subject"_s, tr("Subject"), RecordModel::Kind::Text},
                                {u"issuer"_s, tr("Issuer"), RecordModel::Kind::Text},
                                {u"not_before"_s, tr("Valid from"), RecordModel::Kind::Time},
                                {u"not_after"_s, tr("Valid until"), RecordModel::Kind::Time},
                                {u"fingerprint"_s, tr("SHA-256 fingerprint"), RecordModel::Kind::Text}},
                               this);
    auto *chainBox = new QGroupBox(tr("Serving certificate chain"), this);
    auto *view = new QTableView(chainBox);
    view->setObjectName(u"chainTable"_s);
    view->setAccessibleName(tr("Certificate chain"));
    view->setModel(d->chain);
    setUpRecordTable(view);
    d->fingerprint = new QLabel(chainBox);
    d->fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->fingerprint->setWordWrap(true);
    d->expiry = new QLabel(chainBox);
    d->warning = new QLabel(chainBox);
    d->warning->setObjectName(u"expiryWarning"_s);
    d->warning->setStyleSheet(u"color: #b00020; font-weight: bold;"_s);
    d->adminCert = new QLabel(chainBox);
    d->adminCert->setWordWrap(true);
    auto *reload = new QPushButton(tr("&Reload from disk"), chainBox);
    reload->setObjectName(u"reloadButton"_s);
    auto *chainForm = new QFormLayout;
    chainForm->addRow(tr("Fingerprint:"), d->fingerprint);
    chainForm->addRow(tr("Expires:"), d->expiry);
    chainForm->addRow(tr("Admin API certificate:"), d->adminCert);
    auto *chainLayout = new QVBoxLayout(chainBox);
    chainLayout->addWidget(view);
    chainLayout->addLayout(chainForm);
    chainLayout->addWidget(d->warning);
    chainLayout->addWidget(reload, 0, Qt::AlignLeft);

    auto *installBox = new QGroupBox(tr("Install a certificate"), this);
    d->certFile = new QLineEdit(installBox);
    d->certFile->setObjectName(u"certFile"_s);
    d->certFile->setAccessibleName(tr("Certificate chain file (PEM)"));
    d->keyFile = new QLineEdit(installBox);
    d->keyFile->setObjectName(u"keyFile"_s);
    d->keyFile->setAccessibleName(tr("Private key file (PEM)"));
    d->keyFile->setPlaceholderText(tr("empty: the key generated with the last signing request"));
    auto *pickCert = new QPushButton(tr("Choose…"), installBox);
    pickCert->setAccessibleName(tr("Choose the certificate file"));
    auto *pickKey = new QPushButton(tr("Choose…"), installBox);
    pickKey->setAccessibleName(tr("Choose the private key file"));
    auto *install = new QPushButton(tr("&Install and reload"), installBox);
    install->setObjectName(u"installButton"_s);
    auto *certRow = new QHBoxLayout;
    certRow->addWidget(d->certFile, 1);
    certRow->addWidget(pickCert);
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(d->keyFile, 1);
    keyRow->addWidget(pickKey);
    auto *installForm = new QFormLayout(installBox);
    installForm->addRow(tr("Certificate chain (PEM):"), certRow);
    installForm->addRow(tr("Private key (PEM):"), keyRow);
    installForm->addRow(QString(), install);

    auto *csrBox = new QGroupBox(tr("New key and signing request"), this);
    d->commonName = new QLineEdit(csrBox);
    d->commonName->setAccessibleName(tr("Common name"));
    d->commonName->setPlaceholderText(tr("chat.example.com"));
    d->dnsNames = new QLineEdit(csrBox);
    d->dnsNames->setAccessibleName(tr("Further DNS names"));
    d->dnsNames->setPlaceholderText(tr("comma-separated, optional"));
    auto *csr = new QPushButton(tr("&Generate and save CSR…"), csrBox);
    csr->setObjectName(u"csrButton"_s);
    auto *csrForm = new QFormLayout(csrBox);
    csrForm->addRow(tr("Common name:"), d->commonName);
    csrForm->addRow(tr("DNS names:"), d->dnsNames);
    csrForm->addRow(QString(), csr);

    auto *lower = new QHBoxLayout;
    lower->addWidget(installBox, 1);
    lower->addWidget(csrBox, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(chainBox, 1);
    layout->addLayout(lower);

    connect(reload, &QPushButton::clicked, this, [this] {
        request(u"cert.reload"_s, {}, [this](const QCborMap &) {
            Q_EMIT message(tr("Certificate and key reloaded from disk."), false);
            refresh();
        });
    });
    connect(pickCert, &QPushButton::clicked, this, [this] {
        chooseOpenFile(tr("Certificate chain"), tr("PEM files (*.pem *.crt);;All files (*)"),
                       [this](const QString &path) { d->certFile->setText(path); });
    });
    connect(pickKey, &QPushButton::clicked, this, [this] {
        chooseOpenFile(tr("Private key"), tr("PEM files (*.pem *.key);;All files (*)"),
                       [this](const QString &path) { d->keyFile->setText(path); });
    });
    connect(install, &QPushButton::clicked, this, [this] { d->install(); });
    connect(csr, &QPushButton::clicked, this, [this] {
        if (d->commonName->text().trimmed().isEmpty()) {
            Q_EMIT message(tr("Enter the common name (the server's host name) first."), true);
            return;
        }
        QCborMap args;
        args.insert(u"common_name"_s, d->commonName->text().trimmed());
        if (!d->dnsNames->text().trimmed().isEmpty())
            args.insert(u"dns"_s, d->dnsNames->text().trimmed());
        request(u"cert.csr"_s, args, [this](const QCborMap &result) {
            const QByteArray pem = result.value(u"csr"_s).toString().toUtf8();
            chooseSaveFile(tr("Save the signing request"), d->commonName->text().trimmed() + u".csr"_s,
                           tr("Signing requests (*.csr *.pem)"), [this, pem](const QString &path) { saveData(path, pem); });
        });
    });
}

CertificatesPage::~CertificatesPage() = default;

QString CertificatesPage::title() const
{
    return tr("Certificates");
}

void CertificatesPage::refresh()
{
    request(u"cert.show"_s, {}, [this](const QCborMap &result) {
        d->chain->setRecords(result.value(u"chain"_s).toArray());
        d->fingerprint->setText(AdminClient::formatFingerprint(result.value(u"fingerprint"_s).toString()));
        const QLocale locale;
        d->expiry->setText(tr("%1 (%n day(s) left)", nullptr, int(result.value(u"days_left"_s).toInteger()))
                               .arg(locale.toString(QDateTime::fromMSecsSinceEpoch(result.value(u"expires_at"_s).toInteger()),
                                                    QLocale::ShortFormat)));
        const qint64 days = result.value(u"days_left"_s).toInteger();
        d->warning->setText(days < 0 ? tr("The certificate has expired. Devices cannot connect until it is replaced.")
                            : days < 30 ? tr("The certificate expires in %n day(s). Replace it soon.", nullptr, int(days))
                                        : QString());
        const QCborMap admin = result.value(u"admin_certificate"_s).toMap();
        d->adminCert->setText(admin.isEmpty() ? tr("the same as the serving certificate")
                                              : tr("%1, fingerprint %2").arg(admin.value(u"subject"_s).toString(),
                                                                             AdminClient::formatFingerprint(admin.value(u"fingerprint"_s).toString())));
    });
}

void CertificatesPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
