#pragma once

#include "metrics/httprequest.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>

#include <optional>

namespace parley::server {

// The head of a browser's HTTP/1.x request to the single sign-on listener, read by the strict reader of every
// listener's request heads (metrics/httprequest.h: RFC 9112, no body, no absolute URI, no folded line, no bare CR or
// LF, no control byte, no whitespace before a field's colon, exactly one Host in HTTP/1.1), with at most one Cookie
// field besides; what cannot be read unambiguously is refused.
struct BrowserRequest {
    int refusal = 0;       // 0: a request to answer; otherwise the status to refuse it with (400, 431, 505)
    QByteArray method;     // a token: GET, HEAD, or another one (answered 405)
    QByteArray path;       // the origin-form target without its query ("/sso/callback")
    QByteArray query;      // the raw query after '?', without it ("" when there is none)
    QByteArray cookie;     // the Cookie field's value ("" when there is none)
    int minorVersion = 1;  // HTTP/1.0 or HTTP/1.1

    bool ok() const { return refusal == 0; }

    // `head`: every byte of the request up to and including the CRLF CRLF that ends its fields.
    static BrowserRequest parse(QByteArrayView head);

    // The parameters of an application/x-www-form-urlencoded query, percent-decoded as UTF-8; nullopt when one is
    // malformed (a bad escape, invalid UTF-8, an empty name) or named twice (RFC 6749 3.1: parameters never repeat).
    static std::optional<QHash<QString, QString>> queryParameters(QByteArrayView query);
    // The value of the cookie `name` in a Cookie field (RFC 6265 4.2.1: "a=b; c=d"), or an empty array.
    static QByteArray cookieValue(QByteArrayView cookieField, QByteArrayView name);
};

constexpr int MaxBrowserHeaderFields = metrics::MaxHeaderFields;

} // namespace parley::server
