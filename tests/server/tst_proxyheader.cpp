// The PROXY protocol header parser (server/relay/proxyheader.h), versions 1 and 2, against the examples and rules of
// HAProxy's proxy-protocol.txt: addresses taken, every prefix of a good header incomplete, the TLS bytes after a
// header left alone, and each malformation refused with a reason.

#include "relay/proxyheader.h"

#include <QTest>
#include <QtEndian>

using namespace Qt::StringLiterals;
using namespace parley::server;

namespace {

const QByteArray V2Signature("\r\n\r\n\0\r\nQUIT\n", 12);

QByteArray be16(quint16 value)
{
    QByteArray out(2, Qt::Uninitialized);
    qToBigEndian(value, out.data());
    return out;
}

// A version 2 header: `versionCommand` (0x21 PROXY, 0x20 LOCAL), `familyProtocol` (0x11 TCP over IPv4, 0x21 TCP over
// IPv6) and the body.
QByteArray v2(quint8 versionCommand, quint8 familyProtocol, const QByteArray &body)
{
    return V2Signature + char(versionCommand) + char(familyProtocol) + be16(quint16(body.size())) + body;
}

QByteArray v4Body(const QHostAddress &source, quint16 sourcePort)
{
    QByteArray body(4, Qt::Uninitialized);
    qToBigEndian(source.toIPv4Address(), body.data());
    return body + QByteArray::fromHex("0a00000b") + be16(sourcePort) + be16(443);
}

QByteArray v6Body(const QHostAddress &source, quint16 sourcePort)
{
    const Q_IPV6ADDR a = source.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(a.c), 16) + QByteArray(15, '\0') + '\1' + be16(sourcePort) + be16(443);
}

} // namespace

class TestProxyHeader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("length");      // of the header
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("source");  // empty: none named
        QTest::addColumn<int>("port");

        QTest::newRow("v1 TCP4") << "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"_ba << 47 << 1 << u"192.168.0.1"_s << 56324;
        QTest::newRow("v1 TCP6") << "PROXY TCP6 2001:db8::1 2001:db8::2 65535 8443\r\n"_ba << 47 << 1 << u"2001:db8::1"_s << 65535;
        QTest::newRow("v1 UNKNOWN") << "PROXY UNKNOWN\r\n"_ba << 15 << 1 << QString() << 0;
        QTest::newRow("v1 UNKNOWN with addresses") << "PROXY UNKNOWN ffff:f...f:ffff 0 0 0\r\n"_ba << 37 << 1 << QString() << 0;
        QTest::newRow("v1 port 0") << "PROXY TCP4 10.1.2.3 10.0.0.1 0 443\r\n"_ba << 36 << 1 << u"10.1.2.3"_s << 0;
        const QByteArray four = v4Body(QHostAddress(u"203.0.113.7"_s), 5555);
        QTest::newRow("v2 TCP4") << v2(0x21, 0x11, four) << 28 << 2 << u"203.0.113.7"_s << 5555;
        const QByteArray six = v6Body(QHostAddress(u"2001:db8::42"_s), 40000);
        QTest::newRow("v2 TCP6") << v2(0x21, 0x21, six) << 52 << 2 << u"2001:db8::42"_s << 40000;
        // TLVs: an ALPN (0x01) and a unique id (0x05), skipped.
        const QByteArray tlvs = "\x01"_ba + be16(2) + "h2" + "\x05"_ba + be16(4) + "abcd";
        QTest::newRow("v2 TCP4 with TLVs") << v2(0x21, 0x11, four + tlvs) << 28 + 12 << 2 << u"203.0.113.7"_s << 5555;
        QTest::newRow("v2 LOCAL") << v2(0x20, 0x00, {}) << 16 << 2 << QString() << 0;
        QTest::newRow("v2 LOCAL with addresses") << v2(0x20, 0x11, four) << 28 << 2 << QString() << 0;
        QTest::newRow("v2 PROXY unspecified family") << v2(0x21, 0x00, {}) << 16 << 2 << QString() << 0;
        QTest::newRow("v2 PROXY Unix") << v2(0x21, 0x31, QByteArray(216, 'u')) << 232 << 2 << QString() << 0;
    }

    void parses()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, length);
        QFETCH(int, version);
        QFETCH(QString, source);
        QFETCH(int, port);
        QCOMPARE(bytes.size(), length);
        // The TLS ClientHello that follows the header is not the header's.
        const QByteArray clientHello = QByteArray::fromHex("160301020001000200");
        const ProxyHeader h = ProxyHeader::parse(bytes + clientHello);
        QVERIFY2(h.state == ProxyHeader::State::Done, qPrintable(h.error));
        QCOMPARE(h.length, length);
        QCOMPARE(h.version, version);
        QCOMPARE(h.source, source.isEmpty() ? QHostAddress() : QHostAddress(source));
        QCOMPARE(int(h.sourcePort), port);
        // Every shorter prefix is incomplete: more is to be read, none of it refused.
        for (qsizetype n = 0; n < length; ++n) {
            const ProxyHeader partial = ProxyHeader::parse(bytes.first(n));
            QVERIFY2(partial.state == ProxyHeader::State::Incomplete,
                     qPrintable(u"prefix of %1 bytes: %2"_s.arg(n).arg(partial.error)));
        }
    }

    void refuses_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error");   // a part of the reason

        const QByteArray four = v4Body(QHostAddress(u"203.0.113.7"_s), 5555);
        QTest::newRow("TLS without a header") << QByteArray::fromHex("16030102000100") << u"no PROXY header"_s;
        QTest::newRow("HTTP") << "GET / HTTP/1.1\r\n"_ba << u"no PROXY header"_s;
        QTest::newRow("lower case") << "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n"_ba << u"no PROXY header"_s;
        QTest::newRow("v1 no CR LF in 107 bytes") << "PROXY TCP4 " + QByteArray(120, '1') << u"longer than 107"_s;
        QTest::newRow("v1 bare LF") << "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"_ba << u"line feed"_s;
        QTest::newRow("v1 bare LF, then CR LF") << "PROXY TCP4 1.2.3.4 5.6.7.8 1\n 2\r\n"_ba << u"line feed"_s;
        // Found by fuzz_proxy: refused in pieces, it was taken whole.
        static constexpr char nul[] = "PROXY TCP4 192.168.0.1 3\0003.168.0.11 56 4\r\n";
        QTest::newRow("v1 NUL in an address") << QByteArray(nul, sizeof(nul) - 1) << u"NUL"_s;
        QTest::newRow("v1 UDP4") << "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n"_ba << u"TCP4, TCP6 or UNKNOWN"_s;
        QTest::newRow("v1 missing port") << "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"_ba << u"exactly two addresses"_s;
        QTest::newRow("v1 extra field") << "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"_ba << u"exactly two addresses"_s;
        QTest::newRow("v1 two spaces") << "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"_ba << u"exactly two addresses"_s;
        QTest::newRow("v1 IPv6 in TCP4") << "PROXY TCP4 ::1 ::1 1 2\r\n"_ba << u"not IPv4"_s;
        QTest::newRow("v1 IPv4 in TCP6") << "PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n"_ba << u"not IPv6"_s;
        QTest::newRow("v1 short IPv4") << "PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n"_ba << u"not IPv4"_s;
        QTest::newRow("v1 scope id") << "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"_ba << u"not IPv6"_s;
        QTest::newRow("v1 port too big") << "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"_ba << u"malformed port"_s;
        QTest::newRow("v1 port leading zero") << "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"_ba << u"malformed port"_s;
        QTest::newRow("v1 port sign") << "PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n"_ba << u"malformed port"_s;
        QTest::newRow("v2 version 1") << V2Signature + "\x11\x11"_ba + be16(12) + four << u"version 1"_s;
        QTest::newRow("v2 command 2") << v2(0x22, 0x11, four) << u"unknown command 2"_s;
        QTest::newRow("v2 family 4") << v2(0x21, 0x41, four) << u"unknown family"_s;
        QTest::newRow("v2 UDP") << v2(0x21, 0x12, four) << u"other than TCP"_s;
        QTest::newRow("v2 IPv4 too short") << v2(0x21, 0x11, four.first(11)) << u"too short for its addresses"_s;
        QTest::newRow("v2 IPv6 too short") << v2(0x21, 0x21, four) << u"too short for its addresses"_s;
        QTest::newRow("v2 TLV cut") << v2(0x21, 0x11, four + "\x05\x00"_ba) << u"cut short"_s;
        QTest::newRow("v2 TLV too long") << v2(0x21, 0x11, four + "\x05"_ba + be16(9) + "abc") << u"TLV longer"_s;
        QTest::newRow("v2 too long") << V2Signature + "\x21\x11"_ba + be16(1009) << u"at most 1024"_s;
    }

    void refuses()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        const ProxyHeader h = ProxyHeader::parse(bytes);
        QVERIFY2(h.state == ProxyHeader::State::Invalid, qPrintable(u"state %1"_s.arg(int(h.state))));
        QVERIFY2(h.error.contains(error), qPrintable(h.error));
        QVERIFY(h.source.isNull());
    }
};

QTEST_APPLESS_MAIN(TestProxyHeader)
#include "tst_proxyheader.moc"
