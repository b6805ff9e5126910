#pragma once

#include "core/result.h"

#include <QObject>

#include <memory>

namespace parley::server {

// Turns SIGTERM and SIGINT into a Qt signal in the thread that created the watcher (a self-pipe: the handler only
// writes the signal number to a socketpair; a QSocketNotifier reads it in the event loop). One instance at a time.
class SignalWatcher : public QObject {
    Q_OBJECT
public:
    static Result<std::unique_ptr<SignalWatcher>> install();
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    SignalWatcher();
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::server
