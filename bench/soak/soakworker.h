#pragma once

// One client process of the soak: a contiguous share of the devices, each with its own TLS WebSocket connection,
// logged in with its device key. Devices 2k and 2k+1 of the share write to each other; consecutive groups of
// `roomSize` devices form a room (created over the wire at set-up with signed membership records). Paced traffic
// (1:1 and room messages), acks, and reconnects of random devices run until the parent says stop; every message
// is tracked until each recipient device has it (recipients live in the sender's process, so one process knows
// whether an accepted message reached them all).
//
// Control (one byte from the parent, see main.cpp): 'G' start, 'S' sample (answered with a line and the interval's
// latencies), 'E' stop sending and reconnecting, 'F' final counts, 'C' close every connection and exit, 'Q' exit.

#include "../loadgen/identities.h"

#include <QList>
#include <QObject>
#include <QUrl>

#include <memory>

namespace parley::bench::soak {

struct WorkerOptions {
    QUrl url;
    QList<Identity> identities;   // every device of the run
    int first = 0;                // this worker's devices: identities [first, first + count), count even
    int count = 0;
    int roomSize = 10;            // devices per room (2 ... 64); 0: no rooms
    double pairRate = 0;          // 1:1 messages per second sent by this worker's devices
    double roomRate = 0;          // room messages per second
    double reconnectRate = 0;     // reconnects per second
    int setupTimeoutSeconds = 900;
    int controlIn = -1;
    int controlOut = -1;
};

// What a sample reply carries (main.cpp reads it in this order).
struct IntervalCounts {
    qint64 sent = 0;            // send frames written (retries of a refused send not counted again)
    qint64 accepted = 0;
    qint64 delivered = 0;       // first receipt of a message by one recipient device
    qint64 duplicates = 0;      // a receipt again (after a reconnect, unacked messages come again)
    qint64 errors = 0;
    qint64 refused = 0;         // `busy` or `rate_limited`: sent again after the server's retry hint
    qint64 reconnects = 0;      // logins after a reconnect (full and resumed)
    qint64 resumed = 0;         // of which with the resumption credential
    // Gauges at the time of the sample.
    qint64 outstanding = 0;     // messages not yet accepted or not yet at every recipient device
    qint64 offline = 0;         // devices not logged in at the moment
};

class Worker : public QObject {
    Q_OBJECT
public:
    explicit Worker(WorkerOptions options, QObject *parent = nullptr);
    ~Worker() override;

    // Builds the message templates, connects and logs every device in, creates the rooms, then reports ready.
    void start();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::bench::soak
