#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace parley::server::metrics {

// The head of an HTTP/1.x request (RFC 9112), read strictly: the request line and header fields up to the empty line
// that ends them, nothing else. The monitoring endpoint takes no request body, no absolute URI, no folded line, no
// bare CR or LF, no control byte, no space before a field's colon; what it cannot read unambiguously it refuses.
struct HttpRequestHead {
    int refusal = 0;       // 0: a request to answer; otherwise the status to refuse it with (400, 431, 505)
    QByteArray method;     // a token: GET, HEAD, or another one (the endpoint answers 405)
    QByteArray path;       // the origin-form target without its query ("/metrics")
    int minorVersion = 1;  // HTTP/1.0 or HTTP/1.1

    bool ok() const { return refusal == 0; }
};

constexpr int MaxHeaderFields = 64;

// `head`: every byte of the request up to and including the CRLF CRLF that ends its fields.
HttpRequestHead parseRequestHead(QByteArrayView head);

} // namespace parley::server::metrics
