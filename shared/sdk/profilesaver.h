#pragma once

// The parts of a profile a connected client changes as it goes (keystore, dedupe log, prekey cache), saved when
// they changed: at once when asked (before acks, at disconnect), the prekey cache also a moment after a change, so
// that a burst of sends writes it once.

#include <QString>
#include <QTimer>

#include <functional>
#include <memory>

namespace parley::sdk {

class Profile;

class ProfileSaver {
public:
    // `reportError(code, message)` hears of a failed save.
    ProfileSaver(Profile &profile, std::function<void(const QString &, const QString &)> reportError);
    ~ProfileSaver();

    void keysChanged();
    void receivedChanged();
    void prekeyCacheChanged();
    // Saves a changed prekey cache in a moment (unless a save is already scheduled).
    void savePrekeyCacheSoon();
    void keysSaved();            // the caller saved the keystore itself

    // Saves whatever changed.
    void persist();

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::sdk
