#pragma once

// What the single sign-on tests share: the provider (oidc-provider under node, tests/sso/idp/provider.mjs) with its
// certificate, and a browser driven with HTTP requests (cookies, redirects by hand, the provider's login form).

#include "../e2e/harness.h"

#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QStandardPaths>

namespace parley::e2e {

inline const QString ClientId = u"parley"_s;
inline const QString ClientSecret = u"a client secret for the tests"_s;

struct Page {
    int status = 0;
    QUrl url;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[n, v] : headers) {
            if (n.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        }
        return {};
    }
};

// A browser: cookies, TLS that trusts the provider's certificate and parleyd's pinned one, redirects by hand.
class Browser {
public:
    Browser(const QList<QSslCertificate> &trusted, QString pinned) : m_pinned(std::move(pinned))
    {
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.addCaCertificates(trusted);
        m_network.setCookieJar(new QNetworkCookieJar(&m_network));
        m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    }

    Page request(const QUrl &url, const QByteArray &form = {})
    {
        QNetworkRequest r(url);
        r.setSslConfiguration(m_tls);
        QNetworkReply *reply = form.isNull() ? m_network.get(r)
                                             : (r.setHeader(QNetworkRequest::ContentTypeHeader,
                                                            u"application/x-www-form-urlencoded"_s),
                                                m_network.post(r, form));
        QObject::connect(reply, &QNetworkReply::sslErrors, reply, [this, reply](const QList<QSslError> &) {
            // parleyd's self-signed certificate, by its fingerprint, as `parley register --fingerprint` takes it.
            const QByteArray digest = reply->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256);
            if (QString::fromLatin1(digest.toHex()) == m_pinned)
                reply->ignoreSslErrors();
        });
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(WaitMs);
        Page p;
        p.url = url;
        p.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        p.body = reply->readAll();
        p.headers = reply->rawHeaderPairs();
        if (p.status == 0)
            qWarning() << "request to" << url << "failed:" << reply->errorString();
        reply->deleteLater();
        return p;
    }

    // Follows redirects from `url` until a page that is no redirect, or one to `stopAt`'s host and port (not
    // requested); fills the provider's login form with `login` on the way.
    Page follow(QUrl url, const QString &login, const QUrl &stopAt, QUrl *stoppedAt)
    {
        QByteArray form;
        for (int hop = 0; hop < 20; ++hop) {
            if (stoppedAt && url.host() == stopAt.host() && url.port() == stopAt.port() && hop > 0) {
                *stoppedAt = url;
                return {};
            }
            Page p = request(url, form);
            form = QByteArray();
            if (p.status >= 300 && p.status < 400) {
                url = url.resolved(QUrl::fromEncoded(p.header("Location")));
                continue;
            }
            if (p.status == 200 && url.path().startsWith(u"/interaction/"_s) && p.body.contains("name=\"login\"")) {
                form = "prompt=login&login=" + QUrl::toPercentEncoding(login) + "&password=anything";
                continue;   // the form posts to the same URL
            }
            return p;
        }
        return {};
    }

private:
    QNetworkAccessManager m_network;
    QSslConfiguration m_tls;
    QString m_pinned;
};

// oidc-provider under node, from the directory CMake installed it into (PARLEY_TEST_IDP_DIR).
class Provider {
public:
    ~Provider() { stop(); }

    // `redirectUris`: what the client may be sent back to (several: a listener that moves).
    bool start(const QString &cert, const QString &key, const QList<QUrl> &redirectUris, const QString &keyType, quint16 port)
    {
        const QString node = QStandardPaths::findExecutable(u"node"_s);
        if (node.isEmpty()) {
            qWarning() << "node not found (scripts/deps.sh test)";
            return false;
        }
        m_proc.setProcessChannelMode(QProcess::MergedChannels);
        m_proc.setWorkingDirectory(QStringLiteral(PARLEY_TEST_IDP_DIR));
        m_proc.start(node, {QStringLiteral(PARLEY_TEST_IDP_DIR "/provider.mjs"), QString::number(port), cert, key,
                            uriList(redirectUris), ClientId, ClientSecret, keyType});
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < WaitMs) {
            m_out += m_proc.readAll();
            const QRegularExpressionMatch m = QRegularExpression(u"listening (https://127\\.0\\.0\\.1:\\d+)"_s)
                                                  .match(QString::fromUtf8(m_out));
            if (m.hasMatch()) {
                m_issuer = m.captured(1);
                return true;
            }
            if (m_proc.state() == QProcess::NotRunning && !m_proc.waitForStarted(0))
                break;
            m_proc.waitForReadyRead(100);
        }
        qWarning().noquote() << "the provider did not start:" << m_out << m_proc.readAll();
        return false;
    }

    void stop()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.terminate();
            if (!m_proc.waitForFinished(10000)) {
                m_proc.kill();
                m_proc.waitForFinished(10000);
            }
        }
        m_out.clear();
    }

    QString issuer() const { return m_issuer; }
    static QString uriList(const QList<QUrl> &uris)
    {
        QStringList out;
        for (const QUrl &uri : uris)
            out << uri.toString();
        return out.join(u',');
    }
    quint16 port() const { return quint16(QUrl(m_issuer).port()); }

private:
    QProcess m_proc;
    QByteArray m_out;
    QString m_issuer;
};

inline QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The provider's certificate and key, self-signed for 127.0.0.1 with the openssl command: `dir`/idp.crt, idp.key. The
// certificate (none when it could not be made).
inline QList<QSslCertificate> makeProviderCertificate(const QString &dir)
{
    QProcess openssl;
    openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:P-256"_s,
                                 u"-nodes"_s, u"-keyout"_s, dir + u"/idp.key"_s, u"-out"_s, dir + u"/idp.crt"_s,
                                 u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                                 u"subjectAltName=IP:127.0.0.1"_s});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        return {};
    return QSslCertificate::fromPath(dir + u"/idp.crt"_s);
}

// A sign-in of `login` in `browser` from /sso/start of the listener at `sso` through the provider: the callback URL the
// provider sends the browser back to (not requested), or an empty one when the sign-in did not get there.
inline QUrl toCallback(Browser &browser, const QUrl &sso, const QString &login)
{
    QUrl stoppedAt;
    const Page stopped = browser.follow(sso.resolved(QUrl(u"/sso/start"_s)), login, sso, &stoppedAt);
    if (stoppedAt.isEmpty())
        qWarning().noquote() << "the sign-in did not reach the callback:" << stopped.status << stopped.url << stopped.body.left(2000);
    return stoppedAt;
}

// The enrollment code on the page the callback answered with.
inline QString codeOn(const Page &page)
{
    return QRegularExpression(u"<code id=\"code\">([0-9A-Z-]+)</code>"_s).match(QString::fromUtf8(page.body)).captured(1);
}

} // namespace parley::e2e
