#include "sdk/devicelists.h"

#include "protocol/statements.h"
#include "sdk/connection.h"
#include "sdk/profile.h"
#include "sdk/sdklog.h"

#include <QCborArray>
#include <QCborMap>
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
    Result<QStringList> apply(const protocol::Frame &reply)
    {
        const ProfileSettings &s = profile.settings();
        bool trustChanged = false;
        for (const QCborValue &item : reply.array("users"_L1)) {
            const QCborMap m = item.toMap();
            UserDevices ud;
            ud.user = m.value(u"user"_s).toString();
            ud.root = m.value(u"root"_s).toByteArray();
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
            if (Status st = applyDevices(ud, m.value(u"devices"_s).toArray()); !st)
                return st.error();
            devices.insert(ud.user, ud);
        }
        if (trustChanged) {
            if (Status st = profile.saveTrust(); !st)
                connection.reportError(u"io"_s, st.error().message);
        }
        QStringList unknown;
        for (const QCborValue &v : reply.array("unknown"_L1)) {
            unknown.append(v.toString());
            devices.remove(v.toString());
        }
        return unknown;
    }

    // Reads the devices of one user and checks each certificate under the user's root key.
    static Status applyDevices(UserDevices &ud, const QCborArray &list)
    {
        Result<crypto::EcKey> root = crypto::EcKey::fromPublicPoint(ud.root);
        for (const QCborValue &dv : list) {
            const QCborMap dm = dv.toMap();
            DeviceInfo info;
            const qint64 no = dm.value(u"device"_s).toInteger();
            if (no < 1 || no > 0xffffffffLL)
                return makeError(ErrorCode::Protocol, u"the server sent a malformed device list"_s);
            info.device = quint32(no);
            info.pub = dm.value(u"pub"_s).toByteArray();
            info.sig = dm.value(u"sig"_s).toByteArray();
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
        QCborArray names;
        for (const QString &u : chunk)
            names.append(u);
        protocol::Frame f(u"devices"_s);
        f.set("users"_L1, names);
        d->connection.request(f, [this, batch](const protocol::Frame &reply) {
            if (reply.type == u"error"_s) {
                if (!batch->error)
                    batch->error = makeError(ErrorCode::Unavailable, Connection::errorCode(reply) + u": "_s
                                                                         + Connection::errorText(reply));
            } else if (reply.type != u"device_list"_s) {
                batch->error = makeError(ErrorCode::Protocol, u"unexpected reply to devices"_s);
            } else if (Result<QStringList> unknown = d->apply(reply); !unknown) {
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
