#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <utility>

namespace parley::server {

// One answer of the single sign-on listener to a browser.
struct BrowserResponse {
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;   // besides the ones every answer carries
    QByteArray body;

    // The whole answer: status line, the fixed headers (Connection: close, Cache-Control: no-store, a Content-Security-
    // Policy that allows nothing but the page's own style, no referrer, no framing, no sniffing), `headers`, the body.
    QByteArray serialize() const;
};

// The pages: plain HTML without scripts, images or anything from elsewhere.
namespace ssopages {

QString escape(const QString &text);
// A page with a title and `html` (already escaped) as its content.
BrowserResponse page(int status, const QString &title, const QString &html);
// A refusal: `what` and the way back in plain words (escaped here).
BrowserResponse refusal(int status, const QString &what);
// 302 to `location`, with a cookie to set (may be empty).
BrowserResponse redirect(const QUrl &location, const QByteArray &setCookie);
// The Content-Security-Policy every answer carries.
QByteArray contentSecurityPolicy();
QByteArray reasonPhrase(int status);

} // namespace ssopages

} // namespace parley::server
