#pragma once

#include <QHostAddress>
#include <QList>
#include <QPair>

namespace parley::server {

// Operational limits ([limits] in the boot configuration; defaults from docs/protocol.md "Limits").
struct Limits {
    int maxDevicesPerUser = 10;
    qint64 maxQueuePerDevice = 2000000;
    double sendRate = 500;            // messages per second per account, sustained
    int sendBurst = 10000;
    double frameRate = 2000;          // frames per second per connection, sustained
    int frameBurst = 10000;
    int refusedFrames = 5;            // refused frames within the window that close the connection (1008)
    int refusedWindowSeconds = 60;
    int fetchBurst = 5;               // prekey bundle fetches per (requester device, target device)
    int fetchRefillSeconds = 60;      // one fetch token comes back every this many seconds
    int prekeyReserve = 20;           // an offline device's last one-time prekeys, kept for requesters new to it
    int reserveWindowSeconds = 86400; // a requester that fetched from a device is not new to it for this long
    int handshakeTimeoutSeconds = 10; // the TLS handshake and the WebSocket upgrade together
    int unauthenticatedPerAddress = 1024;  // connections of one address (IPv6: one /64) not logged in yet
    // [server] proxy_protocol_from: load balancers whose connections start with a PROXY header naming the client
    QList<QPair<QHostAddress, int>> proxyProtocolFrom;
    int enrollFailures = 5;           // wrong enrollment codes for one user name that lock its enrollment
    int enrollLockoutSeconds = 300;
    double roomChangeRate = 1;        // room records per second per account, sustained
    int roomChangeBurst = 2000;
    double turnRate = 1;              // TURN credentials per second per device, sustained
    int turnBurst = 10;
    int authTimeoutSeconds = 30;
    int idleTimeoutSeconds = 120;
    int messageTtlDays = 30;
    int sweepSeconds = 30;            // expired messages leave the disk (and the WAL) within this many seconds
    int writeQueue = 20000;           // writes waiting for the store's writer beyond which a `send` gets `busy`
    int commitDelayUs = 1000;         // how long a group commit may wait for more writes while they come in a stream
    qint64 resumeLifetimeSeconds = 7 * 86400;   // how long a resumption credential is good for after a challenge login
};

} // namespace parley::server
