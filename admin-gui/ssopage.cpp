#include "ssopage.h"

#include "cacertificatefield.h"
#include "durationedit.h"
#include "fielderrors.h"
#include "page.h"

#include "protocol/adminprotocol.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

// sso.set's ranges.
constexpr int MinCodeValidSeconds = 60;
constexpr int MaxCodeValidSeconds = 86400;
constexpr int DefaultCodeValidSeconds = 900;
// Asking the provider (discovery and its keys) may take a while.
constexpr int TestTimeoutMs = 60000;

enum Claim { PreferredUsername, Email };

} // namespace

struct SsoPage::Private {
    SsoPage *q = nullptr;
    QCborMap settings;
    FieldErrors *errors = nullptr;
    QLabel *unsupported = nullptr;
    QLabel *state = nullptr;
    QLabel *source = nullptr;
    QLabel *lastError = nullptr;
    QLineEdit *redirectUri = nullptr;
    QPushButton *copyRedirect = nullptr;
    QLineEdit *issuer = nullptr;
    QLineEdit *clientId = nullptr;
    QLineEdit *clientSecret = nullptr;
    QLabel *secretState = nullptr;
    CaCertificateField *ca = nullptr;
    QComboBox *claim = nullptr;
    QCheckBox *createUsers = nullptr;
    DurationEdit *codeValid = nullptr;
    QLineEdit *listen = nullptr;
    QLineEdit *publicUrl = nullptr;
    QPushButton *save = nullptr;
    QPushButton *test = nullptr;
    QPushButton *clear = nullptr;
    QLabel *testResult = nullptr;
    QWidget *form = nullptr;

    static QString when(qint64 ms) { return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat); }

    void show(const QCborMap &s)
    {
        settings = s;
        unsupported->hide();
        errors->clear();
        const bool configured = s.value(u"configured"_s).toBool();
        const bool running = s.value(u"running"_s).toBool();
        auto text = [&s](const char *key) { return s.value(QLatin1StringView(key)).toString(); };
        if (!configured)
            state->setText(SsoPage::tr("Off: enrollment codes come from administrators (and the directory sync) only."));
        else if (running)
            state->setText(SsoPage::tr("On: people sign in at %1 and get their enrollment code; the sign-in pages listen on %2.")
                               .arg(text("issuer"), text("listen")));
        else
            state->setText(SsoPage::tr("Set up, but not running: see the last error."));
        FieldErrors::markError(state, configured && !running);
        const QString from = text("source");
        const qint64 updated = s.value(u"updated_at"_s).toInteger();
        if (from == u"config"_s)
            source->setText(SsoPage::tr("From [sso] in the configuration file. Saving here replaces it."));
        else if (from == u"admin"_s)
            source->setText(updated > 0 ? SsoPage::tr("Set through the admin API, %1.").arg(when(updated))
                                        : SsoPage::tr("Set through the admin API."));
        else
            source->setText(SsoPage::tr("Not set."));
        const QString error = text("last_error");
        lastError->setText(error.isEmpty() ? SsoPage::tr("none") : error);
        FieldErrors::markError(lastError, !error.isEmpty());
        redirectUri->setText(text("redirect_uri"));
        copyRedirect->setEnabled(!redirectUri->text().isEmpty());
        issuer->setText(text("issuer"));
        clientId->setText(text("client_id"));
        clientSecret->clear();
        secretState->setText(s.value(u"secret_set"_s).toBool()
                                 ? SsoPage::tr("A client secret is set. Leave the field empty to keep it.")
                                 : SsoPage::tr("No client secret is set."));
        ca->showServerCertificate(QString(), text("ca_subject"), text("ca_fingerprint"), s.value(u"ca_expires_at"_s).toInteger());
        claim->setCurrentIndex(text("username_claim") == u"email"_s ? Email : PreferredUsername);
        createUsers->setChecked(s.value(u"create_users"_s).toBool());
        const qint64 valid = s.value(u"code_valid_seconds"_s).toInteger();
        codeValid->setSeconds(valid > 0 ? valid : DefaultCodeValidSeconds);
        listen->setText(text("listen"));
        publicUrl->setText(text("public_url"));
        clear->setEnabled(configured && from == u"admin"_s);
        test->setEnabled(configured);
        Q_EMIT q->settingsLoaded();
    }

    // The server answered sso.show with a failure: an older server says it has no such call.
    void unavailable(const AdminClient::Reply &reply)
    {
        const bool supported = reply.error != protocol::admin::errors::UnknownCall;
        if (!supported) {
            unsupported->setText(SsoPage::tr("This server has no administration of single sign-on (its admin API has no "
                                             "sso.* calls). Update parleyd to set it up here; until then it is set in [sso] "
                                             "of parleyd.conf (docs/operations.md)."));
            unsupported->show();
            for (QLabel *label : {state, source, lastError})
                label->setText(u"–"_s);
        }
        Q_EMIT q->settingsUnavailable(supported);
    }

    static bool isHttpUrl(const QString &text, bool httpsOnly)
    {
        const QUrl url(text, QUrl::StrictMode);
        return url.isValid() && !url.host().isEmpty() && (url.scheme() == u"https"_s || (!httpsOnly && url.scheme() == u"http"_s))
               && url.userInfo().isEmpty() && !url.hasFragment();
    }

    // sso.set's arguments, or none after showing what is wrong beside its field.
    std::optional<QCborMap> arguments()
    {
        errors->clear();
        QCborMap args;
        const QString issuerText = issuer->text().trimmed();
        if (!isHttpUrl(issuerText, false)) {
            errors->show(u"issuer"_s, SsoPage::tr("Enter the provider's issuer URL, e.g. https://login.example.com/realms/staff "
                                                  "(its discovery document is ISSUER/.well-known/openid-configuration)."));
            return std::nullopt;
        }
        args.insert(u"issuer"_s, issuerText);
        if (clientId->text().trimmed().isEmpty()) {
            errors->show(u"client_id"_s, SsoPage::tr("Enter the client ID the provider gave Parley."));
            return std::nullopt;
        }
        args.insert(u"client_id"_s, clientId->text().trimmed());
        if (!clientSecret->text().isEmpty())
            args.insert(u"client_secret"_s, clientSecret->text());
        else if (!settings.value(u"secret_set"_s).toBool()) {
            errors->show(u"client_secret"_s, SsoPage::tr("Enter the client secret the provider gave Parley."));
            return std::nullopt;
        }
        const QString listenText = listen->text().trimmed();
        if (!listenText.isEmpty()) {
            const QUrl url(u"https://%1/"_s.arg(listenText));
            if (!url.isValid() || url.host().isEmpty() || url.port() <= 0) {
                errors->show(u"listen"_s, SsoPage::tr("Enter an address and port, e.g. 0.0.0.0:8445 or [::]:8445."));
                return std::nullopt;
            }
            args.insert(u"listen"_s, listenText);
        }
        const QString publicText = publicUrl->text().trimmed();
        if (!publicText.isEmpty()) {
            if (!isHttpUrl(publicText, true)) {
                errors->show(u"public_url"_s, SsoPage::tr("Enter the https:// address people's browsers reach the sign-in "
                                                          "pages at, e.g. https://parley.example.com:8445."));
                return std::nullopt;
            }
            args.insert(u"public_url"_s, publicText);
        }
        args.insert(u"username_claim"_s, claim->currentIndex() == Email ? u"email"_s : u"preferred_username"_s);
        args.insert(u"create_users"_s, createUsers->isChecked());
        const qint64 valid = codeValid->seconds();
        if (valid < MinCodeValidSeconds || valid > MaxCodeValidSeconds) {
            errors->show(u"code_valid_seconds"_s, SsoPage::tr("From 1 minute to 1 day."));
            return std::nullopt;
        }
        args.insert(u"code_valid_seconds"_s, valid);
        if (ca->changed())
            args.insert(u"ca_certificate"_s, ca->pem());
        return args;
    }

    void saveSettings()
    {
        const std::optional<QCborMap> args = arguments();
        if (!args) {
            Q_EMIT q->message(SsoPage::tr("The single sign-on settings were not saved: see the marked field."), true);
            return;
        }
        q->request(
            u"sso.set"_s, *args,
            [this](const QCborMap &result) {
                show(result);
                Q_EMIT q->message(SsoPage::tr("The single sign-on settings were saved."), false);
            },
            [this](const AdminClient::Reply &reply) {
                if (!errors->showRefusal(reply) && reply.error == protocol::admin::errors::UnknownCall)
                    unavailable(reply);
            });
    }

    void runTest()
    {
        test->setEnabled(false);
        testResult->setText(SsoPage::tr("Asking the provider …"));
        FieldErrors::markError(testResult, false);
        q->request(
            u"sso.test"_s, {},
            [this](const QCborMap &r) {
                test->setEnabled(true);
                const bool ok = r.value(u"ok"_s).toBool();
                testResult->setText(SsoPage::tr("The provider answered.\nIssuer: %1\nAuthorization endpoint: %2\nToken endpoint: "
                                                "%3\nSigning keys: %4")
                                        .arg(r.value(u"issuer"_s).toString(), r.value(u"authorization_endpoint"_s).toString(),
                                             r.value(u"token_endpoint"_s).toString())
                                        .arg(r.value(u"keys"_s).toInteger()));
                FieldErrors::markError(testResult, !ok);
                Q_EMIT q->testFinished(ok);
            },
            [this](const AdminClient::Reply &reply) {
                test->setEnabled(true);
                testResult->setText(SsoPage::tr("The test failed: %1").arg(reply.message.isEmpty() ? reply.text() : reply.message));
                FieldErrors::markError(testResult, true);
                Q_EMIT q->testFinished(false);
            },
            TestTimeoutMs);
    }
};

SsoPage::SsoPage(AdminClient *client, QWidget *parent) : Page(client, parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->errors = new FieldErrors(this);
    setObjectName(u"ssoPage"_s);

    d->unsupported = new QLabel(this);
    d->unsupported->setObjectName(u"ssoUnsupported"_s);
    d->unsupported->setWordWrap(true);
    FieldErrors::markError(d->unsupported, true);
    d->unsupported->hide();

    d->form = new QWidget;
    // State.
    auto *stateBox = new QGroupBox(tr("Single sign-on for enrollment"), d->form);
    auto *intro = new QLabel(tr("People prove who they are at your OpenID Connect provider and get an enrollment code for "
                                "their user, without an administrator issuing one."),
                             stateBox);
    intro->setWordWrap(true);
    d->state = new QLabel(stateBox);
    d->state->setObjectName(u"ssoState"_s);
    d->state->setWordWrap(true);
    d->source = new QLabel(stateBox);
    d->source->setObjectName(u"ssoSource"_s);
    d->source->setWordWrap(true);
    d->lastError = new QLabel(stateBox);
    d->lastError->setObjectName(u"ssoLastError"_s);
    d->lastError->setWordWrap(true);
    d->lastError->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    d->redirectUri = new QLineEdit(stateBox);
    d->redirectUri->setObjectName(u"ssoRedirectUri"_s);
    d->redirectUri->setAccessibleName(tr("Redirect URI"));
    d->redirectUri->setReadOnly(true);
    d->copyRedirect = new QPushButton(tr("&Copy"), stateBox);
    d->copyRedirect->setObjectName(u"ssoCopyRedirect"_s);
    d->copyRedirect->setAccessibleName(tr("Copy the redirect URI"));
    auto *redirectRow = new QHBoxLayout;
    redirectRow->addWidget(d->redirectUri, 1);
    redirectRow->addWidget(d->copyRedirect);
    auto *redirectHint = new QLabel(tr("Register this at your identity provider as the redirect URI of Parley's client."), stateBox);
    redirectHint->setWordWrap(true);
    auto *stateForm = new QFormLayout(stateBox);
    stateForm->addRow(intro);
    stateForm->addRow(tr("State:"), d->state);
    stateForm->addRow(tr("Settings:"), d->source);
    stateForm->addRow(tr("Last error:"), d->lastError);
    stateForm->addRow(tr("Redirect URI:"), redirectRow);
    stateForm->addRow(QString(), redirectHint);

    // The provider.
    auto *providerBox = new QGroupBox(tr("Identity provider"), d->form);
    auto *pform = new QFormLayout(providerBox);
    pform->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    d->issuer = formLineEdit(providerBox, u"ssoIssuer"_s, tr("Issuer URL"), tr("https://login.example.com/realms/staff"));
    d->errors->addRow(pform, tr("&Issuer:"), d->issuer, {u"issuer"_s});
    d->clientId = formLineEdit(providerBox, u"ssoClientId"_s, tr("Client ID"), tr("parley"));
    d->errors->addRow(pform, tr("Client &ID:"), d->clientId, {u"client_id"_s});
    d->clientSecret = formLineEdit(providerBox, u"ssoClientSecret"_s, tr("Client secret"), tr("unchanged"));
    d->clientSecret->setEchoMode(QLineEdit::Password);
    d->errors->addRow(pform, tr("Client &secret:"), d->clientSecret, {u"client_secret"_s});
    d->secretState = new QLabel(providerBox);
    d->secretState->setObjectName(u"ssoSecretState"_s);
    pform->addRow(QString(), d->secretState);
    d->ca = new CaCertificateField(d->errors, u"ca_certificate"_s, u"sso"_s, providerBox);
    d->ca->setEmptyText(tr("None: the system's trusted CAs check the provider's certificate. Choose a CA (PEM) for a "
                           "provider with a certificate of your own CA."));
    d->errors->addRow(pform, tr("CA certificate:"), d->ca, {u"ca_certificate"_s});
    d->claim = new QComboBox(providerBox);
    d->claim->setObjectName(u"ssoUsernameClaim"_s);
    d->claim->setAccessibleName(tr("User name from"));
    d->claim->addItem(tr("the preferred_username claim"));
    d->claim->addItem(tr("the email claim"));
    d->errors->addRow(pform, tr("&User name from:"), d->claim, {u"username_claim"_s});
    d->createUsers = new QCheckBox(tr("Create a user for a person who has none &yet"), providerBox);
    d->createUsers->setObjectName(u"ssoCreateUsers"_s);
    d->errors->addRow(pform, QString(), d->createUsers, {u"create_users"_s});
    d->codeValid = new DurationEdit(providerBox);
    d->codeValid->setObjectName(u"ssoCodeValid"_s);
    d->codeValid->setAccessibleNames(tr("Enrollment codes valid for"));
    d->codeValid->setSeconds(DefaultCodeValidSeconds);
    d->errors->addRow(pform, tr("Codes &valid for:"), d->codeValid, {u"code_valid_seconds"_s});

    // The sign-in pages.
    auto *pagesBox = new QGroupBox(tr("Sign-in pages"), d->form);
    auto *lform = new QFormLayout(pagesBox);
    lform->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    d->listen = formLineEdit(pagesBox, u"ssoListen"_s, tr("Listen address"), tr("0.0.0.0:8445"));
    d->errors->addRow(lform, tr("&Listen on:"), d->listen, {u"listen"_s});
    d->publicUrl = formLineEdit(pagesBox, u"ssoPublicUrl"_s, tr("Public URL"), tr("https://parley.example.com:8445"));
    d->errors->addRow(lform, tr("&Public URL:"), d->publicUrl, {u"public_url"_s});
    lform->addRow(QString(), new QLabel(tr("Where people's browsers reach the sign-in pages; the redirect URI is made from it."),
                                        pagesBox));

    d->testResult = new QLabel(d->form);
    d->testResult->setObjectName(u"ssoTestResult"_s);
    d->testResult->setWordWrap(true);
    d->testResult->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);

    auto *formLayout = new QVBoxLayout(d->form);
    formLayout->setContentsMargins(0, 0, 0, 0);
    formLayout->addWidget(stateBox);
    formLayout->addWidget(providerBox);
    formLayout->addWidget(pagesBox);
    formLayout->addWidget(d->testResult);
    formLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(d->form);

    d->save = new QPushButton(tr("&Save settings"), this);
    d->save->setObjectName(u"ssoSave"_s);
    d->test = new QPushButton(tr("&Test provider"), this);
    d->test->setObjectName(u"ssoTest"_s);
    d->test->setToolTip(tr("Fetches the provider's discovery document and signing keys as parleyd sees them."));
    d->clear = new QPushButton(tr("&Remove settings…"), this);
    d->clear->setObjectName(u"ssoClear"_s);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(d->save);
    buttons->addWidget(d->test);
    buttons->addStretch();
    buttons->addWidget(d->clear);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(d->unsupported);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);

    connect(d->copyRedirect, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(d->redirectUri->text());
        Q_EMIT message(tr("The redirect URI was copied."), false);
    });
    connect(d->save, &QPushButton::clicked, this, [this] { d->saveSettings(); });
    connect(d->test, &QPushButton::clicked, this, [this] { d->runTest(); });
    connect(d->clear, &QPushButton::clicked, this, [this] {
        confirm(tr("Remove the single sign-on settings and the client secret? The sign-in pages stop; codes already issued "
                   "stay valid."),
                [this] {
                    request(u"sso.clear"_s, {}, [this](const QCborMap &result) {
                        d->show(result);
                        Q_EMIT message(tr("The single sign-on settings were removed."), false);
                    });
                });
    });
    d->test->setEnabled(false);
    d->clear->setEnabled(false);
    d->copyRedirect->setEnabled(false);
    d->secretState->setText(tr("No client secret is set."));
}

SsoPage::~SsoPage() = default;

QString SsoPage::title() const
{
    return tr("Single sign-on");
}

void SsoPage::refresh()
{
    request(u"sso.show"_s, {}, [this](const QCborMap &result) { d->show(result); },
            [this](const AdminClient::Reply &reply) { d->unavailable(reply); });
}

QCborMap SsoPage::settings() const
{
    return d->settings;
}

void SsoPage::showEvent(QShowEvent *event)
{
    Page::showEvent(event);
    refresh();
}

} // namespace parley::admin
