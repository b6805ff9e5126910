#pragma once

// One load generator process: a share of the connections, its own event loop. The parent process (see main.cpp)
// starts the timed part through a control pipe and collects the figures through another.

#include "identities.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

namespace parley::bench {

enum class Mode { Parley, Floor, Xmpp };
enum class Task { Traffic, Idle, Sessions, Resumed, Drain };

struct WorkerOptions {
    Mode mode = Mode::Parley;
    Task task = Task::Traffic;
    QUrl url;
    QList<QUrl> urls;             // several servers (--urls): connection i goes to urls[i % size]; empty: url
    QList<Identity> identities;   // parley: every device; floor and xmpp use only the names
    int first = 0;                // this worker's connections: identities [first, first + count)
    int count = 0;
    int messages = 0;             // traffic: per sender
    int window = 0;               // traffic: messages in flight per sender (0: free pipelining)
    double rate = 0;              // traffic: messages per second for this worker (0: as fast as possible)
    int payloadBytes = 0;         // floor and xmpp: bytes per message
    int seconds = 0;              // sessions and resumed: length of the timed part
    int expected = 0;             // drain: messages waiting
    int timeoutSeconds = 120;
    int controlIn = -1;           // 'G': start, 'Q': quit
    int controlOut = -1;          // "R\n" when ready, then the result
    QString xmppDomain = QStringLiteral("localhost");
    QString xmppPassword = QStringLiteral("bench-password");
};

class Worker : public QObject {
    Q_OBJECT
public:
    explicit Worker(WorkerOptions options, QObject *parent = nullptr);
    ~Worker() override;

    // Builds what the timed part sends, connects and logs in; the event loop does the rest and quits at the end.
    void start();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::bench
