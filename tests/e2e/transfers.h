#pragma once

// An upload and a download with the real SDK, waited for in the event loop (tests/e2e and tests/assurance).

#include "harness.h"

#include "sdk/transfers.h"

#include <QElapsedTimer>

#include <memory>
#include <optional>

namespace parley::e2e {

struct Outcome {
    std::optional<sdk::FileRef> file;
    QString error;
    QString savedPath;
    qint64 resumedAt = 0;
    int interruptions = 0;
};

// Waits in the event loop until `done`, or says in `out` that the transfer timed out.
inline Outcome waitFor(const bool &done, Outcome &out)
{
    QElapsedTimer timer;
    timer.start();
    while (!done && timer.elapsed() < WaitMs)
        QTest::qWait(5);
    if (!done)
        out.error = u"timed out"_s;
    return out;
}

inline Outcome upload(Device &d, const QString &path)
{
    Outcome out;
    std::unique_ptr<sdk::Upload> u(d.client().upload(path));
    bool done = false;
    QObject::connect(u.get(), &sdk::Upload::finished, u.get(), [&](const sdk::FileRef &f) { out.file = f; done = true; });
    QObject::connect(u.get(), &sdk::Upload::failed, u.get(), [&](const QString &e) { out.error = e; done = true; });
    return waitFor(done, out);
}

inline Outcome download(Device &d, const sdk::FileRef &file, const QString &dir)
{
    Outcome out;
    std::unique_ptr<sdk::Download> dl(d.client().download(file, dir));
    bool done = false;
    QObject::connect(dl.get(), &sdk::Download::finished, dl.get(), [&](const QString &p) { out.savedPath = p; done = true; });
    QObject::connect(dl.get(), &sdk::Download::failed, dl.get(), [&](const QString &e) { out.error = e; done = true; });
    return waitFor(done, out);
}

// Holds every message with attachments unacknowledged (as `parley receive` does until they are saved).
inline void holdAttachments(Device &d, QList<sdk::IncomingMessage> &held)
{
    QObject::connect(&d.client(), &sdk::Client::messageReceived, &d, [&d, &held](const sdk::IncomingMessage &m) {
        if (!m.files.isEmpty() && d.client().holdAck(m))
            held.append(m);
    });
}

} // namespace parley::e2e
