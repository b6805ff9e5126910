#include "metrics/httprequest.h"

#include <QList>

namespace parley::server::metrics {

namespace {

constexpr int BadRequest = 400;
constexpr int HeaderFieldsTooLarge = 431;
constexpr int VersionNotSupported = 505;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// RFC 9110 5.6.2: tchar.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.': case '^':
    case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// A field value's bytes: visible ASCII, space, tab and obs-text; never a control byte or DEL.
bool isFieldValue(QByteArrayView text)
{
    for (const char c : text) {
        const auto u = uchar(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

HttpRequestHead refused(int status)
{
    HttpRequestHead r;
    r.refusal = status;
    return r;
}

// The request line: METHOD SP origin-form SP HTTP/D.D (one space each, nothing else).
HttpRequestHead parseRequestLine(QByteArrayView line)
{
    const qsizetype first = line.indexOf(' ');
    const qsizetype second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    if (first <= 0 || second < 0 || line.indexOf(' ', second + 1) >= 0)
        return refused(BadRequest);
    const QByteArrayView method = line.first(first);
    const QByteArrayView target = line.sliced(first + 1, second - first - 1);
    const QByteArrayView version = line.sliced(second + 1);
    if (!isToken(method))
        return refused(BadRequest);
    // origin-form only: an absolute URI (a proxy's request), "*" or an authority is refused.
    if (target.isEmpty() || target.front() != '/')
        return refused(BadRequest);
    for (const char c : target) {
        const auto u = uchar(c);
        if (u <= 0x20 || u >= 0x7f || c == '#')
            return refused(BadRequest);
    }
    if (version.size() != 8 || !version.startsWith("HTTP/") || !isDigit(version[5]) || version[6] != '.'
        || !isDigit(version[7]))
        return refused(BadRequest);
    if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
        return refused(VersionNotSupported);
    HttpRequestHead r;
    r.method = method.toByteArray();
    const qsizetype query = target.indexOf('?');
    r.path = (query < 0 ? target : target.first(query)).toByteArray();
    r.query = query < 0 ? QByteArray() : target.sliced(query + 1).toByteArray();
    r.minorVersion = version[7] - '0';
    return r;
}

} // namespace

HttpRequestHead parseRequestHead(QByteArrayView head)
{
    if (!head.endsWith("\r\n\r\n"))
        return refused(BadRequest);
    head.chop(4);
    // Lines end in CRLF; a CR or LF anywhere else is refused (no bare LF line ends, no smuggled line).
    QList<QByteArrayView> lines;
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = head.indexOf("\r\n", start);
        const QByteArrayView line = head.sliced(start, (end < 0 ? head.size() : end) - start);
        if (line.contains('\r') || line.contains('\n'))
            return refused(BadRequest);
        lines.append(line);
        if (end < 0)
            break;
        start = end + 2;
    }
    if (lines.size() - 1 > MaxHeaderFields)
        return refused(HeaderFieldsTooLarge);

    HttpRequestHead request = parseRequestLine(lines.first());
    if (!request.ok())
        return request;
    int hosts = 0;
    int lengths = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArrayView field = lines.at(i);
        // An obsolete folded line, or whitespace before the colon (RFC 9112 5.1: must be refused).
        const qsizetype colon = field.indexOf(':');
        if (colon <= 0 || !isToken(field.first(colon)))
            return refused(BadRequest);
        const QByteArray name = field.first(colon).toByteArray().toLower();
        const QByteArrayView value = trimmed(field.sliced(colon + 1));
        if (!isFieldValue(value))
            return refused(BadRequest);
        if (name == "host") {
            ++hosts;
        } else if (name == "content-length") {
            // No body is taken: only an explicit zero length, once.
            if (++lengths > 1 || value != "0")
                return refused(BadRequest);
        } else if (name == "transfer-encoding") {
            return refused(BadRequest);
        }
        request.fields.append({name, value.toByteArray()});
    }
    // HTTP/1.1 requires exactly one Host field (RFC 9112 3.2); HTTP/1.0 at most one.
    if (hosts > 1 || (request.minorVersion == 1 && hosts != 1))
        return refused(BadRequest);
    return request;
}

} // namespace parley::server::metrics
