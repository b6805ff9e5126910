#include "callspage.h"

#include <QCborArray>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

constexpr int MinTtlSeconds = 10;       // turn.set's range (docs/admin-api.md)
constexpr int MaxTtlSeconds = 86400;
constexpr int DefaultTtlSeconds = 3600;

} // namespace

struct CallsPage::Private {
    QPlainTextEdit *uris = nullptr;
    QSpinBox *ttl = nullptr;
    QLineEdit *secret = nullptr;
    QLabel *secretState = nullptr;
    QLabel *state = nullptr;
    QCborMap settings;
    bool secretSet = false;
};

CallsPage::CallsPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    setObjectName(u"callsPage"_s);
    auto *box = new QGroupBox(tr("TURN relay for audio and video calls"), this);
    auto *intro = new QLabel(tr("Devices get short-lived credentials for these TURN and STUN servers (coturn with "
                                "use-auth-secret). The relay learns neither user names nor devices."), box);
    intro->setWordWrap(true);
    d->uris = new QPlainTextEdit(box);
    d->uris->setObjectName(u"turnUris"_s);
    d->uris->setAccessibleName(tr("TURN and STUN URIs"));
    d->uris->setPlaceholderText(tr("turn:turn.example.com:3478?transport=udp\nturns:turn.example.com:5349"));
    d->uris->setTabChangesFocus(true);
    d->uris->setMaximumHeight(110);
    d->ttl = new QSpinBox(box);
    d->ttl->setObjectName(u"turnTtl"_s);
    d->ttl->setAccessibleName(tr("Credential lifetime in seconds"));
    d->ttl->setRange(MinTtlSeconds, MaxTtlSeconds);
    d->ttl->setValue(DefaultTtlSeconds);
    d->ttl->setSuffix(tr(" s"));
    d->secret = new QLineEdit(box);
    d->secret->setObjectName(u"turnSecret"_s);
    d->secret->setEchoMode(QLineEdit::Password);
    d->secret->setAccessibleName(tr("Shared secret"));
    d->secret->setPlaceholderText(tr("static-auth-secret of turnserver.conf"));
    d->secretState = new QLabel(box);
    d->secretState->setObjectName(u"turnSecretState"_s);
    d->secretState->setWordWrap(true);
    d->state = new QLabel(box);
    d->state->setObjectName(u"turnState"_s);
    d->state->setWordWrap(true);
    auto *save = new QPushButton(tr("&Save"), box);
    save->setObjectName(u"saveTurn"_s);
    auto *clear = new QPushButton(tr("Turn &off"), box);
    clear->setObjectName(u"clearTurn"_s);
    auto *buttons = buttonRow({save, clear});
    auto *form = new QFormLayout(box);
    form->addRow(intro);
    form->addRow(tr("URIs (one per line):"), d->uris);
    form->addRow(tr("Credential lifetime:"), d->ttl);
    form->addRow(tr("Shared secret:"), d->secret);
    form->addRow(QString(), d->secretState);
    form->addRow(QString(), buttons);
    form->addRow(QString(), d->state);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(box);
    layout->addStretch();

    connect(save, &QPushButton::clicked, this, [this] {
        QCborArray uris;
        for (const QString &line : d->uris->toPlainText().split(u'\n')) {
            if (!line.trimmed().isEmpty())
                uris.append(line.trimmed());
        }
        if (uris.isEmpty()) {
            Q_EMIT message(tr("Enter at least one TURN or STUN URI."), true);
            return;
        }
        if (!d->secretSet && d->secret->text().isEmpty()) {
            Q_EMIT message(tr("Enter the shared secret."), true);
            return;
        }
        QCborMap args;
        args.insert(u"uris"_s, uris);
        args.insert(u"ttl"_s, d->ttl->value());
        if (!d->secret->text().isEmpty())
            args.insert(u"secret"_s, d->secret->text());
        request(u"turn.set"_s, args, [this](const QCborMap &) {
            d->secret->clear();
            Q_EMIT message(tr("TURN settings saved."), false);
            refresh();
        });
    });
    connect(clear, &QPushButton::clicked, this, [this] {
        confirm(tr("Turn TURN off? Devices then get no relay credentials for calls, and the secret is removed."), [this] {
            request(u"turn.clear"_s, {}, [this](const QCborMap &) {
                Q_EMIT message(tr("TURN turned off."), false);
                refresh();
            });
        });
    });
}

CallsPage::~CallsPage() = default;

QString CallsPage::title() const
{
    return tr("Calls");
}

void CallsPage::refresh()
{
    request(u"turn.show"_s, {}, [this](const QCborMap &result) {
        d->settings = result;
        QStringList uris;
        for (const QCborValue &uri : result.value(u"uris"_s).toArray())
            uris << uri.toString();
        d->uris->setPlainText(uris.join(u'\n'));
        const qint64 ttl = result.value(u"ttl"_s).toInteger();
        d->ttl->setValue(ttl > 0 ? int(ttl) : DefaultTtlSeconds);
        d->secretSet = result.value(u"secret_set"_s).toBool();
        d->secretState->setText(d->secretSet ? tr("Secret: set. Leave the field empty to keep it.") : tr("Secret: not set."));
        const qint64 updated = result.value(u"updated_at"_s).toInteger();
        if (!result.value(u"configured"_s).toBool())
            d->state->setText(tr("TURN is off: devices get no relay credentials."));
        else
            d->state->setText(tr("TURN is on. Changed: %1")
                                  .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(updated), QLocale::ShortFormat)));
        Q_EMIT settingsLoaded();
    });
}

QCborMap CallsPage::settings() const
{
    return d->settings;
}

void CallsPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
