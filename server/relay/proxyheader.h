#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QString>

namespace parley::server {

// The PROXY protocol header (versions 1 and 2, as HAProxy's proxy-protocol.txt specifies) that a load balancer in
// TCP mode sends first on each connection it makes to a backend, naming the client it accepted the connection from.
// parse() reads it from the start of what the connection has sent so far and says how many of those bytes are the
// header, so that the TLS bytes after it are left for the handshake.
struct ProxyHeader {
    enum class State {
        Incomplete,   // so far a header's beginning, every byte of it part of the header: wait for more
        Invalid,      // not a header, or a malformed one: `error` says why
        Done,         // `length` bytes are the header
    };

    // The longest header taken: a version 2 header's 16 bytes and its addresses and TLVs. HAProxy's own reach about
    // 100 bytes with the TLVs it can add; a proxy sending more is refused rather than buffered.
    static constexpr qsizetype MaxLength = 1024;
    // The longest version 1 header, CR LF included (the specification's 107 bytes).
    static constexpr qsizetype MaxV1Length = 107;

    State state = State::Incomplete;
    qsizetype length = 0;
    int version = 0;
    // The client's address and port. Null for a header that names no client (version 2 LOCAL, a family other than
    // IPv4 or IPv6, version 1 UNKNOWN): the connection is the proxy's own (a health check) and keeps its address.
    QHostAddress source;
    quint16 sourcePort = 0;
    QString error;

    static ProxyHeader parse(QByteArrayView bytes);
};

} // namespace parley::server
