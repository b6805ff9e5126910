#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <utility>

namespace parley::server::metrics {

// The head of an HTTP/1.x request (RFC 9112), read strictly: the request line and header fields up to the empty line
// that ends them, nothing else. No request body, no absolute URI, no folded line, no bare CR or LF, no control byte, no
// space before a field's colon, exactly one Host (HTTP/1.1); what cannot be read unambiguously is refused. The reader
// of the monitoring endpoint and of the single sign-on listener (server/sso/browserrequest.h).
struct HttpRequestHead {
    int refusal = 0;       // 0: a request to answer; otherwise the status to refuse it with (400, 431, 505)
    QByteArray method;     // a token: GET, HEAD, or another one (the endpoint answers 405)
    QByteArray path;       // the origin-form target without its query ("/metrics")
    QByteArray query;      // the raw query after '?', without it ("" when there is none)
    int minorVersion = 1;  // HTTP/1.0 or HTTP/1.1
    // Every header field in order: its name in lower case, its value without the whitespace around it.
    QList<std::pair<QByteArray, QByteArray>> fields;

    bool ok() const { return refusal == 0; }
};

constexpr int MaxHeaderFields = 64;

// `head`: every byte of the request up to and including the CRLF CRLF that ends its fields.
HttpRequestHead parseRequestHead(QByteArrayView head);

} // namespace parley::server::metrics
