// Client profiles: creation and reopening, passphrases, file permissions, the lock, the keystore's prekey
// bookkeeping, recovery bundles, and the persisted state (trust on first use, prekey cache, dedupe log).

#include "crypto/crypto.h"
#include "sdk/keystore.h"
#include "sdk/profile.h"
#include "sdk/recoverybundle.h"
#include "sdk/securefile.h"

#include <QCborArray>
#include <QCborMap>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace parley;
using namespace parley::sdk;
using namespace Qt::StringLiterals;

namespace {

// Cheap scrypt for tests that are not about the KDF.
constexpr crypto::ScryptParams FastKdf{1u << 10, 8, 1};
constexpr qint64 Day = qint64(24) * 3600 * 1000;

crypto::EcKey generated()
{
    Result<crypto::EcKey> key = crypto::EcKey::generate();
    if (!key)
        qFatal("key generation failed");
    return key.value();
}

QByteArray point() { return generated().publicPoint(); }

} // namespace

class TestProfile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp;
    int counter = 0;

    QString freshDir() { return tmp.filePath(u"profile-%1"_s.arg(++counter)); }

    std::unique_ptr<Profile> created(const QString &dir, QByteArrayView passphrase = "correct horse")
    {
        Result<std::unique_ptr<Profile>> p = Profile::create(dir, passphrase, FastKdf);
        if (!p)
            qFatal("create failed: %s", qPrintable(p.error().message));
        return std::move(p.value());
    }

    std::unique_ptr<Profile> reopened(const QString &dir, QByteArrayView passphrase = "correct horse")
    {
        Result<std::unique_ptr<Profile>> p = Profile::open(dir, passphrase);
        if (!p)
            qFatal("open failed: %s", qPrintable(p.error().message));
        return std::move(p.value());
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(tmp.isValid()); }

    void createAndReopen()
    {
        const QString dir = freshDir();
        const crypto::EcKey root = generated();
        const crypto::EcKey device = generated();
        const crypto::EcKey pk1 = generated();
        const crypto::EcKey lr = generated();
        quint32 kid1 = 0, kidLr = 0;
        {
            std::unique_ptr<Profile> p = created(dir);
            QVERIFY(Profile::exists(dir));
            QVERIFY(!p->settings().isEnrolled());
            ProfileSettings s;
            s.server = QUrl(u"wss://chat.example:8443/"_s);
            s.fingerprint = QString(64, u'a');
            s.user = u"alice"_s;
            s.device = 3;
            s.deviceName = u"laptop"_s;
            s.rootPub = root.publicPoint();
            s.devicePub = device.publicPoint();
            QVERIFY(p->setSettings(s));
            p->keys().setRootKey(root);
            p->keys().setDeviceKey(device);
            kid1 = p->keys().allocateKid();
            p->keys().addOneTimePrekey(kid1, pk1, 1000);
            kidLr = p->keys().allocateKid();
            p->keys().setLastResort(kidLr, lr, 1000);
            QVERIFY(p->saveKeys());
        }
        std::unique_ptr<Profile> p = reopened(dir);
        const ProfileSettings &s = p->settings();
        QVERIFY(s.isEnrolled());
        QCOMPARE(s.server, QUrl(u"wss://chat.example:8443/"_s));
        QCOMPARE(s.fingerprint, QString(64, u'a'));
        QCOMPARE(s.user, u"alice"_s);
        QCOMPARE(s.device, 3u);
        QCOMPARE(s.deviceName, u"laptop"_s);
        QCOMPARE(s.rootPub, root.publicPoint());
        QCOMPARE(s.devicePub, device.publicPoint());
        QCOMPARE(p->keys().rootKey()->publicPoint(), root.publicPoint());
        QCOMPARE(p->keys().deviceKey()->publicPoint(), device.publicPoint());
        QCOMPARE(p->keys().prekey(kid1)->publicPoint(), pk1.publicPoint());
        QCOMPARE(p->keys().prekey(kidLr)->publicPoint(), lr.publicPoint());
        QCOMPARE(p->keys().currentLastResortKid(), std::optional<quint32>(kidLr));
        QCOMPARE(p->keys().oneTimePrekey(kid1)->createdAt, 1000);
        // Kids keep counting after a reopen.
        const quint32 next = p->keys().allocateKid();
        QVERIFY(next != kid1 && next != kidLr);
        // The public settings are readable without the passphrase.
        Result<ProfileSettings> pub = Profile::readSettings(dir);
        QVERIFY(pub);
        QCOMPARE(pub->user, u"alice"_s);
    }

    void wrongPassphrase()
    {
        const QString dir = freshDir();
        created(dir, "right");
        Result<std::unique_ptr<Profile>> p = Profile::open(dir, "wrong");
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::Unauthorized);
        QVERIFY2(p.error().message.contains(u"wrong passphrase"_s), qPrintable(p.error().message));
        // The failed attempt must not have left the profile locked.
        QVERIFY(Profile::open(dir, "right"));
    }

    void emptyPassphraseRefused()
    {
        QVERIFY(!Profile::create(freshDir(), "", FastKdf));
    }

    void missingProfile()
    {
        Result<std::unique_ptr<Profile>> p = Profile::open(tmp.filePath(u"nothing-here"_s), "x");
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::NotFound);
    }

    void damagedKeystore()
    {
        const QString dir = freshDir();
        created(dir);
        QFile f(QDir(dir).filePath(u"keystore.cbor"_s));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() / 2));
        f.close();
        Result<std::unique_ptr<Profile>> p = Profile::open(dir, "correct horse");
        QVERIFY(!p);
        QVERIFY2(p.error().message.contains(u"damaged"_s), qPrintable(p.error().message));
    }

    void permissions()
    {
        const QString dir = freshDir();
        std::unique_ptr<Profile> p = created(dir);
        QVERIFY(p->setCaCertificates(crypto::generateSelfSignedCertificate(u"ca"_s, {u"localhost"_s}, {}, 30)
                                         ->certificatePem));
        p->trust().observe(u"bob"_s, point(), 1);
        QVERIFY(p->saveTrust());
        QVERIFY(p->savePrekeyCache());
        p->received().insert(u"bob"_s, 1, QByteArray(16, 'm'), 1);
        QVERIFY(p->saveReceived());
        QVERIFY(p->saveKeys());

        const QFileDevice::Permissions dirMode = QFileInfo(dir).permissions()
            & (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
               | QFileDevice::WriteGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::WriteOther
               | QFileDevice::ExeOther);
        QCOMPARE(dirMode, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const QStringList files = QDir(dir).entryList(QDir::Files | QDir::Hidden);
        for (const QString &name : {u"profile.json"_s, u"keystore.cbor"_s, u"trust.cbor"_s, u"prekeys.cbor"_s,
                                    u"seen.cbor"_s, u"ca.pem"_s, u"lock"_s})
            QVERIFY2(files.contains(name), qPrintable(name));
        for (const QString &name : files) {
            const QFileDevice::Permissions mode = QFileInfo(QDir(dir).filePath(name)).permissions()
                & ~(QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser);
            QCOMPARE(mode, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        // A directory that exists with wider permissions is tightened.
        QVERIFY(QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                               | QFileDevice::ReadOther | QFileDevice::ExeOther));
        p.reset();
        p = reopened(dir);
        QVERIFY(!(QFileInfo(dir).permissions() & QFileDevice::ReadOther));
    }

    void lock()
    {
        const QString dir = freshDir();
        std::unique_ptr<Profile> first = created(dir);
        Result<std::unique_ptr<Profile>> second = Profile::open(dir, "correct horse");
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::Conflict);
        QVERIFY2(second.error().message.contains(u"in use"_s), qPrintable(second.error().message));
        QVERIFY2(second.error().message.contains(QString::number(QCoreApplication::applicationPid())),
                 qPrintable(second.error().message));
        first.reset();
        QVERIFY(Profile::open(dir, "correct horse"));
    }

    void createRefusesExistingProfile()
    {
        const QString dir = freshDir();
        created(dir);
        Result<std::unique_ptr<Profile>> again = Profile::create(dir, "x", FastKdf);
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::Conflict);
    }

    void changePassphrase()
    {
        const QString dir = freshDir();
        const QByteArray pinned = point();
        {
            std::unique_ptr<Profile> p = created(dir, "old");
            p->trust().observe(u"bob"_s, pinned, 5);
            QVERIFY(p->saveTrust());
            QVERIFY(p->changePassphrase("new", crypto::ScryptParams{1u << 11, 8, 1}));
            QCOMPARE(p->kdfParams().scrypt.n, quint64(1) << 11);
        }
        QVERIFY(!Profile::open(dir, "old"));
        std::unique_ptr<Profile> p = reopened(dir, "new");
        QCOMPARE(p->kdfParams().scrypt.n, quint64(1) << 11);
        QCOMPARE(p->trust().check(u"bob"_s, pinned), TrustStore::Match);
    }

    void defaultKdfParameters()
    {
        const QString dir = freshDir();
        Result<std::unique_ptr<Profile>> p = Profile::create(dir, "pass");
        QVERIFY(p);
        QCOMPARE(p.value()->kdfParams().scrypt.n, quint64(1) << 15);
        QCOMPARE(p.value()->kdfParams().scrypt.r, 8u);
        QCOMPARE(p.value()->kdfParams().scrypt.p, 1u);
        QCOMPARE(p.value()->kdfParams().salt.size(), 16);
    }

    void hostileKdfParametersRefused_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<qint64>("r");
        QTest::addColumn<qint64>("p");
        QTest::newRow("n too large") << (qint64(1) << 30) << qint64(8) << qint64(1);
        QTest::newRow("n not a power of two") << qint64(3000) << qint64(8) << qint64(1);
        QTest::newRow("r zero") << qint64(1024) << qint64(0) << qint64(1);
        QTest::newRow("p huge") << qint64(1024) << qint64(8) << qint64(1000);
        QTest::newRow("memory above 1 GiB") << (qint64(1) << 20) << qint64(16) << qint64(1);
    }

    void hostileKdfParametersRefused()
    {
        QFETCH(qint64, n);
        QFETCH(qint64, r);
        QFETCH(qint64, p);
        QCborMap map = KdfParams::fresh(FastKdf).toCbor();
        map.insert(u"n"_s, n);
        map.insert(u"r"_s, r);
        map.insert(u"p"_s, p);
        QVERIFY(!KdfParams::fromCbor(map));
    }

    void recoveryBundle()
    {
        const crypto::EcKey root = generated();
        Result<QByteArray> blob = RecoveryBundle::create(u"alice"_s, root, "recover me", crypto::ScryptParams{1u << 12, 8, 1});
        QVERIFY(blob);
        QVERIFY(blob->size() < 1024);
        Result<crypto::EcKey> back = RecoveryBundle::open(blob.value(), u"alice"_s, "recover me");
        QVERIFY(back);
        QCOMPARE(back->publicPoint(), root.publicPoint());
        QVERIFY(back->privateScalar() == root.privateScalar());

        Result<crypto::EcKey> wrong = RecoveryBundle::open(blob.value(), u"alice"_s, "recover you");
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, ErrorCode::Unauthorized);
        QVERIFY2(wrong.error().message.contains(u"wrong passphrase"_s), qPrintable(wrong.error().message));
        // The bundle is bound to its user.
        QVERIFY(!RecoveryBundle::open(blob.value(), u"mallory"_s, "recover me"));
    }

    void recoveryBundleDefaultStrength()
    {
        const crypto::EcKey root = generated();
        Result<QByteArray> blob = RecoveryBundle::create(u"alice"_s, root, "strong");
        QVERIFY(blob);
        Result<QCborValue> decoded = SecureFile::decodeCbor(blob.value());
        QVERIFY(decoded);
        QCOMPARE(decoded->toMap().value(u"kdf"_s).toMap().value(u"n"_s).toInteger(), qint64(1) << 17);
        QVERIFY(RecoveryBundle::open(blob.value(), u"alice"_s, "strong"));
    }

    void recoveryBundleMalformed_data()
    {
        QTest::addColumn<QByteArray>("blob");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("garbage") << QByteArray("\xff\x00garbage", 9);
        QTest::newRow("not a map") << QCborValue(42).toCbor();
        QCborMap noBox;
        noBox.insert(u"v"_s, 1);
        noBox.insert(u"kdf"_s, KdfParams::fresh(FastKdf).toCbor());
        QTest::newRow("no box") << noBox.toCborValue().toCbor();
        QCborMap hostile = noBox;
        QCborMap kdf = KdfParams::fresh(FastKdf).toCbor();
        kdf.insert(u"n"_s, qint64(1) << 40);
        hostile.insert(u"kdf"_s, kdf);
        QTest::newRow("hostile scrypt cost") << hostile.toCborValue().toCbor();
        QTest::newRow("too large") << QByteArray(70000, 'x');
    }

    void recoveryBundleMalformed()
    {
        QFETCH(QByteArray, blob);
        Result<crypto::EcKey> r = RecoveryBundle::open(blob, u"alice"_s, "x");
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Protocol);
    }

    void trustOnFirstUse()
    {
        const QString dir = freshDir();
        const QByteArray first = point();
        const QByteArray second = point();
        {
            std::unique_ptr<Profile> p = created(dir);
            QCOMPARE(p->trust().observe(u"bob"_s, first, 10), TrustStore::FirstUse);
            QCOMPARE(p->trust().observe(u"bob"_s, first, 11), TrustStore::Match);
            QCOMPARE(p->trust().observe(u"bob"_s, second, 12), TrustStore::Changed);
            QVERIFY(p->saveTrust());
        }
        std::unique_ptr<Profile> p = reopened(dir);
        // A changed key was reported, never stored.
        QCOMPARE(p->trust().check(u"bob"_s, first), TrustStore::Match);
        QCOMPARE(p->trust().check(u"bob"_s, second), TrustStore::Changed);
        QCOMPARE(p->trust().entry(u"bob"_s)->pinnedAt, 10);
        QVERIFY(p->trust().forget(u"bob"_s));
        QCOMPARE(p->trust().check(u"bob"_s, second), TrustStore::FirstUse);
    }

    // `trust` keeps the superseded key with its last device list (at most four per user, each for 30 days), superseded
    // when a different key was first presented; devices are kept only under the pinned key; all of it is saved.
    void previousIdentities()
    {
        const QString dir = freshDir();
        const qint64 day = 24 * 3600 * 1000;
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();   // saveTrust() drops what lapsed by now
        QList<QByteArray> roots;
        for (int i = 0; i < 6; ++i)
            roots.append(point());
        const TrustStore::Devices devices{{1, {point(), QByteArray(132, 's')}}, {3, {point(), QByteArray(130, 't')}}};
        {
            std::unique_ptr<Profile> p = created(dir);
            TrustStore &t = p->trust();
            QCOMPARE(t.observe(u"bob"_s, roots[0], t0 + 10), TrustStore::FirstUse);
            QVERIFY(!t.setDevices(u"bob"_s, roots[1], devices));   // not the pinned key
            QVERIFY(t.setDevices(u"bob"_s, roots[0], devices));
            QVERIFY(!t.setDevices(u"bob"_s, roots[0], devices));
            QCOMPARE(t.observe(u"bob"_s, roots[1], t0 + 20), TrustStore::Changed);
            QCOMPARE(t.observe(u"bob"_s, roots[1], t0 + 30), TrustStore::Changed);
            QVERIFY(t.supersede(u"bob"_s, t0 + 40));
            QVERIFY(!t.entry(u"bob"_s));
            QVERIFY(!t.supersede(u"bob"_s, t0 + 41));
            QVERIFY(!t.supersede(u"carol"_s, t0 + 41));
            QVERIFY(p->saveTrust());
        }
        std::unique_ptr<Profile> p = reopened(dir);
        TrustStore &t = p->trust();
        QList<TrustStore::PreviousIdentity> previous = t.previous(u"bob"_s, t0 + 50);
        QCOMPARE(previous.size(), 1);
        QCOMPARE(previous.first().root, roots[0]);
        QCOMPARE(previous.first().pinnedAt, t0 + 10);
        QCOMPARE(previous.first().supersededAt, t0 + 20);   // the first sighting of the other key
        QCOMPARE(previous.first().devices, devices);
        QVERIFY(t.previous(u"alice"_s, t0 + 50).isEmpty());
        // A change that was withdrawn does not count; without one, the key is superseded when trust runs.
        QCOMPARE(t.observe(u"bob"_s, roots[1], t0 + 60), TrustStore::FirstUse);
        QCOMPARE(t.observe(u"bob"_s, roots[2], t0 + 70), TrustStore::Changed);
        QCOMPARE(t.observe(u"bob"_s, roots[1], t0 + 80), TrustStore::Match);
        QVERIFY(t.supersede(u"bob"_s, t0 + 90));
        QCOMPARE(t.previous(u"bob"_s, t0 + 100).first().supersededAt, t0 + 90);
        for (int i = 2; i < 6; ++i) {
            t.pin(u"bob"_s, roots[i], t0 + 100 + i);
            QVERIFY(t.supersede(u"bob"_s, t0 + 100 + i));
        }
        previous = t.previous(u"bob"_s, t0 + 200);
        QCOMPARE(previous.size(), TrustStore::MaxPrevious);
        QCOMPARE(previous.first().root, roots[5]);
        QCOMPARE(previous.last().root, roots[2]);
        // Each lapses 30 days after it was superseded.
        QCOMPARE(t.previous(u"bob"_s, t0 + 102 + TrustStore::PreviousLifetimeMs).size(), 3);
        QVERIFY(TrustStore::PreviousLifetimeMs == 30 * day);
        QVERIFY(!t.prune(t0 + 101 + TrustStore::PreviousLifetimeMs));
        QVERIFY(t.prune(t0 + 106 + TrustStore::PreviousLifetimeMs));
        QVERIFY(t.previous(u"bob"_s, t0 + 0).isEmpty());
        QVERIFY(t.isEmpty());
    }

    // A trust store of the first format (pinned keys alone) is still read.
    void trustStoreVersion1()
    {
        const QByteArray root = point();
        Result<TrustStore> t = TrustStore::fromCbor(QCborArray{QCborArray{u"bob"_s, root, 7}});
        QVERIFY(t);
        QCOMPARE(t->check(u"bob"_s, root), TrustStore::Match);
        QCOMPARE(t->entry(u"bob"_s)->pinnedAt, 7);
        QVERIFY(!TrustStore::fromCbor(QCborArray{QCborArray{u"bob"_s, root}}));
        QVERIFY(!TrustStore::fromCbor(QCborMap{{u"v"_s, 3}, {u"pinned"_s, QCborArray()}, {u"previous"_s, QCborArray()}}));
        const QCborMap current = TrustStore().toCbor().toMap();
        QVERIFY(TrustStore::fromCbor(current));
        for (const double version : {double(current.value(u"v"_s).toInteger()), 1e30}) {
            QCborMap floatVersion = current;
            floatVersion.insert(u"v"_s, version);
            QVERIFY2(!TrustStore::fromCbor(floatVersion), "a version written as a float is not a known version");
        }
        QCborMap bad = t->toCbor().toMap();
        bad.insert(u"previous"_s, QCborArray{QCborArray{u"bob"_s, root, 1, 2, QCborArray{QCborArray{0, root, QByteArray("s")}}}});
        QVERIFY(!TrustStore::fromCbor(bad));   // device number 0
    }

    // The resumption credential survives a restart and a passphrase change, sealed: its bytes are nowhere in the clear.
    void resumeCredentialPersistence()
    {
        const QString dir = freshDir();
        const QByteArray credential = crypto::randomBytes(32);
        {
            std::unique_ptr<Profile> p = created(dir, "old");
            QVERIFY(!p->resumeCredential());
            QVERIFY(p->setResumeCredential(ResumeCredential{credential, 1234567}));
            QVERIFY(p->changePassphrase("new", FastKdf));
        }
        {
            std::unique_ptr<Profile> p = reopened(dir, "new");
            QVERIFY(p->resumeCredential());
            QCOMPARE(p->resumeCredential()->credential, credential);
            QCOMPARE(p->resumeCredential()->expiresAt, qint64(1234567));
            QDirIterator files(dir, QDir::Files);
            while (files.hasNext()) {
                QFile f(files.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray bytes = f.readAll();
                QVERIFY(!bytes.contains(credential) && !bytes.contains(credential.toHex()) && !bytes.contains(credential.toBase64()));
            }
            QVERIFY(p->setResumeCredential(std::nullopt));
        }
        QVERIFY(!reopened(dir, "new")->resumeCredential());
    }

    void dedupePersistence()
    {
        const QString dir = freshDir();
        const QByteArray mid1(16, '1');
        const QByteArray mid2(16, '2');
        {
            std::unique_ptr<Profile> p = created(dir);
            QVERIFY(p->received().insert(u"bob"_s, 1, mid1, 100));
            QVERIFY(!p->received().insert(u"bob"_s, 1, mid1, 101));
            QVERIFY(p->received().insert(u"bob"_s, 2, mid1, 102));
            QVERIFY(p->saveReceived());
            QVERIFY(p->received().insert(u"bob"_s, 1, mid2, 103));   // not saved
        }
        std::unique_ptr<Profile> p = reopened(dir);
        QVERIFY(p->received().contains(u"bob"_s, 1, mid1));
        QVERIFY(p->received().contains(u"bob"_s, 2, mid1));
        QVERIFY(!p->received().contains(u"carol"_s, 1, mid1));
        QVERIFY(!p->received().contains(u"bob"_s, 1, mid2));
    }

    void roomHeadsPersistence()
    {
        const QString dir = freshDir();
        const RoomHeads::Head head{7, QByteArray(64, 'h')};
        {
            // A profile written before rooms.cbor existed opens with no heads (the file is added on first save).
            std::unique_ptr<Profile> p = created(dir);
            QVERIFY(!QFile::exists(p->filePath(u"rooms.cbor"_s)));
        }
        {
            std::unique_ptr<Profile> p = reopened(dir);
            QVERIFY(p->roomHeads().isEmpty());
            QVERIFY(p->roomHeads().update(u"den"_s, head));
            QVERIFY(!p->roomHeads().update(u"den"_s, head));
            QVERIFY(p->saveRoomHeads());
            QVERIFY(p->changePassphrase("new horse", FastKdf));
        }
        std::unique_ptr<Profile> p = reopened(dir, "new horse");
        QCOMPARE(p->roomHeads().head(u"den"_s), head);
        QCOMPARE(p->roomHeads().rooms(), QStringList{u"den"_s});
        QVERIFY(!p->roomHeads().head(u"attic"_s));
    }

    void roomHeadsDamaged_data()
    {
        QTest::addColumn<QCborValue>("value");
        QTest::newRow("not a map") << QCborValue(42);
        QTest::newRow("unknown version") << QCborValue(QCborMap{{u"v"_s, 2}, {u"rooms"_s, QCborArray()}});
        QTest::newRow("short hash") << QCborValue(QCborMap{{u"v"_s, 1}, {u"rooms"_s, QCborArray{QCborArray{u"den"_s, 1, QByteArray(8, 'h')}}}});
        QTest::newRow("negative seq") << QCborValue(QCborMap{{u"v"_s, 1}, {u"rooms"_s, QCborArray{QCborArray{u"den"_s, -1, QByteArray(64, 'h')}}}});
        QTest::newRow("bad room name") << QCborValue(QCborMap{{u"v"_s, 1}, {u"rooms"_s, QCborArray{QCborArray{u"Den!"_s, 1, QByteArray(64, 'h')}}}});
        // A version Parley writes as an integer is not a float, not even 1.0; and a float beyond qint64 is refused
        // without converting it (undefined behaviour).
        QTest::newRow("version as a float") << QCborValue(QCborMap{{u"v"_s, 1.0}, {u"rooms"_s, QCborArray()}});
        QTest::newRow("version as a huge float") << QCborValue(QCborMap{{u"v"_s, 1e30}, {u"rooms"_s, QCborArray()}});
    }

    void roomHeadsDamaged()
    {
        QFETCH(QCborValue, value);
        QVERIFY(!RoomHeads::fromCbor(value));
        QVERIFY(RoomHeads::fromCbor(QCborArray()));   // the state of a missing file
    }

    void dedupeIsBounded()
    {
        DedupeLog log(100);
        for (int i = 0; i < 150; ++i)
            QVERIFY(log.insert(u"bob"_s, 1, QByteArray(16, char(i)), i));
        QCOMPARE(log.size(), 100);
        QVERIFY(!log.contains(u"bob"_s, 1, QByteArray(16, char(0))));
        QVERIFY(!log.contains(u"bob"_s, 1, QByteArray(16, char(49))));
        QVERIFY(log.contains(u"bob"_s, 1, QByteArray(16, char(50))));
        QVERIFY(log.contains(u"bob"_s, 1, QByteArray(16, char(149))));
        Result<DedupeLog> back = DedupeLog::fromCbor(log.toCbor(), 100);
        QVERIFY(back);
        QCOMPARE(back->size(), 100);
        QVERIFY(back->contains(u"bob"_s, 1, QByteArray(16, char(149))));
    }

    void prekeyCacheRotation()
    {
        const QByteArray devicePub = point();
        const qint64 t0 = 1'700'000'000'000;
        PrekeyCache cache;
        cache.store(CachedPrekey{u"bob"_s, 1, devicePub, 42, point(), t0, 0});
        QVERIFY(cache.fresh(u"bob"_s, 1, devicePub, t0));
        QVERIFY(!cache.fresh(u"bob"_s, 2, devicePub, t0));
        QVERIFY(!cache.fresh(u"bob"_s, 1, point(), t0));   // the device was re-keyed
        // Rotated after 24 hours...
        QVERIFY(cache.fresh(u"bob"_s, 1, devicePub, t0 + PrekeyCache::MaxAgeMs - 1));
        QVERIFY(!cache.fresh(u"bob"_s, 1, devicePub, t0 + PrekeyCache::MaxAgeMs));
        // ... or a clock that went far back.
        QVERIFY(!cache.fresh(u"bob"_s, 1, devicePub, t0 - Day));
        // ... or after 1,000 uses.
        for (int i = 1; i < PrekeyCache::MaxUses; ++i)
            QCOMPARE(cache.recordUse(u"bob"_s, 1), i);
        QVERIFY(cache.fresh(u"bob"_s, 1, devicePub, t0));
        QCOMPARE(cache.recordUse(u"bob"_s, 1), PrekeyCache::MaxUses);
        QVERIFY(!cache.fresh(u"bob"_s, 1, devicePub, t0));
        QCOMPARE(cache.purgeStale(t0), 1);
        QCOMPARE(cache.size(), 0);
    }

    void prekeyCachePersistence()
    {
        const QString dir = freshDir();
        const QByteArray devicePub = point();
        const QByteArray prekey = point();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        {
            std::unique_ptr<Profile> p = created(dir);
            p->prekeyCache().store(CachedPrekey{u"bob"_s, 2, devicePub, 7, prekey, now, 0});
            for (int i = 0; i < 10; ++i)
                p->prekeyCache().recordUse(u"bob"_s, 2);
            p->prekeyCache().store(CachedPrekey{u"carol"_s, 1, devicePub, 8, prekey, now - 2 * Day, 0});
            QVERIFY(p->savePrekeyCache());
        }
        std::unique_ptr<Profile> p = reopened(dir);
        std::optional<CachedPrekey> e = p->prekeyCache().fresh(u"bob"_s, 2, devicePub, now);
        QVERIFY(e);
        QCOMPARE(e->kid, 7u);
        QCOMPARE(e->pub, prekey);
        QCOMPARE(e->uses, 10);
        QCOMPARE(e->fetchedAt, now);
        // Stale entries are not kept on disk.
        QVERIFY(!p->prekeyCache().entry(u"carol"_s, 1));
    }

    void keystorePrekeyLifetime()
    {
        KeyStore keys;
        const qint64 t0 = 1'700'000'000'000;
        QList<quint32> kids;
        for (int i = 0; i < 5; ++i) {
            kids.append(keys.allocateKid());
            keys.addOneTimePrekey(kids.last(), generated(), t0);
        }
        QCOMPARE(keys.unusedOneTimeCount(), 5);
        // A message used the third key.
        QVERIFY(keys.markUsed(kids[2], t0 + 10));
        QVERIFY(!keys.markUsed(kids[2], t0 + 20));   // first use counts
        QCOMPARE(keys.oneTimePrekey(kids[2])->usedAt, t0 + 10);
        QCOMPARE(keys.unusedOneTimeCount(), 4);
        // The server holds 2: the two lowest unused keys are marked as handed out.
        QCOMPARE(keys.noteServerPool(2, t0 + 100), 2);
        QCOMPARE(keys.oneTimePrekey(kids[0])->handedOutAt, t0 + 100);
        QCOMPARE(keys.oneTimePrekey(kids[1])->handedOutAt, t0 + 100);
        QCOMPARE(keys.oneTimePrekey(kids[3])->handedOutAt, 0);
        QCOMPARE(keys.noteServerPool(2, t0 + 200), 0);
        // Nothing goes before 30 days; then the used and handed-out keys go, the unused ones stay.
        QCOMPARE(keys.purgeExpired(t0 + 29 * Day), 0);
        QCOMPARE(keys.purgeExpired(t0 + 31 * Day), 3);
        QCOMPARE(keys.oneTimeKids(), (QList<quint32>{kids[3], kids[4]}));
        QVERIFY(keys.prekey(kids[3]));
        QVERIFY(!keys.prekey(kids[0]));
    }

    void keystoreLastResortRetirement()
    {
        KeyStore keys;
        const qint64 t0 = 1'700'000'000'000;
        const quint32 first = keys.allocateKid();
        keys.setLastResort(first, generated(), t0);
        QCOMPARE(keys.currentLastResortKid(), std::optional<quint32>(first));
        const quint32 second = keys.allocateKid();
        keys.setLastResort(second, generated(), t0 + Day);
        QCOMPARE(keys.currentLastResortKid(), std::optional<quint32>(second));
        QVERIFY(keys.hasPrekey(first));   // senders may still use it
        QCOMPARE(keys.purgeExpired(t0 + 30 * Day), 0);
        QCOMPARE(keys.purgeExpired(t0 + 32 * Day), 1);
        QVERIFY(!keys.hasPrekey(first));
        QVERIFY(keys.hasPrekey(second));
    }

    void keystoreSerialization()
    {
        KeyStore keys;
        keys.setRootKey(generated());
        keys.setDeviceKey(generated());
        const quint32 kid = keys.allocateKid();
        keys.addOneTimePrekey(kid, generated(), 5);
        QVERIFY(keys.markUsed(kid, 6));
        const crypto::SecureBuffer bytes = keys.serialize();
        Result<KeyStore> back = KeyStore::deserialize(bytes.view());
        QVERIFY(back);
        QCOMPARE(back->rootKey()->publicPoint(), keys.rootKey()->publicPoint());
        QCOMPARE(back->deviceKey()->publicPoint(), keys.deviceKey()->publicPoint());
        QCOMPARE(back->oneTimePrekey(kid)->usedAt, 6);
        QCOMPARE(back->prekey(kid)->publicPoint(), keys.prekey(kid)->publicPoint());
        // An oversized key is refused, not truncated.
        QCborMap oversized;
        oversized.insert(u"v"_s, 1);
        oversized.insert(u"root"_s, QByteArray(70, '\x01'));
        QVERIFY(!KeyStore::deserialize(oversized.toCborValue().toCbor()));
        QCborMap unknownField;
        unknownField.insert(u"v"_s, 1);
        unknownField.insert(u"extra"_s, 1);
        QVERIFY(!KeyStore::deserialize(unknownField.toCborValue().toCbor()));
        // Every truncation is refused cleanly.
        for (qsizetype n = 0; n < qsizetype(bytes.size()); n += 7)
            QVERIFY(!KeyStore::deserialize(bytes.view().first(n)));
    }

    void fingerprints_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<bool>("valid");
        const QString hex = u"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"_s;
        QTest::newRow("plain") << hex << true;
        QTest::newRow("upper case") << hex.toUpper() << true;
        QStringList pairs;
        for (int i = 0; i < 64; i += 2)
            pairs.append(hex.mid(i, 2).toUpper());
        QTest::newRow("colons") << pairs.join(u':') << true;
        QTest::newRow("short") << hex.left(62) << false;
        QTest::newRow("long") << hex + u"00"_s << false;
        QTest::newRow("not hex") << QString(64, u'g') << false;
        QTest::newRow("empty") << QString() << false;
    }

    void fingerprints()
    {
        QFETCH(QString, input);
        QFETCH(bool, valid);
        Result<QString> fp = Profile::normaliseFingerprint(input);
        QCOMPARE(fp.ok(), valid);
        if (valid) {
            QCOMPARE(fp.value(), u"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"_s);
            QCOMPARE(Profile::normaliseFingerprint(Profile::formatFingerprint(fp.value())).value(), fp.value());
        }
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
