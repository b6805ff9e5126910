#include "sdk/enrollment.h"

#include "protocol/messages.h"
#include "protocol/statements.h"
#include "sdk/connection.h"
#include "sdk/profile.h"
#include "sdk/sdklog.h"

using namespace Qt::StringLiterals;

namespace parley::sdk {

class Enrollment::Private {
public:
    Enrollment *q;
    Connection &connection;
    Profile &profile;
    bool active = false;
    QString user;
    QString code;
    QString deviceName;
    QByteArray passphrase;
    crypto::ScryptParams kdf;
    bool newUser = false;

    Private(Enrollment *enrollment, Connection &c, Profile &p) : q(enrollment), connection(c), profile(p) {}

    void onEnrollInfo(const protocol::EnrollInfoOk &reply)
    {
        newUser = reply.newUser;
        Result<crypto::EcKey> root = newUser ? crypto::EcKey::generate() : recoverRoot(reply);
        if (!root)
            return;   // recoverRoot() reported
        Result<crypto::EcKey> deviceKey = crypto::EcKey::generate();
        if (!deviceKey)
            return connection.abortWith(u"crypto"_s, deviceKey.error().message);
        const QByteArray rootPub = root->publicPoint();
        const QByteArray devicePub = deviceKey->publicPoint();
        Result<QByteArray> dsig = root->sign(protocol::deviceStatement(user, devicePub));
        if (!dsig)
            return connection.abortWith(u"crypto"_s, dsig.error().message);
        QByteArray recovery;
        if (newUser) {
            Result<QByteArray> bundle = RecoveryBundle::create(user, root.value(), passphrase, kdf);
            if (!bundle)
                return connection.abortWith(u"crypto"_s, u"cannot create the recovery bundle: %1"_s.arg(bundle.error().message));
            recovery = bundle.value();
        }
        crypto::cleanse(passphrase);
        // The private keys are saved before the server hears of them: an enrolled device whose key was lost
        // would be useless.
        profile.keys().setRootKey(root.value());
        profile.keys().setDeviceKey(deviceKey.value());
        if (Status s = profile.saveKeys(); !s)
            return connection.abortWith(u"io"_s, s.error().message);
        protocol::Enroll enroll;
        enroll.user = user;
        enroll.code = code;
        enroll.root = rootPub;
        enroll.dev = devicePub;
        enroll.dsig = dsig.value();
        if (!deviceName.isEmpty())
            enroll.name = deviceName;
        if (!recovery.isEmpty())
            enroll.recovery = recovery;
        connection.request(enroll, [this, rootPub, devicePub](const protocol::Frame &answer) {
            if (answer.type == protocol::ErrorReply::Type) {
                connection.abortWith(Connection::errorCode(answer),
                                     u"enrollment refused: %1"_s.arg(Connection::errorText(answer)));
                return;
            }
            onEnrolled(protocol::Enrolled::from(answer), rootPub, devicePub);
        });
    }

    Result<crypto::EcKey> recoverRoot(const protocol::EnrollInfoOk &reply)
    {
        if (!reply.recovery) {
            const Error e = makeError(ErrorCode::NotFound, u"user %1 exists but has no recovery bundle, so no "
                                                           u"further device can be added"_s.arg(user));
            connection.abortWith(u"enroll_failed"_s, e.message);
            return e;
        }
        Result<crypto::EcKey> root = RecoveryBundle::open(*reply.recovery, user, passphrase);
        if (!root) {
            connection.abortWith(root.error().code == ErrorCode::Unauthorized ? u"wrong_passphrase"_s
                                                                              : u"bad_recovery"_s,
                                 root.error().message);
            return root.error();
        }
        return root;
    }

    void onEnrolled(const protocol::Enrolled &reply, const QByteArray &rootPub, const QByteArray &devicePub)
    {
        const quint32 device = reply.device;   // 0: a reply other than `enrolled`
        if (device == 0)
            return connection.abortWith(u"protocol"_s, u"the server assigned an invalid device number"_s);
        ProfileSettings s = profile.settings();
        s.user = user;
        s.device = device;
        s.deviceName = deviceName;
        s.rootPub = rootPub;
        s.devicePub = devicePub;
        if (Status st = profile.setSettings(s); !st)
            return connection.abortWith(u"io"_s, st.error().message);
        active = false;
        qCInfo(lcSdk) << "enrolled as device" << device << (newUser ? "of a new user" : "of an existing user");
        Q_EMIT q->enrolled(s.user, s.device, newUser);
        connection.login();
    }
};

Enrollment::Enrollment(Connection &connection, Profile &profile, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, profile))
{
}

Enrollment::~Enrollment() { crypto::cleanse(d->passphrase); }

bool Enrollment::prepare(const QString &user, const QString &code, const QString &deviceName,
                         const QByteArray &passphrase, crypto::ScryptParams kdf)
{
    const auto refuse = [this](const QString &error, const QString &message) {
        d->connection.reportError(error, message);
        return false;
    };
    if (!protocol::isValidUserName(user))
        return refuse(u"bad_field"_s, u"invalid user name \"%1\": 1 to 64 characters of a-z, 0-9, '.', '_', '-', "
                                      u"starting with a letter or digit"_s.arg(user));
    if (code.isEmpty() || code.toUtf8().size() > 64)
        return refuse(u"bad_field"_s, u"the enrollment code must be 1 to 64 bytes"_s);
    if (deviceName.toUtf8().size() > 64)
        return refuse(u"bad_field"_s, u"the device name must be at most 64 bytes"_s);
    if (passphrase.isEmpty())
        return refuse(u"bad_field"_s, u"a recovery passphrase is needed"_s);
    const ProfileSettings &s = d->profile.settings();
    if (s.isEnrolled())
        return refuse(u"already_enrolled"_s, u"the profile is already registered as %1#%2"_s.arg(s.user).arg(s.device));
    crypto::cleanse(d->passphrase);
    d->active = true;
    d->user = user;
    d->code = code;
    d->deviceName = deviceName;
    d->passphrase = passphrase;
    d->kdf = kdf;
    d->newUser = false;
    return true;
}

bool Enrollment::active() const { return d->active; }

void Enrollment::start()
{
    d->connection.setState(Client::State::Enrolling);
    d->connection.request(protocol::EnrollInfo{d->user, d->code}, [this](const protocol::Frame &reply) {
        if (reply.type == protocol::ErrorReply::Type) {
            d->connection.abortWith(Connection::errorCode(reply),
                                    u"enrollment refused: %1"_s.arg(Connection::errorText(reply)));
            return;
        }
        d->onEnrollInfo(protocol::EnrollInfoOk::from(reply));
    });
}

void Enrollment::reset()
{
    d->active = false;
    crypto::cleanse(d->passphrase);
}

} // namespace parley::sdk
