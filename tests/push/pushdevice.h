#pragma once

// Devices with a push registration, for the push tests: register a token and wait for the server's answer, or enroll a
// device, register it and take it offline so that messages to it wake it through push.

#include "../e2e/harness.h"

#include "crypto/crypto.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>

#include <memory>

namespace parley::pushtest {

// Writes `bytes` into a file readable by its owner alone (the daemon refuses key files others can read).
inline bool writePrivate(const QString &path, QByteArrayView bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    if (!f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return false;
    return f.write(bytes.data(), bytes.size()) == bytes.size();
}

// A random device token as APNs hands them out (64 hex digits).
inline QString randomHexToken()
{
    return QString::fromLatin1(crypto::randomBytes(32).toHex());
}

// Sends `registration` (a push_register frame) from `device` and waits for the reply; true when the server said ok.
inline bool registerPush(e2e::Device &device, const protocol::Frame &registration)
{
    using namespace Qt::StringLiterals;
    QSignalSpy frames(&device.client(), &sdk::Client::frameReceived);
    const quint64 id = device.client().sendFrame(registration);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < e2e::WaitMs) {
        if (auto reply = device.replyTo(id)) {
            if (reply->type != u"ok"_s)
                qWarning() << "push registration refused:" << reply->text("code"_L1) << reply->text("msg"_L1);
            return reply->type == u"ok"_s;
        }
        frames.wait(100);
    }
    return false;
}

// A new device of `user` on `daemon`, enrolled, registered for push and disconnected; null when a step failed.
inline std::unique_ptr<e2e::Device> offlineDevice(e2e::Daemon &daemon, const QString &user,
                                                  const protocol::Frame &registration)
{
    auto device = std::make_unique<e2e::Device>(daemon, user);
    if (!device->enroll() || !registerPush(*device, registration))
        return nullptr;
    device->close();
    return device;
}

} // namespace parley::pushtest
