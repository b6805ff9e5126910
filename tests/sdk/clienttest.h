#pragma once

// The fixture the SDK client tests share: a self-signed certificate for the test run, a fresh MiniRelay for each
// test function (whose client frames must all have passed the strict decoder when it ends), and profiles enrolled
// and logged in against it.

#include "minirelay.h"

#include "crypto/crypto.h"
#include "sdk/client.h"
#include "sdk/profile.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace parley::sdk {
// How QCOMPARE prints a SendError.
inline char *toString(SendError error) { return qstrdup(sendErrorName(error).toUtf8().constData()); }
}

namespace parley::sdktest {

constexpr crypto::ScryptParams FastKdf{1u << 10, 8, 1};
constexpr int Timeout = 20000;

class ClientTest : public QObject {
    Q_OBJECT

protected:
    QTemporaryDir tmp;
    int counter = 0;
    crypto::GeneratedCertificate certificate;
    QSslCertificate cert;
    std::unique_ptr<MiniRelay> relay;
    QString fingerprint;

    struct Party {
        std::unique_ptr<sdk::Profile> profile;
        std::unique_ptr<sdk::Client> client;
    };

    std::unique_ptr<sdk::Profile> newProfile(const QByteArray &passphrase = "pass")
    {
        Result<std::unique_ptr<sdk::Profile>> p = sdk::Profile::create(tmp.filePath(u"p%1"_s.arg(++counter)), passphrase,
                                                                       FastKdf);
        if (!p)
            qFatal("%s", qPrintable(p.error().message));
        sdk::ProfileSettings s;
        s.server = QUrl(u"wss://127.0.0.1:%1/"_s.arg(relay->port()));
        s.fingerprint = fingerprint;
        if (!p.value()->setSettings(s))
            qFatal("settings");
        return std::move(p.value());
    }

    // Enrolls a fresh profile as `user` and waits until it is logged in with its prekeys uploaded.
    Party enrolled(const QString &user, const QByteArray &passphrase = "pass")
    {
        Party party;
        party.profile = newProfile(passphrase);
        party.client = std::make_unique<sdk::Client>(*party.profile);
        QSignalSpy ready(party.client.get(), &sdk::Client::prekeysReady);
        QSignalSpy errors(party.client.get(), &sdk::Client::errorOccurred);
        party.client->enroll(user, relay->issueCode(user), u"test"_s, passphrase, FastKdf);
        if (!ready.wait(Timeout) || !errors.isEmpty())
            qFatal("enrollment of %s failed: %s", qPrintable(user),
                   errors.isEmpty() ? "timeout" : qPrintable(errors.first().at(1).toString()));
        return party;
    }

    static bool waitLoggedIn(sdk::Client &client)
    {
        QSignalSpy spy(&client, &sdk::Client::loggedIn);
        client.connectToServer();
        return spy.wait(Timeout);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp.isValid());
        Result<crypto::GeneratedCertificate> generated = crypto::generateSelfSignedCertificate(
            u"localhost"_s, {u"localhost"_s}, {QHostAddress(QHostAddress::LocalHost)}, 30);
        QVERIFY(generated);
        certificate = generated.value();
        cert = QSslCertificate(certificate.certificatePem, QSsl::Pem);
        QVERIFY(!cert.isNull());
        fingerprint = QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex());
    }

    void init()
    {
        const QSslKey key(certificate.privateKeyPem.toByteArray(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
        QVERIFY(!key.isNull());
        relay = std::make_unique<MiniRelay>(cert, key);
        QVERIFY(relay->listen());
    }

    void cleanup()
    {
        QVERIFY2(relay->clientFrameErrors.isEmpty(), qPrintable(relay->clientFrameErrors.join(u"; "_s)));
        relay.reset();
    }
};

} // namespace parley::sdktest
