// The SDK client against MiniRelay (minirelay.h), a small in-process relay that speaks docs/protocol.md over real
// TLS: enrollment (new user and second device), login, prekey upkeep, certificate pinning and CA trust, and what
// happens without a connection. Every frame the client sends is checked with the strict protocol decoder.
// The daemon itself is exercised with this SDK by the end-to-end tests.

#include "clienttest.h"

#include "crypto/crypto.h"
#include "protocol/frame.h"
#include "sdk/client.h"
#include "sdk/profile.h"

#include <QSignalSpy>
#include <QSslKey>
#include <QtTest>

using namespace parley;
using namespace parley::sdk;
using namespace parley::sdktest;
using namespace Qt::StringLiterals;

class TestClientEnrollment : public ClientTest {
    Q_OBJECT

private Q_SLOTS:
    void enrollNewUser()
    {
        Party alice = enrolled(u"alice"_s);
        const ProfileSettings &s = alice.profile->settings();
        QVERIFY(s.isEnrolled());
        QCOMPARE(s.user, u"alice"_s);
        QCOMPARE(s.device, 1u);
        QCOMPARE(alice.client->state(), Client::State::LoggedIn);
        const MiniRelay::User &u = relay->users[u"alice"_s];
        QCOMPARE(u.root, s.rootPub);
        QVERIFY(!u.recovery.isEmpty());
        QCOMPARE(u.devices.at(1).pool.size(), Client::PrekeyPoolTarget);
        QVERIFY(u.devices.at(1).lastResort);
        // Every uploaded prekey's private half is in the keystore.
        for (const MiniRelay::Prekey &pk : u.devices.at(1).pool)
            QCOMPARE(alice.profile->keys().prekey(pk.kid)->publicPoint(), pk.pub);
        QVERIFY(alice.profile->keys().hasRootKey());
    }

    void secondDeviceThroughRecovery()
    {
        Party first = enrolled(u"alice"_s, "secret");
        // Wrong passphrase: a clear error, and nothing is enrolled.
        {
            std::unique_ptr<Profile> p = newProfile("other");
            Client c(*p);
            QSignalSpy errors(&c, &Client::errorOccurred);
            c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), u"phone"_s, "other", FastKdf);
            QVERIFY(errors.wait(Timeout));
            QCOMPARE(errors.first().at(0).toString(), u"wrong_passphrase"_s);
            QCOMPARE(relay->users[u"alice"_s].devices.size(), std::size_t(1));
        }
        Party second = enrolled(u"alice"_s, "secret");
        QCOMPARE(second.profile->settings().device, 2u);
        QCOMPARE(second.profile->settings().rootPub, first.profile->settings().rootPub);
        QCOMPARE(second.profile->keys().rootKey()->publicPoint(), first.profile->settings().rootPub);
    }

    void wrongCode()
    {
        std::unique_ptr<Profile> p = newProfile();
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        QSignalSpy disconnected(&c, &Client::disconnected);
        c.enroll(u"alice"_s, u"not-a-code"_s, QString(), "pass", FastKdf);
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"enroll_failed"_s);
        QVERIFY(disconnected.count() == 1 || disconnected.wait(Timeout));
        QVERIFY(!p->settings().isEnrolled());
    }

    void pinnedFingerprintMismatch()
    {
        std::unique_ptr<Profile> p = newProfile();
        ProfileSettings s = p->settings();
        s.fingerprint = QString(64, u'0');
        QVERIFY(p->setSettings(s));
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), QString(), "pass", FastKdf);
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"certificate_mismatch"_s);
        QVERIFY(relay->received.isEmpty());
    }

    void caTrust_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("ok");
        QTest::newRow("name in the certificate") << u"localhost"_s << true;
        QTest::newRow("address in the certificate") << u"127.0.0.1"_s << true;
    }

    void caTrust()
    {
        QFETCH(QString, host);
        QFETCH(bool, ok);
        std::unique_ptr<Profile> p = newProfile();
        ProfileSettings s = p->settings();
        s.fingerprint.clear();
        s.caTrust = true;
        s.server = QUrl(u"wss://%1:%2/"_s.arg(host).arg(relay->port()));
        QVERIFY(p->setSettings(s));
        QVERIFY(p->setCaCertificates(certificate.certificatePem));
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        QSignalSpy ready(&c, &Client::prekeysReady);
        c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), QString(), "pass", FastKdf);
        QCOMPARE(ready.wait(Timeout), ok);
        QCOMPARE(errors.isEmpty(), ok);
    }

    void caTrustChecksTheHostName()
    {
        // A certificate the CA file vouches for, but for another name.
        Result<crypto::GeneratedCertificate> other = crypto::generateSelfSignedCertificate(
            u"elsewhere"_s, {u"elsewhere.example"_s}, {}, 30);
        QVERIFY(other);
        const QSslCertificate otherCert(other->certificatePem, QSsl::Pem);
        const QSslKey otherKey(other->privateKeyPem.toByteArray(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
        relay = std::make_unique<MiniRelay>(otherCert, otherKey);
        QVERIFY(relay->listen());
        std::unique_ptr<Profile> p = newProfile();
        ProfileSettings s = p->settings();
        s.fingerprint.clear();
        s.caTrust = true;
        QVERIFY(p->setSettings(s));
        QVERIFY(p->setCaCertificates(other->certificatePem));
        Client c(*p);
        QSignalSpy errors(&c, &Client::errorOccurred);
        c.enroll(u"alice"_s, relay->issueCode(u"alice"_s), QString(), "pass", FastKdf);
        QVERIFY(errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"tls"_s);
        QVERIFY(relay->received.isEmpty());
    }

    void refillUploadsMore()
    {
        Party alice = enrolled(u"alice"_s);
        MiniRelay::Device &dev = relay->users[u"alice"_s].devices[1];
        const int before = alice.profile->keys().oneTimeCount();
        dev.pool.erase(dev.pool.begin(), dev.pool.begin() + 90);
        QSignalSpy ready(alice.client.get(), &Client::prekeysReady);
        protocol::Frame refill(u"refill"_s);
        refill.set("remaining"_L1, qint64(dev.pool.size()));
        relay->send(dev.online, refill);
        QVERIFY(ready.wait(Timeout));
        QCOMPARE(dev.pool.size(), Client::PrekeyPoolTarget);
        QCOMPARE(alice.profile->keys().oneTimeCount(), before + 90);
        // The 90 handed out are marked, so that they are deleted 30 days on.
        int marked = 0;
        for (quint32 kid : alice.profile->keys().oneTimeKids())
            marked += alice.profile->keys().oneTimePrekey(kid)->handedOutAt != 0 ? 1 : 0;
        QCOMPARE(marked, 90);
    }

    void prekeyKidConflictIsResolved()
    {
        // The server already holds kids this profile hands out (a profile restored from an older copy).
        int refused = 0;
        relay->intercept = [&](QWebSocket *ws, const protocol::Frame &f) {
            if (f.type != u"prekeys"_s || refused > 0)
                return false;
            ++refused;
            relay->send(ws, MiniRelay::error(f.id, u"bad_field"_s, u"kid already stored"_s));
            return true;
        };
        Party alice = enrolled(u"alice"_s);
        QCOMPARE(refused, 1);
        const MiniRelay::Device &dev = relay->users[u"alice"_s].devices.at(1);
        QCOMPARE(dev.pool.size(), Client::PrekeyPoolTarget);
        QVERIFY(dev.pool.first().kid > (1u << 20));
        QVERIFY(dev.lastResort);
        QVERIFY(alice.profile->keys().prekey(dev.lastResort->kid));
    }

    void notConnected()
    {
        std::unique_ptr<Profile> p = newProfile();
        Client c(*p);
        QSignalSpy failed(&c, &Client::sendFailed);
        const QByteArray mid = c.send({u"bob"_s}, u"x"_s);
        QVERIFY(failed.wait(Timeout));
        QCOMPARE(failed.first().at(0).toByteArray(), mid);
        QCOMPARE(failed.first().at(1).value<SendError>(), SendError::Disconnected);
        std::optional<SendResult> result;
        const QByteArray mid2 = c.send({u"bob"_s}, u"y"_s, this, [&result](const SendResult &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), Timeout);
        QVERIFY(std::holds_alternative<SendFailure>(*result));
        QCOMPARE(std::get<SendFailure>(*result).error, SendError::Disconnected);
        QCOMPARE(std::get<SendFailure>(*result).mid, mid2);
        QSignalSpy errors(&c, &Client::errorOccurred);
        c.connectToServer();   // not enrolled: a clear error, no hang
        QVERIFY(errors.count() > 0 || errors.wait(Timeout));
        QCOMPARE(errors.first().at(0).toString(), u"not_enrolled"_s);
    }
};

QTEST_GUILESS_MAIN(TestClientEnrollment)
#include "tst_clientenrollment.moc"
