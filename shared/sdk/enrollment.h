#pragma once

// Enrollment of this profile's device (docs/protocol.md `enroll_info`, `enroll`): a new user gets a root key and a
// recovery bundle made with the passphrase; a further device of an existing user recovers the root key from the
// bundle. The keys are saved before the server hears of them; after `enrolled` the connection logs in.

#include "crypto/crypto.h"
#include "sdk/recoverybundle.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

namespace parley::sdk {

class Connection;
class Profile;

class Enrollment : public QObject {
    Q_OBJECT
public:
    Enrollment(Connection &connection, Profile &profile, QObject *parent = nullptr);
    ~Enrollment() override;

    // Checks and remembers a request; a malformed one is reported on the connection and false returned.
    bool prepare(const QString &user, const QString &code, const QString &deviceName, const QByteArray &passphrase,
                 crypto::ScryptParams kdf);
    // Whether a prepared request waits for `hello`.
    bool active() const;
    // Runs the prepared request on the connected connection.
    void start();
    // Forgets the request and its passphrase.
    void reset();

Q_SIGNALS:
    void enrolled(const QString &user, quint32 device, bool newUser);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
