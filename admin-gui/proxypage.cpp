#include "proxypage.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

struct ProxyPage::Private {
    QComboBox *type = nullptr;
    QLineEdit *host = nullptr;
    QSpinBox *port = nullptr;
    QLineEdit *user = nullptr;
    QLineEdit *password = nullptr;
    QLabel *passwordState = nullptr;
    QLineEdit *testHost = nullptr;
    QSpinBox *testPort = nullptr;
    QLabel *testResult = nullptr;

    void updateEnabled()
    {
        const bool on = type->currentData().toString() != u"none"_s;
        for (QWidget *w : {static_cast<QWidget *>(host), static_cast<QWidget *>(port), static_cast<QWidget *>(user),
                           static_cast<QWidget *>(password)})
            w->setEnabled(on);
    }
};

ProxyPage::ProxyPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    setObjectName(u"proxyPage"_s);
    auto *settingsBox = new QGroupBox(tr("Outbound proxy for messaging traffic the server initiates"), this);
    d->type = new QComboBox(settingsBox);
    d->type->setObjectName(u"proxyType"_s);
    d->type->setAccessibleName(tr("Proxy type"));
    d->type->addItem(tr("No proxy"), u"none"_s);
    d->type->addItem(tr("HTTP proxy"), u"http"_s);
    d->type->addItem(tr("SOCKS5 proxy"), u"socks5"_s);
    d->host = new QLineEdit(settingsBox);
    d->host->setObjectName(u"proxyHost"_s);
    d->host->setAccessibleName(tr("Proxy host"));
    d->port = new QSpinBox(settingsBox);
    d->port->setObjectName(u"proxyPort"_s);
    d->port->setRange(1, 65535);
    d->port->setValue(3128);
    d->port->setAccessibleName(tr("Proxy port"));
    d->user = new QLineEdit(settingsBox);
    d->user->setAccessibleName(tr("Proxy user name"));
    d->password = new QLineEdit(settingsBox);
    d->password->setEchoMode(QLineEdit::Password);
    d->password->setAccessibleName(tr("Proxy password"));
    d->passwordState = new QLabel(settingsBox);
    auto *save = new QPushButton(tr("&Save"), settingsBox);
    save->setObjectName(u"saveProxy"_s);
    auto *form = new QFormLayout(settingsBox);
    form->addRow(tr("Type:"), d->type);
    form->addRow(tr("Host:"), d->host);
    form->addRow(tr("Port:"), d->port);
    form->addRow(tr("User:"), d->user);
    form->addRow(tr("Password:"), d->password);
    form->addRow(QString(), d->passwordState);
    form->addRow(QString(), save);

    auto *testBox = new QGroupBox(tr("Test the connection"), this);
    d->testHost = new QLineEdit(testBox);
    d->testHost->setObjectName(u"testHost"_s);
    d->testHost->setAccessibleName(tr("Test host"));
    d->testHost->setPlaceholderText(tr("push.example.com"));
    d->testPort = new QSpinBox(testBox);
    d->testPort->setObjectName(u"testPort"_s);
    d->testPort->setRange(1, 65535);
    d->testPort->setValue(443);
    d->testPort->setAccessibleName(tr("Test port"));
    auto *test = new QPushButton(tr("&Test connection"), testBox);
    test->setObjectName(u"testProxy"_s);
    d->testResult = new QLabel(testBox);
    d->testResult->setObjectName(u"testResult"_s);
    d->testResult->setWordWrap(true);
    auto *testForm = new QFormLayout(testBox);
    testForm->addRow(tr("Host:"), d->testHost);
    testForm->addRow(tr("Port:"), d->testPort);
    testForm->addRow(QString(), test);
    testForm->addRow(QString(), d->testResult);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(settingsBox);
    layout->addWidget(testBox);
    layout->addStretch();

    connect(d->type, &QComboBox::currentIndexChanged, this, [this] { d->updateEnabled(); });
    connect(save, &QPushButton::clicked, this, [this] {
        QCborMap args;
        const QString type = d->type->currentData().toString();
        args.insert(u"type"_s, type);
        if (type != u"none"_s) {
            if (d->host->text().trimmed().isEmpty()) {
                Q_EMIT message(tr("Enter the proxy host."), true);
                return;
            }
            args.insert(u"host"_s, d->host->text().trimmed());
            args.insert(u"port"_s, d->port->value());
            if (!d->user->text().isEmpty())
                args.insert(u"user"_s, d->user->text());
            if (!d->password->text().isEmpty())
                args.insert(u"password"_s, d->password->text());
        }
        request(u"proxy.set"_s, args, [this](const QCborMap &) {
            d->password->clear();
            Q_EMIT message(tr("Proxy settings saved."), false);
            refresh();
        });
    });
    connect(test, &QPushButton::clicked, this, [this] {
        if (d->testHost->text().trimmed().isEmpty()) {
            d->testResult->setText(tr("Enter a host to connect to."));
            return;
        }
        QCborMap args;
        args.insert(u"host"_s, d->testHost->text().trimmed());
        args.insert(u"port"_s, d->testPort->value());
        d->testResult->setText(tr("Connecting …"));
        this->client()->call(u"proxy.test"_s, args, this, [this](const AdminClient::Reply &reply) {
            d->testResult->setText(reply.ok ? tr("Connected successfully.") : reply.text());
        });
    });
    d->updateEnabled();
}

ProxyPage::~ProxyPage() = default;

QString ProxyPage::title() const
{
    return tr("Messaging proxy");
}

void ProxyPage::refresh()
{
    request(u"proxy.show"_s, {}, [this](const QCborMap &result) {
        const int index = d->type->findData(result.value(u"type"_s).toString());
        d->type->setCurrentIndex(std::max(0, index));
        d->host->setText(result.value(u"host"_s).toString());
        if (result.contains(u"port"_s))
            d->port->setValue(int(result.value(u"port"_s).toInteger()));
        d->user->setText(result.value(u"user"_s).toString());
        d->passwordState->setText(result.value(u"has_password"_s).toBool() ? tr("A password is set; leave the field empty to keep it.")
                                                                           : QString());
        d->updateEnabled();
    });
}

void ProxyPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
