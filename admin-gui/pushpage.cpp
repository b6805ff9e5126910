#include "pushpage.h"

#include <QCborArray>
#include <QClipboard>
#include <QDateTime>
#include <QFile>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMap>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {
constexpr qint64 MaxKeyFileBytes = 64 * 1024;
}

struct PushPage::Private {
    PushPage *q = nullptr;
    QMap<QString, QCborMap> providers;
    QLabel *queue = nullptr;
    // APNs
    QLabel *apnsStatus = nullptr;
    QLineEdit *apnsKeyFile = nullptr;
    QLineEdit *apnsKeyId = nullptr;
    QLineEdit *apnsTeamId = nullptr;
    QLineEdit *apnsTopic = nullptr;
    QLineEdit *apnsEndpoint = nullptr;
    QPushButton *apnsClear = nullptr;
    // FCM
    QLabel *fcmStatus = nullptr;
    QLineEdit *fcmFile = nullptr;
    QLineEdit *fcmEndpoint = nullptr;
    QLineEdit *fcmTokenEndpoint = nullptr;
    QPushButton *fcmClear = nullptr;
    // Web Push
    QLabel *webpushStatus = nullptr;
    QLineEdit *webpushSubject = nullptr;
    QLineEdit *webpushKeyFile = nullptr;
    QLineEdit *webpushPublicKey = nullptr;
    QPushButton *copyPublicKey = nullptr;
    QPushButton *webpushClear = nullptr;

    // Reads a key file for sending; false (and a message) when it cannot be used.
    bool readKeyFile(const QString &path, const QString &missing, QString *out)
    {
        if (path.trimmed().isEmpty()) {
            Q_EMIT q->message(missing, true);
            return false;
        }
        QFile file(path.trimmed());
        if (!file.open(QIODevice::ReadOnly)) {
            Q_EMIT q->message(PushPage::tr("Could not read %1: %2").arg(path, file.errorString()), true);
            return false;
        }
        if (file.size() > MaxKeyFileBytes) {
            Q_EMIT q->message(PushPage::tr("%1 is larger than 64 KiB; it is not a key file.").arg(path), true);
            return false;
        }
        *out = QString::fromUtf8(file.readAll());
        return true;
    }

    static QString sourceText(const QString &source)
    {
        if (source == u"admin"_s)
            return PushPage::tr("set through the admin API");
        if (source == u"config"_s)
            return PushPage::tr("from the configuration file (saving here replaces it)");
        return source;
    }

    static QString statusText(const QCborMap &p, const QList<std::pair<QString, QString>> &details)
    {
        if (!p.value(u"configured"_s).toBool())
            return PushPage::tr("Not configured: devices of this kind are not woken up.");
        QStringList lines;
        const QString source = p.value(u"source"_s).toString();
        lines << (source.isEmpty() ? PushPage::tr("Configured.") : PushPage::tr("Configured, %1.").arg(sourceText(source)));
        for (const auto &[key, label] : details) {
            const QString value = p.value(key).toString();
            if (!value.isEmpty())
                lines << PushPage::tr("%1: %2").arg(label, value);
        }
        const qint64 updated = p.value(u"updated_at"_s).toInteger();
        if (updated > 0)
            lines << PushPage::tr("Changed: %1").arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(updated), QLocale::ShortFormat));
        if (p.contains(u"pending"_s) || p.contains(u"dead"_s))
            lines << PushPage::tr("%1 wake-ups waiting, %2 failed for good")
                         .arg(p.value(u"pending"_s).toInteger())
                         .arg(p.value(u"dead"_s).toInteger());
        return lines.join(u'\n');
    }

    void show(const QCborMap &result)
    {
        providers.clear();
        const QCborValue list = result.value(u"providers"_s);
        if (list.isArray()) {
            for (const QCborValue &v : list.toArray()) {
                const QCborMap m = v.toMap();
                QString name = m.value(u"provider"_s).toString();
                if (name.isEmpty())
                    name = m.value(u"kind"_s).toString();
                if (name.isEmpty())
                    name = m.value(u"name"_s).toString();
                providers.insert(name, m);
            }
        } else if (list.isMap()) {
            const QCborMap m = list.toMap();
            for (auto it = m.constBegin(); it != m.constEnd(); ++it)
                providers.insert(it.key().toString(), it.value().toMap());
        }
        const QCborMap apns = providers.value(u"apns"_s);
        apnsStatus->setText(statusText(apns, {{u"key_id"_s, PushPage::tr("Key ID")},
                                              {u"team_id"_s, PushPage::tr("Team ID")},
                                              {u"topic"_s, PushPage::tr("Topic")},
                                              {u"endpoint"_s, PushPage::tr("Endpoint")}}));
        apnsClear->setEnabled(apns.value(u"configured"_s).toBool());
        if (apns.value(u"configured"_s).toBool()) {
            apnsKeyId->setText(apns.value(u"key_id"_s).toString());
            apnsTeamId->setText(apns.value(u"team_id"_s).toString());
            apnsTopic->setText(apns.value(u"topic"_s).toString());
            apnsEndpoint->setText(apns.value(u"endpoint"_s).toString());
        }
        const QCborMap fcm = providers.value(u"fcm"_s);
        fcmStatus->setText(statusText(fcm, {{u"project_id"_s, PushPage::tr("Project")},
                                            {u"client_email"_s, PushPage::tr("Service account")},
                                            {u"endpoint"_s, PushPage::tr("Endpoint")}}));
        fcmClear->setEnabled(fcm.value(u"configured"_s).toBool());
        const QCborMap webpush = providers.value(u"webpush"_s);
        webpushStatus->setText(statusText(webpush, {{u"subject"_s, PushPage::tr("Contact")}}));
        webpushClear->setEnabled(webpush.value(u"configured"_s).toBool());
        if (webpush.value(u"configured"_s).toBool())
            webpushSubject->setText(webpush.value(u"subject"_s).toString());
        webpushPublicKey->setText(webpush.value(u"public_key"_s).toString());
        copyPublicKey->setEnabled(!webpushPublicKey->text().isEmpty());
        if (result.contains(u"pending"_s) || result.contains(u"dead"_s))
            queue->setText(PushPage::tr("Wake-ups waiting: %1; failed for good: %2")
                               .arg(result.value(u"pending"_s).toInteger())
                               .arg(result.value(u"dead"_s).toInteger()));
        else
            queue->clear();
        queue->setVisible(!queue->text().isEmpty());
        Q_EMIT q->providersLoaded();
    }

    void saved(const QString &text)
    {
        Q_EMIT q->message(text, false);
        q->refresh();
    }

    void saveApns()
    {
        if (apnsKeyId->text().trimmed().isEmpty() || apnsTeamId->text().trimmed().isEmpty()) {
            Q_EMIT q->message(PushPage::tr("APNs needs the key ID and the team ID."), true);
            return;
        }
        QString key;
        if (!readKeyFile(apnsKeyFile->text(), PushPage::tr("Choose the APNs key file (.p8) first."), &key))
            return;
        QCborMap args;
        args.insert(u"key"_s, key);
        args.insert(u"key_id"_s, apnsKeyId->text().trimmed());
        args.insert(u"team_id"_s, apnsTeamId->text().trimmed());
        if (!apnsTopic->text().trimmed().isEmpty())
            args.insert(u"topic"_s, apnsTopic->text().trimmed());
        if (!apnsEndpoint->text().trimmed().isEmpty())
            args.insert(u"endpoint"_s, apnsEndpoint->text().trimmed());
        q->request(u"push.set_apns"_s, args, [this](const QCborMap &) {
            apnsKeyFile->clear();
            saved(PushPage::tr("The APNs credentials were saved."));
        });
    }

    void saveFcm()
    {
        QString account;
        if (!readKeyFile(fcmFile->text(), PushPage::tr("Choose the FCM service account file (JSON) first."), &account))
            return;
        QCborMap args;
        args.insert(u"service_account"_s, account);
        if (!fcmEndpoint->text().trimmed().isEmpty())
            args.insert(u"endpoint"_s, fcmEndpoint->text().trimmed());
        if (!fcmTokenEndpoint->text().trimmed().isEmpty())
            args.insert(u"token_endpoint"_s, fcmTokenEndpoint->text().trimmed());
        q->request(u"push.set_fcm"_s, args, [this](const QCborMap &) {
            fcmFile->clear();
            saved(PushPage::tr("The FCM service account was saved."));
        });
    }

    void saveWebpush()
    {
        const QString subject = webpushSubject->text().trimmed();
        if (!subject.startsWith(u"mailto:"_s) && !subject.startsWith(u"https:"_s)) {
            Q_EMIT q->message(PushPage::tr("The Web Push contact must be a mailto: or https: address."), true);
            return;
        }
        QCborMap args;
        args.insert(u"subject"_s, subject);
        if (!webpushKeyFile->text().trimmed().isEmpty()) {
            QString key;
            if (!readKeyFile(webpushKeyFile->text(), QString(), &key))
                return;
            args.insert(u"private_key"_s, key);
        }
        const bool generated = !args.contains(u"private_key"_s);
        q->request(u"push.set_webpush"_s, args, [this, generated](const QCborMap &result) {
            webpushKeyFile->clear();
            webpushPublicKey->setText(result.value(u"public_key"_s).toString());
            copyPublicKey->setEnabled(!webpushPublicKey->text().isEmpty());
            saved(generated ? PushPage::tr("Web Push is set up with a new key the server generated.")
                            : PushPage::tr("The Web Push key was saved."));
        });
    }

    void clear(const QString &provider, const QString &name)
    {
        q->confirm(PushPage::tr("Remove the %1 credentials? Devices of this kind are no longer woken up until new ones "
                                "are set.").arg(name),
                   [this, provider, name] {
                       QCborMap args;
                       args.insert(u"provider"_s, provider);
                       q->request(u"push.clear"_s, args, [this, name](const QCborMap &) {
                           saved(PushPage::tr("The %1 credentials were removed.").arg(name));
                       });
                   });
    }

    QLabel *statusLabel(QWidget *parent, const QString &objectName, const QString &accessible)
    {
        auto *label = new QLabel(parent);
        label->setObjectName(objectName);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        label->setAccessibleName(accessible);
        return label;
    }

    QLineEdit *field(QWidget *parent, const QString &objectName, const QString &accessible, const QString &placeholder = {})
    {
        auto *edit = new QLineEdit(parent);
        edit->setObjectName(objectName);
        edit->setAccessibleName(accessible);
        edit->setPlaceholderText(placeholder);
        return edit;
    }

    // A path field with a "Choose…" button that opens a file dialog.
    QHBoxLayout *fileRow(QWidget *parent, QLineEdit *edit, const QString &chooseName, const QString &caption,
                         const QString &filter)
    {
        auto *choose = new QPushButton(PushPage::tr("Choose…"), parent);
        choose->setObjectName(chooseName);
        choose->setAccessibleName(caption);
        QObject::connect(choose, &QPushButton::clicked, q, [this, edit, caption, filter] {
            q->chooseOpenFile(caption, filter, [edit](const QString &path) { edit->setText(path); });
        });
        QWidget::setTabOrder(edit, choose);     // keyboard order: path, then its button
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(choose);
        return row;
    }
};

PushPage::PushPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    setObjectName(u"pushPage"_s);

    auto *intro = new QLabel(tr("Wake-ups carry no content: they only tell an offline device to connect. Key files are "
                                "sent to the server and never shown here."),
                             this);
    intro->setWordWrap(true);
    d->queue = new QLabel(this);
    d->queue->setObjectName(u"pushQueue"_s);
    d->queue->hide();

    // APNs
    auto *apnsBox = new QGroupBox(tr("Apple Push Notification service (APNs)"), this);
    d->apnsStatus = d->statusLabel(apnsBox, u"apnsStatus"_s, tr("APNs status"));
    d->apnsKeyFile = d->field(apnsBox, u"apnsKeyFile"_s, tr("APNs key file"), tr("AuthKey_XXXXXXXXXX.p8"));
    d->apnsKeyId = d->field(apnsBox, u"apnsKeyId"_s, tr("APNs key ID"));
    d->apnsTeamId = d->field(apnsBox, u"apnsTeamId"_s, tr("Apple team ID"));
    d->apnsTopic = d->field(apnsBox, u"apnsTopic"_s, tr("APNs topic"), tr("optional: the app's bundle ID"));
    d->apnsEndpoint = d->field(apnsBox, u"apnsEndpoint"_s, tr("APNs endpoint"), tr("optional: Apple's production service"));
    auto *apnsSave = new QPushButton(tr("Save APNs"), apnsBox);
    apnsSave->setObjectName(u"apnsSave"_s);
    d->apnsClear = new QPushButton(tr("Remove…"), apnsBox);
    d->apnsClear->setObjectName(u"apnsClear"_s);
    d->apnsClear->setAccessibleName(tr("Remove the APNs credentials"));
    auto *apnsButtons = buttonRow({apnsSave, d->apnsClear});
    auto *apnsForm = new QFormLayout(apnsBox);
    apnsForm->addRow(d->apnsStatus);
    apnsForm->addRow(tr("Key file (.p8):"),
                     d->fileRow(apnsBox, d->apnsKeyFile, u"apnsChoose"_s, tr("Choose the APNs key file"),
                                tr("APNs keys (*.p8 *.pem);;All files (*)")));
    apnsForm->addRow(tr("Key ID:"), d->apnsKeyId);
    apnsForm->addRow(tr("Team ID:"), d->apnsTeamId);
    apnsForm->addRow(tr("Topic:"), d->apnsTopic);
    apnsForm->addRow(tr("Endpoint:"), d->apnsEndpoint);
    apnsForm->addRow(apnsButtons);

    // FCM
    auto *fcmBox = new QGroupBox(tr("Firebase Cloud Messaging (FCM)"), this);
    d->fcmStatus = d->statusLabel(fcmBox, u"fcmStatus"_s, tr("FCM status"));
    d->fcmFile = d->field(fcmBox, u"fcmFile"_s, tr("FCM service account file"), tr("service-account.json"));
    d->fcmEndpoint = d->field(fcmBox, u"fcmEndpoint"_s, tr("FCM endpoint"), tr("optional: Google's service"));
    d->fcmTokenEndpoint = d->field(fcmBox, u"fcmTokenEndpoint"_s, tr("FCM token endpoint"),
                                   tr("optional: the one in the service account"));
    auto *fcmSave = new QPushButton(tr("Save FCM"), fcmBox);
    fcmSave->setObjectName(u"fcmSave"_s);
    d->fcmClear = new QPushButton(tr("Remove…"), fcmBox);
    d->fcmClear->setObjectName(u"fcmClear"_s);
    d->fcmClear->setAccessibleName(tr("Remove the FCM credentials"));
    auto *fcmButtons = buttonRow({fcmSave, d->fcmClear});
    auto *fcmForm = new QFormLayout(fcmBox);
    fcmForm->addRow(d->fcmStatus);
    fcmForm->addRow(tr("Service account (JSON):"),
                    d->fileRow(fcmBox, d->fcmFile, u"fcmChoose"_s, tr("Choose the FCM service account file"),
                               tr("JSON files (*.json);;All files (*)")));
    fcmForm->addRow(tr("Endpoint:"), d->fcmEndpoint);
    fcmForm->addRow(tr("Token endpoint:"), d->fcmTokenEndpoint);
    fcmForm->addRow(fcmButtons);

    // Web Push
    auto *webpushBox = new QGroupBox(tr("Web Push (VAPID)"), this);
    d->webpushStatus = d->statusLabel(webpushBox, u"webpushStatus"_s, tr("Web Push status"));
    d->webpushSubject = d->field(webpushBox, u"webpushSubject"_s, tr("Web Push contact"), tr("mailto:admin@example.com"));
    d->webpushKeyFile = d->field(webpushBox, u"webpushKeyFile"_s, tr("VAPID private key file"),
                                 tr("optional: empty lets the server generate a key"));
    d->webpushPublicKey = d->field(webpushBox, u"webpushPublicKey"_s, tr("VAPID public key"));
    d->webpushPublicKey->setReadOnly(true);
    d->copyPublicKey = new QPushButton(tr("&Copy"), webpushBox);
    d->copyPublicKey->setObjectName(u"copyPublicKey"_s);
    d->copyPublicKey->setAccessibleName(tr("Copy the VAPID public key"));
    auto *publicRow = new QHBoxLayout;
    publicRow->addWidget(d->webpushPublicKey, 1);
    publicRow->addWidget(d->copyPublicKey);
    auto *webpushSave = new QPushButton(tr("Save Web Push"), webpushBox);
    webpushSave->setObjectName(u"webpushSave"_s);
    d->webpushClear = new QPushButton(tr("Remove…"), webpushBox);
    d->webpushClear->setObjectName(u"webpushClear"_s);
    d->webpushClear->setAccessibleName(tr("Remove the Web Push credentials"));
    auto *webpushButtons = buttonRow({webpushSave, d->webpushClear});
    auto *webpushForm = new QFormLayout(webpushBox);
    webpushForm->addRow(d->webpushStatus);
    webpushForm->addRow(tr("Contact:"), d->webpushSubject);
    webpushForm->addRow(tr("Private key (PEM):"),
                        d->fileRow(webpushBox, d->webpushKeyFile, u"webpushChoose"_s, tr("Choose the VAPID key file"),
                                   tr("PEM files (*.pem *.key);;All files (*)")));
    webpushForm->addRow(tr("Public key:"), publicRow);
    webpushForm->addRow(webpushButtons);

    auto *content = new QWidget(this);
    auto *grid = new QGridLayout(content);
    grid->addWidget(apnsBox, 0, 0);
    grid->addWidget(fcmBox, 0, 1);
    grid->addWidget(webpushBox, 1, 0, 1, 2);
    grid->setRowStretch(2, 1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    auto *top = new QHBoxLayout;
    top->addWidget(intro, 1);
    top->addWidget(refreshButton, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(d->queue);
    layout->addWidget(scroll, 1);

    connect(refreshButton, &QPushButton::clicked, this, &PushPage::refresh);
    connect(apnsSave, &QPushButton::clicked, this, [this] { d->saveApns(); });
    connect(fcmSave, &QPushButton::clicked, this, [this] { d->saveFcm(); });
    connect(webpushSave, &QPushButton::clicked, this, [this] { d->saveWebpush(); });
    connect(d->apnsClear, &QPushButton::clicked, this, [this] { d->clear(u"apns"_s, tr("APNs")); });
    connect(d->fcmClear, &QPushButton::clicked, this, [this] { d->clear(u"fcm"_s, tr("FCM")); });
    connect(d->webpushClear, &QPushButton::clicked, this, [this] { d->clear(u"webpush"_s, tr("Web Push")); });
    connect(d->copyPublicKey, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(d->webpushPublicKey->text());
        Q_EMIT message(tr("The VAPID public key was copied to the clipboard."), false);
    });
    d->show({});
}

PushPage::~PushPage() = default;

QString PushPage::title() const
{
    return tr("Push");
}

void PushPage::refresh()
{
    request(u"push.show"_s, {}, [this](const QCborMap &result) { d->show(result); });
}

QCborMap PushPage::provider(const QString &provider) const
{
    return d->providers.value(provider);
}

void PushPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
