#include "sdk/devicelists.h"

#include "protocol/statements.h"
#include "sdk/connection.h"
#include "sdk/profile.h"
#include "sdk/sdklog.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace parley::sdk {

QString deviceLabel(const QString &user, quint32 device) { return user + u'#' + QString::number(device); }

class DeviceLists::Private {
public:
    DeviceLists *q;
    Connection &connection;
    Profile &profile;
    QHash<QString, UserDevices> devices;

    Private(DeviceLists *lists, Connection &c, Profile &p) : q(lists), connection(c), profile(p) {}

    // Applies a `device_list` reply: checks root keys (own account: equal to ours; others: trust on first use)
    // and every device certificate. Returns the unknown user names.
    Result<QStringList> apply(const protocol::DeviceList &reply)
    {
        const ProfileSettings &s = profile.settings();
        bool trustChanged = false;
        for (const protocol::DirectoryUser &listed : reply.users) {
            UserDevices ud;
            ud.user = listed.user;
            ud.root = listed.root;
            if (!protocol::isValidUserName(ud.user) || ud.root.size() != crypto::P521PointSize)
                return makeError(ErrorCode::Protocol, u"the server sent a malformed device list"_s);
            if (ud.user == s.user) {
                if (ud.root != s.rootPub)
                    return makeError(ErrorCode::Crypto, u"the server presented a different root key for your own "
                                                        u"account %1"_s.arg(s.user));
            } else {
                const TrustStore::Verdict v = profile.trust().observe(ud.user, ud.root, QDateTime::currentMSecsSinceEpoch());
                if (v == TrustStore::FirstUse)
                    trustChanged = true;
                if (v == TrustStore::Changed) {
                    ud.rootChanged = true;
                    qCWarning(lcSdk) << "a user's root key differs from the pinned one";
                    Q_EMIT q->identityChanged(ud.user);
                }
            }
            if (Status st = applyDevices(ud, listed.devices); !st)
                return st.error();
            if (ud.user != s.user && (ud.rootChanged || keepDevices(ud)))
                trustChanged = true;
            devices.insert(ud.user, ud);
        }
        if (trustChanged) {
            if (Status st = profile.saveTrust(); !st)
                connection.reportError(u"io"_s, st.error().message);
        }
        for (const QString &user : reply.unknown)
            devices.remove(user);
        return reply.unknown;
    }

    // Keeps the devices whose certificates verified under the pinned root key with it (the previous identity they
    // become when the person accepts a new key). Returns whether the trust store changed.
    bool keepDevices(const UserDevices &ud)
    {
        TrustStore::Devices known;
        for (const DeviceInfo &info : ud.devices) {
            if (info.certificateValid)
                known.insert(info.device, TrustStore::KnownDevice{info.pub, info.sig});
        }
        return profile.trust().setDevices(ud.user, ud.root, known);
    }

    // Reads the devices of one user and checks each certificate under the user's root key.
    static Status applyDevices(UserDevices &ud, const QList<protocol::DeviceCert> &list)
    {
        Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(ud.root);
        for (const protocol::DeviceCert &cert : list) {
            DeviceInfo info;
            if (cert.device < 1)
                return makeError(ErrorCode::Protocol, u"the server sent a malformed device list"_s);
            info.device = cert.device;
            info.pub = cert.pub;
            info.sig = cert.sig;
            info.certificateValid = root && info.pub.size() == crypto::P521PointSize
                && root->verify(protocol::deviceStatement(ud.user, info.pub), info.sig);
            ud.devices.insert(info.device, info);
        }
        return {};
    }
};

DeviceLists::DeviceLists(Connection &connection, Profile &profile, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this, connection, profile))
{
}

DeviceLists::~DeviceLists() = default;

void DeviceLists::fetch(const QStringList &users, std::function<void(Result<QStringList>)> done)
{
    struct Batch {
        int outstanding = 0;
        QStringList unknown;
        std::optional<Error> error;
        std::function<void(Result<QStringList>)> done;
    };
    auto batch = std::make_shared<Batch>();
    batch->done = std::move(done);
    QList<QStringList> chunks;
    for (qsizetype i = 0; i < users.size(); i += protocol::MaxRecipients)
        chunks.append(users.mid(i, protocol::MaxRecipients));
    batch->outstanding = int(chunks.size());
    for (const QStringList &chunk : chunks) {
        d->connection.request(protocol::Devices{chunk}, [this, batch](const protocol::Frame &reply) {
            if (reply.type == protocol::ErrorReply::Type) {
                if (!batch->error)
                    batch->error = makeError(ErrorCode::Unavailable, Connection::errorCode(reply) + u": "_s
                                                                         + Connection::errorText(reply));
            } else if (reply.type != protocol::DeviceList::Type) {
                batch->error = makeError(ErrorCode::Protocol, u"unexpected reply to devices"_s);
            } else if (Result<QStringList> unknown = d->apply(protocol::DeviceList::from(reply)); !unknown) {
                if (!batch->error)
                    batch->error = unknown.error();
            } else {
                batch->unknown += unknown.value();
            }
            if (--batch->outstanding == 0) {
                if (batch->error)
                    batch->done(batch->error.value());
                else
                    batch->done(batch->unknown);
            }
        });
    }
    if (chunks.isEmpty())
        batch->done(QStringList());
}

const UserDevices *DeviceLists::find(const QString &user) const
{
    const auto it = d->devices.constFind(user);
    return it == d->devices.constEnd() ? nullptr : &it.value();
}

void DeviceLists::remove(const QString &user) { d->devices.remove(user); }

void DeviceLists::clear() { d->devices.clear(); }

} // namespace parley::sdk
