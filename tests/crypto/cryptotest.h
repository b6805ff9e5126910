#pragma once

// Helpers of the crypto tests: hex literals, big-endian arithmetic and DER building for hand-made keys, and the
// domain values of the curves with what the tests expect of their encodings.

#include "crypto/crypto.h"

#include <QByteArray>
#include <QTest>

namespace parley::crypto::test {

inline QByteArray hex(const char *text)
{
    return QByteArray::fromHex(QByteArray(text));
}

// Big-endian addition of a small number, for n + 1 and the like.
inline QByteArray plus(QByteArray value, int addend)
{
    int carry = addend;
    for (qsizetype i = value.size() - 1; i >= 0 && carry != 0; --i) {
        const int sum = static_cast<unsigned char>(value[i]) + carry;
        value[i] = char(sum & 0xff);
        carry = sum >> 8;
    }
    return value;
}

inline QByteArray minus(QByteArray value, int subtrahend)
{
    int borrow = subtrahend;
    for (qsizetype i = value.size() - 1; i >= 0 && borrow != 0; --i) {
        int diff = static_cast<unsigned char>(value[i]) - borrow;
        borrow = 0;
        while (diff < 0) {
            diff += 256;
            ++borrow;
        }
        value[i] = char(diff);
    }
    return value;
}

// a - b for big-endian numbers of one length, a >= b.
inline QByteArray difference(const QByteArray &a, const QByteArray &b)
{
    QByteArray out(a.size(), '\0');
    int borrow = 0;
    for (qsizetype i = a.size() - 1; i >= 0; --i) {
        int diff = static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]) - borrow;
        borrow = diff < 0 ? 1 : 0;
        out[i] = char(diff + 256 * borrow);
    }
    return out;
}

inline QByteArray derLength(qsizetype length)
{
    if (length < 0x80)
        return QByteArray(1, char(length));
    QByteArray bytes;
    for (qsizetype l = length; l > 0; l >>= 8)
        bytes.prepend(char(l & 0xff));
    return char(0x80 | bytes.size()) + bytes;
}

inline QByteArray der(unsigned char tag, const QByteArray &content)
{
    return char(tag) + derLength(content.size()) + content;
}

inline QByteArray derUnsigned(const QByteArray &bigEndian)
{
    QByteArray v = bigEndian;
    while (v.size() > 1 && v[0] == 0 && !(static_cast<unsigned char>(v[1]) & 0x80))
        v.remove(0, 1);
    if (static_cast<unsigned char>(v[0]) & 0x80)
        v.prepend('\0');
    return der(0x02, v);
}

// Domain values of the curves (FIPS 186-4 D.1.2.3 and D.1.2.5), big-endian in the scalar size, and what the tests
// expect of their encodings.
struct CurveDomain {
    const char *name;
    QByteArray p, a, b, gx, gy, n;
    QByteArray curveOid;        // DER OBJECT IDENTIFIER of the named curve
    int bits;
    int spkiSize;
    int maxDerSignature;
};

inline const CurveDomain &domain(Curve curve)
{
    static const CurveDomain p256{
        "P-256",
        hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
        hex("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc"),
        hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
        hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
        hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
        hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
        hex("06082a8648ce3d030107"),
        256, 91, 72,
    };
    static const CurveDomain p521{
        "P-521",
        hex("01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
        hex("01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc"),
        hex("0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00"),
        hex("00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66"),
        hex("011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650"),
        hex("01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409"),
        hex("06052b81040023"),
        521, 158, MaxEcdsaP521DerSize,
    };
    return curve == Curve::P256 ? p256 : p521;
}

// AlgorithmIdentifier { id-ecPublicKey, parameters }.
inline QByteArray algorithmIdentifier(const QByteArray &parameters)
{
    return der(0x30, hex("06072a8648ce3d0201") + parameters);
}

// A SubjectPublicKeyInfo with explicit (specifiedCurve) parameters spelling out the curve.
inline QByteArray explicitSpki(const CurveDomain &dom, const QByteArray &point, int cofactor)
{
    const QByteArray primeField = hex("06072a8648ce3d0101");
    const QByteArray fieldId = der(0x30, primeField + derUnsigned(dom.p));
    const QByteArray curve = der(0x30, der(0x04, dom.a) + der(0x04, dom.b));
    const QByteArray generator = der(0x04, '\x04' + dom.gx + dom.gy);
    const QByteArray parameters = der(0x30, derUnsigned(hex("01")) + fieldId + curve + generator + derUnsigned(dom.n)
                                                + derUnsigned(QByteArray(1, char(cofactor))));
    return der(0x30, algorithmIdentifier(parameters) + der(0x03, '\0' + point));
}

inline CurveKey mustGenerate(Curve curve)
{
    auto key = CurveKey::generate(curve);
    if (!key)
        qFatal("%s key generation failed: %s", domain(curve).name, qPrintable(key.error().message));
    return key.value();
}

inline EcKey mustGenerateP521()
{
    auto key = EcKey::generate();
    if (!key)
        qFatal("P-521 key generation failed: %s", qPrintable(key.error().message));
    return key.value();
}

inline void addCurveColumn()
{
    QTest::addColumn<Curve>("curve");
}

// One row a curve.
inline void curveRows()
{
    addCurveColumn();
    for (const Curve curve : {Curve::P256, Curve::P521})
        QTest::newRow(domain(curve).name) << curve;
}

} // namespace parley::crypto::test
