#include "sso/ssopages.h"

#include "crypto/crypto.h"

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

// The only style of the pages; the policy allows exactly this text (by its hash), nothing else.
constexpr char Style[] = "body{font-family:sans-serif;max-width:44em;margin:2em auto;padding:0 1em;line-height:1.5}"
                         "code,pre{font-family:monospace;background:#f2f2f2;padding:.2em .4em}"
                         "pre{padding:.8em;white-space:pre-wrap;word-break:break-all}"
                         ".code{font-size:1.6em;letter-spacing:.05em}";

} // namespace

namespace ssopages {

QString escape(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&': out += u"&amp;"_s; break;
        case u'<': out += u"&lt;"_s; break;
        case u'>': out += u"&gt;"_s; break;
        case u'"': out += u"&quot;"_s; break;
        case u'\'': out += u"&#39;"_s; break;
        default: out += c;
        }
    }
    return out;
}

QByteArray contentSecurityPolicy()
{
    static const QByteArray policy = "default-src 'none'; style-src 'sha256-"
        + crypto::sha256(QByteArrayView(Style)).toBase64()
        + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    return policy;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

BrowserResponse page(int status, const QString &title, const QString &html)
{
    BrowserResponse r;
    r.status = status;
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/html; charset=utf-8")});
    r.body = u"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             u"<meta name=\"viewport\" content=\"width=device-width\"><meta name=\"referrer\" content=\"no-referrer\">"
             u"<title>%1</title><style>%2</style></head>\n<body>\n<h1>%1</h1>\n%3\n</body></html>\n"_s
                 .arg(escape(title), QString::fromLatin1(Style), html)
                 .toUtf8();
    return r;
}

BrowserResponse refusal(int status, const QString &what)
{
    return page(status, u"Parley sign-in"_s, u"<p>%1</p>"_s.arg(escape(what)));
}

BrowserResponse redirect(const QUrl &location, const QByteArray &setCookie)
{
    const QByteArray target = location.toEncoded();
    BrowserResponse r = page(302, u"Parley sign-in"_s,
                             u"<p><a href=\"%1\">Continue to the sign-in</a></p>"_s.arg(escape(QString::fromLatin1(target))));
    r.headers.append({QByteArrayLiteral("Location"), target});
    if (!setCookie.isEmpty())
        r.headers.append({QByteArrayLiteral("Set-Cookie"), setCookie});
    return r;
}

} // namespace ssopages

QByteArray BrowserResponse::serialize() const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + ssopages::reasonPhrase(status) + "\r\n";
    out += "Connection: close\r\n";
    out += "Cache-Control: no-store\r\n";
    out += "Pragma: no-cache\r\n";
    out += "Content-Security-Policy: " + ssopages::contentSecurityPolicy() + "\r\n";
    out += "Referrer-Policy: no-referrer\r\n";
    out += "X-Content-Type-Options: nosniff\r\n";
    out += "X-Frame-Options: DENY\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    out += body;
    return out;
}

} // namespace parley::server
