// Admin API building blocks: the admin frame codec and call table, TOTP (RFC 6238 vectors), Argon2id hashing and
// the password rules.

#include "admin/adminauth.h"
#include "admin/turncalls.h"
#include "crypto/crypto.h"
#include "directory/directoryconfig.h"
#include "protocol/adminprotocol.h"
#include "protocol/frame.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QRegularExpression>
#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
namespace proto = parley::protocol::admin;

class TestAdminAuth : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // RFC 6238 appendix B, SHA-1 rows, last six digits.
    void totpVectors_data()
    {
        QTest::addColumn<qint64>("time");
        QTest::addColumn<QString>("code");
        QTest::newRow("59") << qint64(59) << u"287082"_s;
        QTest::newRow("1111111109") << qint64(1111111109) << u"081804"_s;
        QTest::newRow("1111111111") << qint64(1111111111) << u"050471"_s;
        QTest::newRow("1234567890") << qint64(1234567890) << u"005924"_s;
        QTest::newRow("2000000000") << qint64(2000000000) << u"279037"_s;
        QTest::newRow("20000000000") << qint64(20000000000) << u"353130"_s;
    }
    void totpVectors()
    {
        QFETCH(qint64, time);
        QFETCH(QString, code);
        const QByteArray secret("12345678901234567890");
        QCOMPARE(adminauth::totpCode(secret, time / 30), code);
        QCOMPARE(adminauth::matchTotp(secret, code, time), std::optional<qint64>(time / 30));
        QCOMPARE(adminauth::matchTotp(secret, code, time + 30), std::optional<qint64>(time / 30));   // one step late
        QCOMPARE(adminauth::matchTotp(secret, code, time - 30), std::optional<qint64>(time / 30));   // one step early
        QVERIFY(!adminauth::matchTotp(secret, code, time + 90));
        QVERIFY(!adminauth::matchTotp(secret, u"12345"_s, time));
        QVERIFY(!adminauth::matchTotp(secret, u"abcdef"_s, time));
        QVERIFY(!adminauth::matchTotp({}, code, time));
    }

    void base32()
    {
        QCOMPARE(adminauth::base32("foobar"), u"MZXW6YTBOI"_s);   // RFC 4648 section 10, unpadded
        QCOMPARE(adminauth::base32("f"), u"MY"_s);
        QCOMPARE(adminauth::base32({}), QString());
    }

    void passwords()
    {
        auto hash = adminauth::hashPassword(u"a fine long passphrase"_s);
        QVERIFY(hash);
        QVERIFY(hash->startsWith(u"$argon2id$v=19$m=65536,t=3,p=1$"_s));
        QVERIFY(adminauth::verifyPassword(*hash, u"a fine long passphrase"_s));
        QVERIFY(!adminauth::verifyPassword(*hash, u"a fine long passphrasf"_s));
        QVERIFY(!adminauth::verifyPassword(u"garbage"_s, u"a fine long passphrase"_s));
        QVERIFY(!adminauth::verifyPassword({}, {}));
        QVERIFY(!adminauth::checkPasswordPolicy(u"short"_s));
        QVERIFY(!adminauth::checkPasswordPolicy(u"aaaaaaaaaaaaaaaa"_s));
        QVERIFY(!adminauth::checkPasswordPolicy(QString(1025, u'x') + u"abc"_s));
        QVERIFY(adminauth::checkPasswordPolicy(u"twelve chars ok"_s));
        const QString generated = adminauth::generatePassword();
        QCOMPARE(generated.size(), 26);
        QVERIFY(adminauth::checkPasswordPolicy(generated));
        QVERIFY(adminauth::generateToken() != adminauth::generateToken());
        QCOMPARE(adminauth::generateToken().size(), 43);
        QCOMPARE(adminauth::tokenHash(u"t"_s).size(), 32);
    }

    void callTable()
    {
        QSet<QString> names;
        int anonymous = 0;
        int passwordChange = 0;
        for (const proto::Call &c : proto::calls()) {
            QVERIFY(!names.contains(c.name));
            names.insert(c.name);
            QVERIFY(!c.summary.isEmpty());
            anonymous += c.access == proto::Access::Anonymous;
            passwordChange += c.access == proto::Access::PasswordChange;
            QCOMPARE(proto::findCall(QString(c.name)), &c);
        }
        QCOMPARE(anonymous, 1);
        QCOMPARE(passwordChange, 1);
        QVERIFY(!proto::findCall(u"nope"_s));
        const proto::Call *create = proto::findCall(u"user.create"_s);
        QVERIFY(proto::validateArgs(*create, {{u"name"_s, u"a"_s}}).isEmpty());
        QVERIFY(proto::validateArgs(*create, {{u"name"_s, u"a"_s}, {u"valid_hours"_s, 5}}).isEmpty());
        QVERIFY(!proto::validateArgs(*create, {}).isEmpty());
        QVERIFY(!proto::validateArgs(*create, {{u"name"_s, 1}}).isEmpty());
        QVERIFY(!proto::validateArgs(*create, {{u"name"_s, u"a"_s}, {u"valid_hours"_s, -1}}).isEmpty());
        QVERIFY(!proto::validateArgs(*create, {{u"name"_s, u"a"_s}, {u"extra"_s, 1}}).isEmpty());
        QVERIFY(!proto::validateArgs(*create, {{u"name"_s, QString(65, u'a')}}).isEmpty());
        QVERIFY(!proto::validateArgs(*create, {{1, u"a"_s}}).isEmpty());
    }

    void requestCodec()
    {
        const proto::Request request{42, u"user.show"_s, u"tok"_s, {{u"name"_s, u"bob"_s}}};
        auto decoded = proto::decodeRequest(proto::encodeRequest(request));
        QVERIFY(std::holds_alternative<proto::Request>(decoded));
        const auto &r = std::get<proto::Request>(decoded);
        QCOMPARE(r.id, quint64(42));
        QCOMPARE(r.call, u"user.show"_s);
        QCOMPARE(r.token, u"tok"_s);
        QCOMPARE(r.args.value("name"_L1).toString(), u"bob"_s);

        const proto::Response response{7, {}, {}, {{u"x"_s, 1}}};
        auto back = proto::decodeResponse(proto::encodeResponse(response));
        QVERIFY(std::holds_alternative<proto::Response>(back));
        QCOMPARE(std::get<proto::Response>(back).result.value("x"_L1).toInteger(), 1);
        const proto::Response error{8, u"not_found"_s, u"no such user"_s, {}};
        back = proto::decodeResponse(proto::encodeResponse(error));
        QCOMPARE(std::get<proto::Response>(back).error, u"not_found"_s);

        // A long message is cut to 1024 UTF-16 units, but not inside a surrogate pair (fuzz_admin's round trip;
        // fuzz/regressions/admin/).
        const QString emoji = u"\U0001F600"_s;
        const proto::Response longError{9, u"bad_request"_s, QString(1023, u'a') + emoji + u"tail"_s, {}};
        back = proto::decodeResponse(proto::encodeResponse(longError));
        QCOMPARE(std::get<proto::Response>(back).message, QString(1023, u'a'));
        const proto::Response evenError{9, u"bad_request"_s, QString(1022, u'a') + emoji + u"tail"_s, {}};
        back = proto::decodeResponse(proto::encodeResponse(evenError));
        QCOMPARE(std::get<proto::Response>(back).message, QString(1022, u'a') + emoji);
    }

    void requestCodecRefuses_data()
    {
        QTest::addColumn<QByteArray>("data");
        auto map = [](std::initializer_list<std::pair<QCborValue, QCborValue>> entries) {
            QCborMap m;
            for (const auto &[k, v] : entries)
                m.insert(k, v);
            return m.toCborValue().toCbor();
        };
        const QCborValue t(u"admin"_s);
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("not cbor") << QByteArray("\xff\xfe", 2);
        QTest::newRow("array") << QCborValue(QCborArray{1, 2}).toCbor();
        QTest::newRow("trailing") << map({{u"t"_s, t}, {u"id"_s, 1}, {u"call"_s, u"status"_s}}) + '\0';
        QTest::newRow("no id") << map({{u"t"_s, t}, {u"call"_s, u"status"_s}});
        QTest::newRow("id zero") << map({{u"t"_s, t}, {u"id"_s, 0}, {u"call"_s, u"status"_s}});
        QTest::newRow("id text") << map({{u"t"_s, t}, {u"id"_s, u"1"_s}, {u"call"_s, u"status"_s}});
        QTest::newRow("device type") << map({{u"t"_s, u"login"_s}, {u"id"_s, 1}, {u"call"_s, u"status"_s}});
        QTest::newRow("no call") << map({{u"t"_s, t}, {u"id"_s, 1}});
        QTest::newRow("call int") << map({{u"t"_s, t}, {u"id"_s, 1}, {u"call"_s, 5}});
        QTest::newRow("token bytes") << map({{u"t"_s, t}, {u"id"_s, 1}, {u"call"_s, u"status"_s}, {u"token"_s, QByteArray("x")}});
        QTest::newRow("token long") << map({{u"t"_s, t}, {u"id"_s, 1}, {u"call"_s, u"status"_s}, {u"token"_s, QString(200, u'x')}});
        QTest::newRow("args array") << map({{u"t"_s, t}, {u"id"_s, 1}, {u"call"_s, u"status"_s}, {u"args"_s, QCborArray{}}});
        QTest::newRow("unknown key") << map({{u"t"_s, t}, {u"id"_s, 1}, {u"call"_s, u"status"_s}, {u"x"_s, 1}});
        QTest::newRow("oversize") << QByteArray(proto::MaxRequestBytes + 1, 'a');
    }
    void requestCodecRefuses()
    {
        QFETCH(QByteArray, data);
        QVERIFY(std::holds_alternative<proto::DecodeError>(proto::decodeRequest(data)));
    }

    // The clients read an answer's integers with toInteger(), which converts a double too; a double it cannot convert
    // (undefined behaviour) makes the whole answer malformed, wherever it sits. Small fractions pass.
    void responseNumbers_data()
    {
        QTest::addColumn<QCborValue>("value");
        QTest::addColumn<bool>("accepted");
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("integer") << QCborValue(std::numeric_limits<qint64>::max()) << true;
        QTest::newRow("fraction") << QCborValue(1.5) << true;
        QTest::newRow("lowest qint64") << QCborValue(-9223372036854775808.0) << true;
        QTest::newRow("2^63") << QCborValue(9223372036854775808.0) << false;
        QTest::newRow("1e30") << QCborValue(1e30) << false;
        QTest::newRow("-1e30") << QCborValue(-1e30) << false;
        QTest::newRow("infinity") << QCborValue(inf) << false;
        QTest::newRow("nan") << QCborValue(std::numeric_limits<double>::quiet_NaN()) << false;
        QTest::newRow("in an array in a map") << QCborValue(QCborMap{{u"a"_s, QCborArray{1, 1e30}}}) << false;
        QTest::newRow("as a map key") << QCborValue(QCborMap{{inf, 1}}) << false;
        QTest::newRow("tagged") << QCborValue(QCborTag(40000), 1e30) << false;
    }
    void responseNumbers()
    {
        QFETCH(QCborValue, value);
        QFETCH(bool, accepted);
        const proto::Response response{3, {}, {}, {{u"n"_s, value}}};
        auto decoded = proto::decodeResponse(proto::encodeResponse(response));
        QCOMPARE(std::holds_alternative<proto::Response>(decoded), accepted);
        if (!accepted) {
            QCOMPARE(std::get<proto::DecodeError>(decoded).id, quint64(3));
            QVERIFY(std::get<proto::DecodeError>(decoded).message.contains(u"not finite or beyond 64 bits"_s));
        }
    }

    // Settings parleyd stored itself (JSON in the settings table) are read back with QJsonValue::toInteger(), which
    // refuses what does not fit qint64, not with a cast of toDouble() (undefined behaviour beyond it).
    void storedSettingsWithHugeNumbers()
    {
        const QString turn = uR"({"uris":["turn:turn.example"],"ttl":3600,"secret":"s3cret","updated_at":%1})"_s;
        auto config = TurnCalls::decode(turn.arg(u"1700000000000"_s));
        QVERIFY(config);
        QCOMPARE(config->updatedAt, qint64(1700000000000));
        config = TurnCalls::decode(turn.arg(u"1e30"_s));
        QVERIFY(config);
        QCOMPARE(config->updatedAt, qint64(0));

        DirectoryConfig directory;
        directory.url = u"ldaps://ldap.example:636"_s;
        directory.baseDn = u"dc=example,dc=org"_s;
        auto ca = crypto::generateSelfSignedCertificate(u"Directory CA"_s, {u"ldap.example"_s}, {}, 30);
        QVERIFY(ca);
        directory.caCertificate = QString::fromLatin1(ca->certificatePem);
        directory.updatedAt = 1700000000000;
        QCOMPARE(directory.check(), QString());
        const QString stored = directory.encode();
        auto back = DirectoryConfig::decode(stored);
        QVERIFY(back);
        QCOMPARE(back->updatedAt, qint64(1700000000000));
        QCOMPARE(back->graceSeconds, directory.graceSeconds);
        QString huge = stored;
        huge.replace(u"\"updated_at\":1700000000000"_s, u"\"updated_at\":1e30"_s);
        QVERIFY(huge != stored);
        back = DirectoryConfig::decode(huge);
        QVERIFY(back);
        QCOMPARE(back->updatedAt, qint64(0));
        // A grace period beyond qint64 is no grace period the checks allow: the stored setting is unreadable.
        QString hugeGrace = stored;
        hugeGrace.replace(QRegularExpression(u"\"grace_seconds\":[0-9.e+]+"_s), u"\"grace_seconds\":-1e300"_s);
        QVERIFY(hugeGrace != stored);
        QVERIFY(!DirectoryConfig::decode(hugeGrace));
    }

    // The device plane's decoder does not know admin frames.
    void deviceDecoderRefusesAdminFrames()
    {
        const QByteArray admin = proto::encodeRequest(proto::Request{1, u"status"_s, {}, {}});
        QVERIFY(std::holds_alternative<protocol::FrameError>(protocol::decode(admin, protocol::Direction::ClientToServer)));
    }
};

QTEST_GUILESS_MAIN(TestAdminAuth)
#include "tst_adminauth.moc"
