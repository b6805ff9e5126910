#pragma once

// Keeps this device's prekeys on the server (docs/protocol.md `prekeys`, `refill`): the one-time pool at
// Client::PrekeyPoolTarget and a last-resort key, the private halves saved before the upload. A kid the server
// already holds (a profile restored from an older copy) moves the kids on and uploads again.

#include <QObject>

#include <memory>

namespace parley::sdk {

class Connection;
class Profile;
class ProfileSaver;

class PrekeyUpkeep : public QObject {
    Q_OBJECT
public:
    PrekeyUpkeep(Connection &connection, Profile &profile, ProfileSaver &saver, QObject *parent = nullptr);
    ~PrekeyUpkeep() override;

    // Tops the pool up from what the server holds (at login: `welcome`).
    void topUp(int serverCount, bool serverHasLastResort);
    // The server's `refill`.
    void onRefill(int remaining);
    bool uploadPending() const;
    // The connection closed.
    void reset();

Q_SIGNALS:
    void prekeysReady(int onServer);
    // Expired prekeys were deleted from the keystore.
    void prekeysPurged();

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
