#include "sso/browserrequest.h"

#include "metrics/httprequest.h"

#include <QStringDecoder>

namespace parley::server {

namespace {

constexpr int BadRequest = 400;

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decoding of one form-encoded name or value ('+' is a space); nullopt for a bad escape or invalid UTF-8.
std::optional<QString> formDecode(QByteArrayView text)
{
    QByteArray bytes;
    bytes.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            bytes.append(' ');
        } else if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            bytes.append(char(high * 16 + low));
            i += 2;
        } else {
            bytes.append(c);
        }
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString out = utf8.decode(bytes);
    if (utf8.hasError() || out.contains(QChar(0)))
        return std::nullopt;
    return out;
}

} // namespace

BrowserRequest BrowserRequest::parse(QByteArrayView head)
{
    // The rules every request head of parleyd's listeners follows; a browser's may carry one Cookie field besides.
    const metrics::HttpRequestHead h = metrics::parseRequestHead(head);
    BrowserRequest request;
    request.refusal = h.refusal;
    if (!h.ok())
        return request;
    request.method = h.method;
    request.path = h.path;
    request.query = h.query;
    request.minorVersion = h.minorVersion;
    int cookies = 0;
    for (const auto &[name, value] : h.fields) {
        if (name != "cookie")
            continue;
        // RFC 6265 5.4: a user agent sends one Cookie field.
        if (++cookies > 1) {
            BrowserRequest refused;
            refused.refusal = BadRequest;
            return refused;
        }
        request.cookie = value;
    }
    return request;
}

std::optional<QHash<QString, QString>> BrowserRequest::queryParameters(QByteArrayView query)
{
    QHash<QString, QString> out;
    if (query.isEmpty())
        return out;
    qsizetype start = 0;
    while (start <= query.size()) {
        qsizetype end = query.indexOf('&', start);
        if (end < 0)
            end = query.size();
        const QByteArrayView pair = query.sliced(start, end - start);
        if (!pair.isEmpty()) {
            const qsizetype eq = pair.indexOf('=');
            const auto name = formDecode(eq < 0 ? pair : pair.first(eq));
            const auto value = formDecode(eq < 0 ? QByteArrayView() : pair.sliced(eq + 1));
            if (!name || !value || name->isEmpty() || out.contains(*name))
                return std::nullopt;
            out.insert(*name, *value);
        }
        start = end + 1;
    }
    return out;
}

QByteArray BrowserRequest::cookieValue(QByteArrayView cookieField, QByteArrayView name)
{
    qsizetype start = 0;
    while (start < cookieField.size()) {
        qsizetype end = cookieField.indexOf(';', start);
        if (end < 0)
            end = cookieField.size();
        const QByteArrayView pair = trimmed(cookieField.sliced(start, end - start));
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0 && pair.first(eq) == name)
            return pair.sliced(eq + 1).toByteArray();
        start = end + 1;
    }
    return {};
}

} // namespace parley::server
