#include "relay/proxyheader.h"

#include <QtEndian>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr char V2Signature[] = "\r\n\r\n\0\r\nQUIT\n";
constexpr qsizetype V2SignatureLength = 12;
constexpr qsizetype V2FixedLength = 16;
constexpr QByteArrayView V1Prefix("PROXY ");

ProxyHeader invalid(const QString &why)
{
    ProxyHeader h;
    h.state = ProxyHeader::State::Invalid;
    h.error = why;
    return h;
}

ProxyHeader incomplete()
{
    return {};
}

// A decimal port as version 1 writes it: 1 to 5 digits, no sign, no leading zero, at most 65535.
bool parsePort(QByteArrayView text, quint16 *port)
{
    if (text.isEmpty() || text.size() > 5 || (text.size() > 1 && text.front() == '0'))
        return false;
    uint value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + uint(c - '0');
    }
    if (value > 65535)
        return false;
    *port = quint16(value);
    return true;
}

ProxyHeader parseV1(QByteArrayView bytes)
{
    const qsizetype end = bytes.first(std::min(bytes.size(), ProxyHeader::MaxV1Length)).indexOf("\r\n");
    if (end < 0) {
        if (bytes.size() >= ProxyHeader::MaxV1Length)
            return invalid(u"a version 1 PROXY header longer than 107 bytes"_s);
        if (bytes.contains('\n') || bytes.contains('\0'))
            return invalid(u"a version 1 PROXY header with a line feed or NUL before its CR LF"_s);
        return incomplete();
    }
    // The same refusal whether the line came whole or in pieces (then it was refused before its CR LF came).
    if (bytes.first(end).contains('\n') || bytes.first(end).contains('\0'))
        return invalid(u"a version 1 PROXY header with a line feed or NUL before its CR LF"_s);
    ProxyHeader h;
    h.state = ProxyHeader::State::Done;
    h.version = 1;
    h.length = end + 2;
    const QList<QByteArrayView> fields = [&] {
        QList<QByteArrayView> parts;
        QByteArrayView line = bytes.first(end).sliced(V1Prefix.size());
        qsizetype start = 0;
        for (qsizetype i = 0; i <= line.size(); ++i) {
            if (i == line.size() || line[i] == ' ') {
                parts.append(line.sliced(start, i - start));
                start = i + 1;
            }
        }
        return parts;
    }();
    if (fields.value(0) == "UNKNOWN")
        return h;   // the rest of the line is to be ignored
    const bool v4 = fields.value(0) == "TCP4";
    if (!v4 && fields.value(0) != "TCP6")
        return invalid(u"a version 1 PROXY header with a protocol other than TCP4, TCP6 or UNKNOWN"_s);
    if (fields.size() != 5)
        return invalid(u"a version 1 PROXY header without exactly two addresses and two ports"_s);
    const QHostAddress source(QString::fromLatin1(fields[1]));
    const QHostAddress destination(QString::fromLatin1(fields[2]));
    const auto family = v4 ? QAbstractSocket::IPv4Protocol : QAbstractSocket::IPv6Protocol;
    // QHostAddress also takes forms the header does not allow (scope ids, "1.2.3" shorthand): the text must be the
    // address's own.
    if (source.protocol() != family || destination.protocol() != family || fields[1].contains('%') || fields[2].contains('%')
        || (v4 && (fields[1].count('.') != 3 || fields[2].count('.') != 3)))
        return invalid(u"a version 1 PROXY header with an address that is not %1"_s.arg(v4 ? u"IPv4"_s : u"IPv6"_s));
    quint16 destinationPort = 0;
    if (!parsePort(fields[3], &h.sourcePort) || !parsePort(fields[4], &destinationPort))
        return invalid(u"a version 1 PROXY header with a malformed port"_s);
    h.source = source;
    return h;
}

ProxyHeader parseV2(QByteArrayView bytes)
{
    if (bytes.size() < V2FixedLength)
        return incomplete();
    const auto versionCommand = quint8(bytes[12]);
    if ((versionCommand >> 4) != 2)
        return invalid(u"a PROXY header of version %1 (2 expected after its signature)"_s.arg(versionCommand >> 4));
    const int command = versionCommand & 0x0f;
    if (command > 1)
        return invalid(u"a version 2 PROXY header with the unknown command %1"_s.arg(command));
    const auto familyProtocol = quint8(bytes[13]);
    const qsizetype bodyLength = qFromBigEndian<quint16>(bytes.data() + 14);
    if (V2FixedLength + bodyLength > ProxyHeader::MaxLength)
        return invalid(u"a version 2 PROXY header of %1 bytes (at most %2 are taken)"_s.arg(V2FixedLength + bodyLength).arg(ProxyHeader::MaxLength));
    if (bytes.size() < V2FixedLength + bodyLength)
        return incomplete();

    ProxyHeader h;
    h.state = ProxyHeader::State::Done;
    h.version = 2;
    h.length = V2FixedLength + bodyLength;
    const char *body = bytes.data() + V2FixedLength;
    const int family = familyProtocol >> 4;
    const int transport = familyProtocol & 0x0f;
    if (family > 3 || transport > 2)
        return invalid(u"a version 2 PROXY header with the unknown family and protocol 0x%1"_s.arg(uint(familyProtocol), 2, 16, QChar(u'0')));
    // LOCAL: the proxy's own connection (a health check); an unspecified or Unix family: no client address to take.
    if (command == 0 || family == 0 || family == 3)
        return h;
    if (transport != 1)
        return invalid(u"a version 2 PROXY header for a protocol other than TCP"_s);
    const qsizetype addressLength = family == 1 ? 12 : 36;
    if (bodyLength < addressLength)
        return invalid(u"a version 2 PROXY header too short for its addresses (%1 bytes, %2 needed)"_s.arg(bodyLength).arg(addressLength));
    if (family == 1) {
        h.source = QHostAddress(qFromBigEndian<quint32>(body));
        h.sourcePort = qFromBigEndian<quint16>(body + 8);
    } else {
        h.source = QHostAddress(reinterpret_cast<const quint8 *>(body));
        h.sourcePort = qFromBigEndian<quint16>(body + 32);
    }
    // The TLVs after the addresses (ALPN, authority, unique id, TLS details, checksum) are not needed here; each
    // must still fit in the header.
    for (qsizetype at = addressLength; at < bodyLength;) {
        if (bodyLength - at < 3)
            return invalid(u"a version 2 PROXY header whose last TLV is cut short"_s);
        const qsizetype tlvLength = qFromBigEndian<quint16>(body + at + 1);
        if (bodyLength - at - 3 < tlvLength)
            return invalid(u"a version 2 PROXY header with a TLV longer than the header"_s);
        at += 3 + tlvLength;
    }
    return h;
}

} // namespace

ProxyHeader ProxyHeader::parse(QByteArrayView bytes)
{
    const QByteArrayView signature(V2Signature, V2SignatureLength);
    const qsizetype seen2 = std::min(bytes.size(), V2SignatureLength);
    if (bytes.first(seen2) == signature.first(seen2))
        return bytes.size() < V2SignatureLength ? incomplete() : parseV2(bytes);
    const qsizetype seen1 = std::min(bytes.size(), V1Prefix.size());
    if (bytes.first(seen1) == V1Prefix.first(seen1))
        return bytes.size() < V1Prefix.size() ? incomplete() : parseV1(bytes);
    return invalid(u"no PROXY header where the load balancer's connection must start with one"_s);
}

} // namespace parley::server
