#pragma once

#include <QByteArray>
#include <QObject>

namespace parley::server {

class Worker;
struct Services;

// What a session gets from the worker that owns it. The worker creates and owns its sessions, so a session knows
// it only through this: its thread's context object, an opaque handle for the router, the shared services and the
// worker's encode buffer.
struct SessionHost {
    QObject *thread = nullptr;          // the worker: parent of every session, context of replies to this thread
    Worker *worker = nullptr;           // what the router hands this session's deliveries to
    const Services *services = nullptr;
    QByteArray *scratch = nullptr;      // one buffer per worker thread that outgoing frames are encoded into
};

} // namespace parley::server
