#pragma once

// The parent of a soak run once the daemon and the workers are up: starts the traffic, samples every interval
// (the daemon's RSS, descriptors and CPU from /proc, its queues from the admin API's `status`, the workers'
// counts and latencies, the machine's load), writes the CSV, ends the run (drain, final counts, clients gone,
// SIGTERM), judges it and draws the plot.

#include "judge.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

#include <sys/types.h>

namespace parley::bench::soak {

struct RunOptions {
    int connections = 0;
    int durationSeconds = 0;
    double intervalSeconds = 0;
    double pairRate = 0;
    double roomRate = 0;
    int roomSize = 0;
    double reconnectRate = 0;
    int drainTimeoutSeconds = 60;
    double judgedFrom = 0.5;      // the judged window starts at this fraction of the timed part
    QString outDir;               // soak.csv, summary.txt, soak.png
    bool plot = true;
    QString plotScript;           // gnuplot script (plot.gp)
    QString commandLine;          // for the summary
    Bounds bounds;
};

struct DaemonInfo {
    pid_t pid = 0;
    QString adminAddress;         // HOST:PORT
    QString fingerprint;
    QString initialPasswordFile;
    QString logFile;              // stdout and stderr
    long long fdsBefore = 0;      // before any client connected
    long long rssBeforeKb = 0;
};

struct WorkerProcess {
    pid_t pid = 0;
    int in = -1;                  // control: parent -> worker
    int out = -1;                 // reports: worker -> parent
};

class Controller : public QObject {
    Q_OBJECT
public:
    Controller(RunOptions options, DaemonInfo daemon, std::vector<WorkerProcess> workers, QObject *parent = nullptr);
    ~Controller() override;

    // Logs in to the admin API, then starts the traffic; the event loop ends with exit status 0 (PASS), 1 (FAIL)
    // or 2 (the run could not be carried out).
    void start();

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::bench::soak
