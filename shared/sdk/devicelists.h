#pragma once

// The device lists of users as the server reports them (docs/protocol.md `devices`), each device's certificate
// checked under its user's root key. The own account's root key must equal the profile's; other users' root keys
// are pinned on first use (TrustStore), and a changed one is marked and reported with identityChanged(). The
// devices of a list that verifies under the pinned key are kept with it in the trust store (the previous identity
// they become when the person accepts a new key, see TrustStore::supersede()). The lists live for one connection.

#include "core/result.h"

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace parley::sdk {

class Connection;
class Profile;

struct DeviceInfo {
    quint32 device = 0;
    QByteArray pub;
    QByteArray sig;
    bool certificateValid = false;
};

struct UserDevices {
    QString user;
    QByteArray root;
    bool rootChanged = false;        // differs from the pinned root key
    QMap<quint32, DeviceInfo> devices;
};

// "user#device", the way devices are named in messages for people.
QString deviceLabel(const QString &user, quint32 device);

class DeviceLists : public QObject {
    Q_OBJECT
public:
    DeviceLists(Connection &connection, Profile &profile, QObject *parent = nullptr);
    ~DeviceLists() override;

    // Requests the lists of `users` (in chunks of the protocol limit) and applies them; `done` gets the users the
    // server does not know.
    void fetch(const QStringList &users, std::function<void(Result<QStringList>)> done);

    // The last list of `user`, or nullptr when none is known (never fetched, or dropped since).
    const UserDevices *find(const QString &user) const;
    // Forgets the list of `user`, so that it is fetched again.
    void remove(const QString &user);
    void clear();

Q_SIGNALS:
    void identityChanged(const QString &user);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
