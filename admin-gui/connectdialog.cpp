#include "connectdialog.h"

#include "adminclient.h"
#include "clientidentity.h"

#include <qt6keychain/keychain.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
const QString KeychainService = u"parley-admin"_s;
constexpr int MaxRecentServers = 10;

QString keychainKey(const QString &server, const QString &name)
{
    return name + u'@' + server;
}

// Where the paths of a server's client certificate and key are kept (never the key itself, nor its passphrase).
QString clientCertificateKey(const QString &server)
{
    return u"clientCertificates/"_s + QString::fromLatin1(server.toUtf8().toHex());
}
} // namespace

struct ConnectDialog::Private {
    ConnectDialog *q = nullptr;
    AdminClient *client = nullptr;
    QComboBox *server = nullptr;
    QLineEdit *name = nullptr;
    QLineEdit *password = nullptr;
    QLabel *totpLabel = nullptr;
    QLineEdit *totp = nullptr;
    QCheckBox *remember = nullptr;
    QGroupBox *clientCertBox = nullptr;
    QLineEdit *clientCertFile = nullptr;
    QLineEdit *clientKeyFile = nullptr;
    QLineEdit *clientKeyPassphrase = nullptr;
    // The certificate fields hold what was remembered for the server shown, not something typed or chosen.
    bool clientCertFromSettings = false;
    QGroupBox *trustBox = nullptr;
    QLabel *trustText = nullptr;
    QPushButton *trustButton = nullptr;
    QGroupBox *changedBox = nullptr;
    QLabel *changedText = nullptr;
    QCheckBox *changedConfirm = nullptr;
    QPushButton *retrustButton = nullptr;
    QLabel *status = nullptr;
    QPushButton *connectButton = nullptr;
    QString offeredFingerprint;
    QString usedPassword;
    bool busy = false;

    void setBusy(bool on)
    {
        busy = on;
        connectButton->setEnabled(!on);
    }

    void setStatus(const QString &text, bool error)
    {
        status->setText(text);
        status->setStyleSheet(error ? u"color: #b00020;"_s : QString());
    }

    void start()
    {
        if (busy)
            return;
        trustBox->hide();
        changedBox->hide();
        if (server->currentText().trimmed().isEmpty() || name->text().trimmed().isEmpty() || password->text().isEmpty()) {
            setStatus(ConnectDialog::tr("Please enter the server, your admin name and your password."), true);
            return;
        }
        // The client certificate is checked here, so that a wrong file is explained before anything goes to the server.
        if (clientCertBox->isChecked()) {
            auto identity = ClientIdentity::load(clientCertFile->text().trimmed(), clientKeyFile->text().trimmed(),
                                                 clientKeyPassphrase->text());
            if (!identity) {
                setStatus(identity.error().message, true);
                return;
            }
            client->setClientCertificate(identity->certificate, identity->key);
        } else {
            client->clearClientCertificate();
        }
        setBusy(true);
        setStatus(ConnectDialog::tr("Connecting to %1 …").arg(server->currentText().trimmed()), false);
        client->connectToServer(server->currentText().trimmed());
    }

    void login()
    {
        setStatus(ConnectDialog::tr("Logging in …"), false);
        QCborMap args;
        args.insert(u"name"_s, name->text().trimmed());
        args.insert(u"password"_s, password->text());
        if (totp->isVisible() && !totp->text().trimmed().isEmpty())
            args.insert(u"totp"_s, totp->text().trimmed());
        client->call(u"login"_s, args, q, [this](const AdminClient::Reply &reply) {
            setBusy(false);
            if (!reply.ok) {
                if (reply.error == u"totp_required"_s) {
                    totpLabel->show();
                    totp->show();
                    totp->setFocus();
                    setStatus(ConnectDialog::tr("Enter the 6-digit code from your authenticator app."), false);
                } else {
                    setStatus(reply.text(), true);
                }
                client->disconnectFromServer();
                return;
            }
            client->setToken(reply.result.value(u"token"_s).toString());
            usedPassword = password->text();
            rememberServer();
            const bool mustChange = reply.result.value(u"must_change_password"_s).toBool();
            setStatus(QString(), false);
            password->clear();
            totp->clear();
            clientKeyPassphrase->clear();
            q->accept();
            Q_EMIT q->loggedIn(mustChange);
        });
    }

    void rememberServer()
    {
        QSettings settings;
        const QString current = server->currentText().trimmed();
        QStringList recent = settings.value(u"recentServers"_s).toStringList();
        recent.removeAll(current);
        recent.prepend(current);
        while (recent.size() > MaxRecentServers)
            recent.removeLast();
        settings.setValue(u"recentServers"_s, recent);
        settings.setValue(u"lastAdminName"_s, name->text().trimmed());
        const QString certKey = clientCertificateKey(current);
        if (clientCertBox->isChecked()) {
            settings.setValue(certKey + u"/certificate"_s, QFileInfo(clientCertFile->text().trimmed()).absoluteFilePath());
            settings.setValue(certKey + u"/key"_s, QFileInfo(clientKeyFile->text().trimmed()).absoluteFilePath());
        } else {
            settings.remove(certKey);
        }
        const QString key = keychainKey(current, name->text().trimmed());
        const QString flag = u"remembered/"_s + QString::fromLatin1(key.toUtf8().toHex());
        if (!remember->isChecked()) {
            if (settings.value(flag).toBool()) {
                // The flag goes once the keychain has let go of the password, so that a failed removal is retried.
                auto *job = new QKeychain::DeletePasswordJob(KeychainService, q);
                job->setKey(key);
                QObject::connect(job, &QKeychain::Job::finished, q, [flag](QKeychain::Job *j) {
                    if (j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound)
                        QSettings().remove(flag);
                });
                job->start();
            }
            return;
        }
        auto *job = new QKeychain::WritePasswordJob(KeychainService, q);
        job->setKey(key);
        job->setTextData(password->text());
        QObject::connect(job, &QKeychain::Job::finished, q, [flag](QKeychain::Job *j) {
            if (j->error() == QKeychain::NoError)
                QSettings().setValue(flag, true);
        });
        job->start();
    }

    // Fills in the client certificate remembered for the server shown; clears what was filled in for another one.
    void loadClientCertificate()
    {
        QSettings settings;
        const QString certKey = clientCertificateKey(server->currentText().trimmed());
        const QString certificate = settings.value(certKey + u"/certificate"_s).toString();
        const QString key = settings.value(certKey + u"/key"_s).toString();
        if (!certificate.isEmpty() && !key.isEmpty()) {
            clientCertFile->setText(certificate);
            clientKeyFile->setText(key);
            clientKeyPassphrase->clear();
            clientCertBox->setChecked(true);
            clientCertFromSettings = true;
        } else if (clientCertFromSettings) {
            clientCertFile->clear();
            clientKeyFile->clear();
            clientKeyPassphrase->clear();
            clientCertBox->setChecked(false);
            clientCertFromSettings = false;
        }
    }

    // A path field with its "Choose…" button, which opens a file dialog.
    QHBoxLayout *fileRow(QLineEdit *edit, const QString &buttonName, const QString &caption, const QString &filter)
    {
        auto *choose = new QPushButton(ConnectDialog::tr("Choose…"), clientCertBox);
        choose->setObjectName(buttonName);
        choose->setAccessibleName(caption);
        QObject::connect(choose, &QPushButton::clicked, q, [this, edit, caption, filter] {
            auto *dialog = new QFileDialog(q, caption, QFileInfo(edit->text().trimmed()).absolutePath(), filter);
            dialog->setAcceptMode(QFileDialog::AcceptOpen);
            dialog->setFileMode(QFileDialog::ExistingFile);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            QObject::connect(dialog, &QFileDialog::fileSelected, edit, [this, edit](const QString &file) {
                edit->setText(file);
                clientCertFromSettings = false;
            });
            dialog->open();
        });
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(choose);
        return row;
    }

    void loadRemembered()
    {
        const QString key = keychainKey(server->currentText().trimmed(), name->text().trimmed());
        const QString flag = u"remembered/"_s + QString::fromLatin1(key.toUtf8().toHex());
        if (!QSettings().value(flag).toBool())
            return;
        auto *job = new QKeychain::ReadPasswordJob(KeychainService, q);
        job->setKey(key);
        QObject::connect(job, &QKeychain::Job::finished, q, [this, key](QKeychain::Job *j) {
            auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
            if (read->error() == QKeychain::NoError
                && key == keychainKey(server->currentText().trimmed(), name->text().trimmed()) && password->text().isEmpty()) {
                password->setText(read->textData());
                remember->setChecked(true);
            }
        });
        job->start();
    }
};

ConnectDialog::ConnectDialog(AdminClient *client, QWidget *parent) : QDialog(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->client = client;
    setWindowTitle(tr("Connect to a Parley server"));
    setObjectName(u"connectDialog"_s);

    d->server = new QComboBox(this);
    d->server->setEditable(true);
    d->server->setObjectName(u"server"_s);
    d->server->setAccessibleName(tr("Server address"));
    d->server->addItems(QSettings().value(u"recentServers"_s).toStringList());
    d->server->setToolTip(tr("host:port of the admin API, as parleyd prints it at start-up"));
    d->name = new QLineEdit(QSettings().value(u"lastAdminName"_s, u"admin"_s).toString(), this);
    d->name->setObjectName(u"adminName"_s);
    d->name->setAccessibleName(tr("Admin name"));
    d->password = new QLineEdit(this);
    d->password->setObjectName(u"password"_s);
    d->password->setEchoMode(QLineEdit::Password);
    d->password->setAccessibleName(tr("Password"));
    d->totpLabel = new QLabel(tr("&One-time code:"), this);
    d->totp = new QLineEdit(this);
    d->totp->setObjectName(u"totp"_s);
    d->totp->setAccessibleName(tr("One-time code"));
    d->totp->setMaxLength(8);
    d->totp->setInputMethodHints(Qt::ImhDigitsOnly);
    d->totpLabel->setBuddy(d->totp);
    d->remember = new QCheckBox(tr("&Remember the password in the system keychain"), this);
    d->remember->setObjectName(u"remember"_s);
    d->remember->setAccessibleName(tr("Remember the password"));

    auto *form = new QFormLayout;
    auto *serverLabel = new QLabel(tr("&Server:"), this);
    serverLabel->setBuddy(d->server);
    auto *nameLabel = new QLabel(tr("&Admin name:"), this);
    nameLabel->setBuddy(d->name);
    auto *passwordLabel = new QLabel(tr("&Password:"), this);
    passwordLabel->setBuddy(d->password);
    form->addRow(serverLabel, d->server);
    form->addRow(nameLabel, d->name);
    form->addRow(passwordLabel, d->password);
    form->addRow(d->totpLabel, d->totp);
    form->addRow(QString(), d->remember);
    d->totpLabel->hide();
    d->totp->hide();

    // Only for an admin listener with require_client_certificate=true.
    d->clientCertBox = new QGroupBox(tr("C&lient certificate"), this);
    d->clientCertBox->setObjectName(u"clientCertBox"_s);
    d->clientCertBox->setAccessibleName(tr("Present a client certificate"));
    d->clientCertBox->setToolTip(tr("For a server that admits administrators only with a certificate from its own "
                                    "certificate authority"));
    d->clientCertBox->setCheckable(true);
    d->clientCertBox->setChecked(false);
    d->clientCertFile = new QLineEdit(d->clientCertBox);
    d->clientCertFile->setObjectName(u"clientCertFile"_s);
    d->clientCertFile->setAccessibleName(tr("Client certificate file"));
    d->clientCertFile->setPlaceholderText(tr("PEM file"));
    d->clientKeyFile = new QLineEdit(d->clientCertBox);
    d->clientKeyFile->setObjectName(u"clientKeyFile"_s);
    d->clientKeyFile->setAccessibleName(tr("Private key file of the client certificate"));
    d->clientKeyFile->setPlaceholderText(tr("PEM file"));
    d->clientKeyPassphrase = new QLineEdit(d->clientCertBox);
    d->clientKeyPassphrase->setObjectName(u"clientKeyPassphrase"_s);
    d->clientKeyPassphrase->setAccessibleName(tr("Passphrase of the private key"));
    d->clientKeyPassphrase->setPlaceholderText(tr("only if the key is encrypted"));
    d->clientKeyPassphrase->setEchoMode(QLineEdit::Password);
    const QString pemFilter = tr("PEM files (*.pem *.crt *.key);;All files (*)");
    auto *certRow = d->fileRow(d->clientCertFile, u"clientCertChoose"_s, tr("Choose the client certificate file"), pemFilter);
    auto *keyRow = d->fileRow(d->clientKeyFile, u"clientKeyChoose"_s, tr("Choose the private key file"), pemFilter);
    auto *certFileLabel = new QLabel(tr("Certificate &file:"), d->clientCertBox);
    certFileLabel->setBuddy(d->clientCertFile);
    auto *keyFileLabel = new QLabel(tr("Private &key file:"), d->clientCertBox);
    keyFileLabel->setBuddy(d->clientKeyFile);
    auto *passphraseLabel = new QLabel(tr("Key passp&hrase:"), d->clientCertBox);
    passphraseLabel->setBuddy(d->clientKeyPassphrase);
    auto *certForm = new QFormLayout(d->clientCertBox);
    certForm->addRow(certFileLabel, certRow);
    certForm->addRow(keyFileLabel, keyRow);
    certForm->addRow(passphraseLabel, d->clientKeyPassphrase);

    d->trustBox = new QGroupBox(tr("Unknown certificate"), this);
    d->trustBox->setObjectName(u"trustBox"_s);
    d->trustText = new QLabel(d->trustBox);
    d->trustText->setWordWrap(true);
    d->trustText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->trustText->setObjectName(u"trustText"_s);
    d->trustButton = new QPushButton(tr("&Trust this certificate and connect"), d->trustBox);
    d->trustButton->setObjectName(u"trustButton"_s);
    d->trustButton->setAccessibleName(tr("Trust this certificate and connect"));
    auto *trustLayout = new QVBoxLayout(d->trustBox);
    trustLayout->addWidget(d->trustText);
    trustLayout->addWidget(d->trustButton);
    d->trustBox->hide();

    d->changedBox = new QGroupBox(tr("Warning: the server's certificate has changed"), this);
    d->changedBox->setObjectName(u"changedBox"_s);
    d->changedText = new QLabel(d->changedBox);
    d->changedText->setWordWrap(true);
    d->changedText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->changedText->setObjectName(u"changedText"_s);
    d->changedConfirm = new QCheckBox(tr("I replaced the certificate myself and checked the new fingerprint on the server"), d->changedBox);
    d->changedConfirm->setObjectName(u"changedConfirm"_s);
    d->changedConfirm->setAccessibleName(tr("Confirm the new certificate"));
    d->retrustButton = new QPushButton(tr("Trust the &new certificate"), d->changedBox);
    d->retrustButton->setObjectName(u"retrustButton"_s);
    d->retrustButton->setAccessibleName(tr("Trust the new certificate"));
    d->retrustButton->setEnabled(false);
    auto *changedLayout = new QVBoxLayout(d->changedBox);
    changedLayout->addWidget(d->changedText);
    changedLayout->addWidget(d->changedConfirm);
    changedLayout->addWidget(d->retrustButton);
    d->changedBox->hide();

    d->status = new QLabel(this);
    d->status->setObjectName(u"status"_s);
    d->status->setWordWrap(true);
    d->status->setAccessibleName(tr("Connection status"));

    auto *buttons = new QDialogButtonBox(this);
    d->connectButton = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    d->connectButton->setObjectName(u"connectButton"_s);
    d->connectButton->setDefault(true);
    auto *quit = buttons->addButton(tr("&Quit"), QDialogButtonBox::RejectRole);
    quit->setObjectName(u"quitButton"_s);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(d->clientCertBox);
    layout->addWidget(d->trustBox);
    layout->addWidget(d->changedBox);
    layout->addWidget(d->status);
    layout->addStretch();
    layout->addWidget(buttons);
    setMinimumWidth(480);

    // Keyboard order: login fields, then the client certificate section top to bottom, then the buttons.
    QWidget *const order[] = {d->server, d->name, d->password, d->totp, d->remember, d->clientCertBox, d->clientCertFile,
                              findChild<QPushButton *>(u"clientCertChoose"_s), d->clientKeyFile,
                              findChild<QPushButton *>(u"clientKeyChoose"_s), d->clientKeyPassphrase, d->connectButton, quit};
    for (std::size_t i = 1; i < std::size(order); ++i)
        setTabOrder(order[i - 1], order[i]);

    connect(d->connectButton, &QPushButton::clicked, this, [this] { d->start(); });
    connect(quit, &QPushButton::clicked, this, &QDialog::reject);
    connect(d->trustButton, &QPushButton::clicked, this, [this] {
        CertificatePins::pin(d->server->currentText().trimmed(), d->offeredFingerprint);
        d->start();
    });
    connect(d->changedConfirm, &QCheckBox::toggled, d->retrustButton, &QPushButton::setEnabled);
    connect(d->retrustButton, &QPushButton::clicked, this, [this] {
        CertificatePins::pin(d->server->currentText().trimmed(), d->offeredFingerprint);
        d->changedConfirm->setChecked(false);
        d->start();
    });
    connect(d->server, &QComboBox::currentTextChanged, this, [this] {
        d->loadRemembered();
        d->loadClientCertificate();
    });
    for (QLineEdit *edit : {d->clientCertFile, d->clientKeyFile})
        connect(edit, &QLineEdit::textEdited, this, [this] { d->clientCertFromSettings = false; });

    connect(d->name, &QLineEdit::editingFinished, this, [this] { d->loadRemembered(); });

    connect(client, &AdminClient::connected, this, [this] {
        if (d->busy)
            d->login();
    });
    connect(client, &AdminClient::certificateUnknown, this, [this](const QString &fingerprint) {
        if (!d->busy)
            return;
        d->offeredFingerprint = fingerprint;
        d->trustText->setText(
            tr("The certificate of %1 is not signed by an authority this computer trusts. Compare its SHA-256 "
               "fingerprint with the output of \"parleyd fingerprint\" on the server before you trust it:\n\n%2")
                .arg(d->server->currentText().trimmed(), AdminClient::formatFingerprint(fingerprint)));
        d->trustBox->show();
        d->trustButton->setFocus();
        d->setStatus(tr("Confirm the certificate to continue."), false);
        adjustSize();
    });
    connect(client, &AdminClient::certificateChanged, this, [this](const QString &pinned, const QString &presented) {
        if (!d->busy)
            return;
        d->offeredFingerprint = presented;
        d->changedText->setText(
            tr("The connection was refused. %1 presented a different certificate than the one you trusted before. "
               "If you did not replace it, someone may be intercepting the connection.\n\nTrusted: %2\nPresented: %3")
                .arg(d->server->currentText().trimmed(), AdminClient::formatFingerprint(pinned),
                     AdminClient::formatFingerprint(presented)));
        d->changedConfirm->setChecked(false);
        d->changedBox->show();
        d->setStatus(tr("Connection refused for your protection."), true);
        adjustSize();
    });
    connect(client, &AdminClient::disconnected, this, [this](const QString &reason) {
        if (!d->busy)
            return;
        d->setBusy(false);
        // A refused certificate already explains itself in its own box.
        if (!d->trustBox->isVisible() && !d->changedBox->isVisible())
            d->setStatus(tr("Could not connect: %1").arg(reason), true);
    });
    d->loadRemembered();
    d->loadClientCertificate();
}

ConnectDialog::~ConnectDialog() = default;

QString ConnectDialog::password() const
{
    return d->usedPassword;
}

QString ConnectDialog::adminName() const
{
    return d->name->text().trimmed();
}

} // namespace parley::admin
