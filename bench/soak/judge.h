#pragma once

// The soak's verdict: whether parleyd stayed flat. Pure functions over the sampled series, no I/O.
//
// Each series (RSS, open descriptors, queued messages, the store's write queue, p99 latency) is fitted over the
// judged window (the second half of the timed part: the first half is warm-up) with the Theil-Sen estimator, the
// median of the slopes between every two samples, so that a few disturbed samples (another process took the CPU
// for a moment) do not tilt the line. The fitted growth over the window is compared with a bound that has two
// parts: a rate (for RSS: per cent per hour of the window's median) that decides a long run, and a floor, the
// smallest growth a run of this length can tell from noise, that decides a short one. The end checks need the
// queues to empty and the descriptors to come back once the clients are gone, and the delivery checks need every
// accepted message delivered to every recipient device, no error of any kind, and the offered load actually sent.

#include <QList>
#include <QString>

#include <vector>

namespace parley::bench::soak {

struct Point {
    double t = 0;     // seconds since the timed part started
    double v = 0;
};

// The median of the pairwise slopes (units per second); 0 with fewer than two points.
double theilSenSlope(const std::vector<Point> &points);
double median(std::vector<double> values);

struct Bounds {
    double rssPctPerHour = 5;      // fitted RSS growth, extrapolated to an hour, in per cent of the window's median
    double rssFloorKb = 4096;      // ... or this many KB over the window, whichever is larger
    double fdGrowth = 16;          // fitted growth of open descriptors over the window
    double fdSlack = 16;           // descriptors after the clients left, above those before they came
    double queueGrowth = 200;      // fitted growth of queued messages and of the write queue over the window
    double p99RiseFraction = 0.5;  // fitted p99 rise over the window, as a fraction of the window's median p99 ...
    double p99FloorMs = 5;         // ... or this many ms, whichever is larger
    double minSentFraction = 0.95; // messages sent over the timed part, against the offered rate
};

struct Series {
    std::vector<Point> rssKb, fds, queued, writeQueue, p99Ms;
};

struct Totals {
    double windowSeconds = 0;      // length of the judged window
    qint64 offered = 0;            // messages the rates asked for over the timed part
    qint64 sent = 0;
    qint64 accepted = 0;
    qint64 deliveries = 0;         // recipient deliveries counted once per device
    qint64 lost = 0;               // accepted, but not delivered to every recipient device by the end of the drain
    qint64 unanswered = 0;         // sent, never answered with `accepted` or an error
    qint64 errors = 0;             // error frames other than busy/rate_limited, unexpected closes, refused logins,
                                   // unreadable status calls, unknown deliveries
    bool drained = false;          // every worker had nothing outstanding before the drain timeout
    qint64 queuedAtEnd = -1;       // queued_messages after the drain (-1: never read)
    qint64 writeQueueAtEnd = -1;
    qint64 fdsBefore = 0;          // parleyd's descriptors before the first client connected
    qint64 fdsAfter = 0;           // ... and after the last one left
    bool daemonExitedCleanly = false;
};

struct Check {
    QString name;
    bool pass = false;
    QString detail;
};

struct Verdict {
    QList<Check> checks;
    bool pass() const;
};

Verdict judge(const Series &window, const Totals &totals, const Bounds &bounds);

} // namespace parley::bench::soak
