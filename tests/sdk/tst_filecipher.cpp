// The attachment encryption (sdk/filecipher.h) and the plaintext's file entry (sdk/content.h): round trips at the
// chunk boundaries, and every way a ciphertext can be cut, reordered, extended, damaged or paired with the wrong
// entry is refused; a file entry is decoded strictly.

#include "crypto/crypto.h"
#include "sdk/content.h"
#include "sdk/filecipher.h"

#include <QCborArray>
#include <QCryptographicHash>
#include <QTest>

using namespace parley;
using namespace parley::sdk;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 Chunk = FileCipher::MinChunk;   // small chunks: many of them in a small file

QByteArray encryptAll(const FileCipher &c, const QByteArray &plain)
{
    QByteArray out;
    for (qint64 i = 0; i < c.chunks(); ++i)
        out += c.seal(i, plain.mid(i * c.chunk(), c.plainChunkSize(i))).value();
    return out;
}

QByteArray digest(const QByteArray &bytes) { return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256); }

// Decrypts `ciphertext` fed in pieces of `piece` bytes; the plaintext, or the first error's message.
Result<QByteArray> decryptAll(const FileCipher &c, const QByteArray &ciphertext, const QByteArray &sha, qsizetype piece)
{
    FileDecryptor d(c, sha);
    QByteArray out;
    for (qsizetype at = 0; at < ciphertext.size(); at += piece) {
        Result<QByteArray> part = d.feed(ciphertext.mid(at, piece));
        if (!part)
            return part.error();
        out += part.value();
    }
    if (Status s = d.finish(); !s)
        return s.error();
    return out;
}

// A plaintext {"body": "x", "files": files, "pad"} padded to a multiple of 64 bytes.
QByteArray padded(const QCborValue &files)
{
    QCborMap plain;
    plain.insert(u"body"_s, u"x"_s);
    plain.insert(u"files"_s, files);
    QByteArray out;
    for (int pad = 0; out.isEmpty() || out.size() % 64 != 0; ++pad) {
        plain.insert(u"pad"_s, QByteArray(pad, '\0'));
        out = plain.toCborValue().toCbor();
    }
    return out;
}

FileRef sampleRef()
{
    FileRef f;
    f.blob = QByteArray(16, 'b');
    f.length = 100000;
    f.chunk = quint64(FileCipher::DefaultChunk);
    f.size = quint64(FileCipher::ciphertextSize(100000, FileCipher::DefaultChunk));
    f.name = u"report.pdf"_s;
    f.type = u"application/pdf"_s;
    f.key = QByteArray(32, 'k');
    f.prefix = QByteArray(7, 'p');
    f.sha256 = QByteArray(32, 's');
    return f;
}

} // namespace

class TestFileCipher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<qint64>("length");
        QTest::addColumn<int>("piece");
        for (qint64 length : {qint64(0), qint64(1), Chunk - 1, Chunk, Chunk + 1, 3 * Chunk, 5 * Chunk + 17}) {
            for (int piece : {1, 7, 1040, 100000})
                QTest::addRow("%lld bytes in pieces of %d", length, piece) << length << piece;
        }
    }
    void roundTrip()
    {
        QFETCH(qint64, length);
        QFETCH(int, piece);
        const QByteArray plain = crypto::randomBytes(int(length));
        const FileCipher c = FileCipher::generate(length, Chunk);
        const QByteArray ct = encryptAll(c, plain);
        QCOMPARE(qint64(ct.size()), c.ciphertextSize());
        QCOMPARE(qint64(ct.size()), length + qMax<qint64>(1, (length + Chunk - 1) / Chunk) * FileCipher::TagSize);
        const Result<QByteArray> back = decryptAll(c, ct, digest(ct), piece);
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back.value(), plain);
    }

    void deterministic()
    {
        // Resuming an upload re-encrypts a chunk: the same key and prefix give the same bytes.
        const FileCipher c = FileCipher::generate(3 * Chunk, Chunk);
        const QByteArray plain = crypto::randomBytes(int(3 * Chunk));
        QCOMPARE(encryptAll(c, plain), encryptAll(FileCipher(c.key(), c.prefix(), c.length(), c.chunk()), plain));
        // ... and another key other bytes.
        QVERIFY(encryptAll(FileCipher::generate(3 * Chunk, Chunk), plain) != encryptAll(c, plain));
    }

    void tamperingRefused_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bit flipped") << u"flip"_s << u"chunk 2 of the file is damaged"_s;
        QTest::newRow("chunks swapped") << u"swap"_s << u"chunk 1 of the file is damaged"_s;
        QTest::newRow("last chunk dropped, length kept") << u"drop"_s << u"ended after"_s;
        QTest::newRow("cut to the first chunks, length claimed shorter") << u"truncate"_s << u"chunk 1 of the file is damaged"_s;
        QTest::newRow("a chunk appended") << u"append"_s << u"longer than its file entry"_s;
        QTest::newRow("other digest") << u"digest"_s << u"SHA-256"_s;
        QTest::newRow("other key") << u"key"_s << u"chunk 0 of the file is damaged"_s;
    }
    void tamperingRefused()
    {
        QFETCH(QString, how);
        QFETCH(QString, expected);
        const qint64 length = 4 * Chunk;   // four full chunks, the fourth the final one
        const QByteArray plain = crypto::randomBytes(int(length));
        FileCipher c = FileCipher::generate(length, Chunk);
        QByteArray ct = encryptAll(c, plain);
        QByteArray sha = digest(ct);
        const qint64 sealed = Chunk + FileCipher::TagSize;
        if (how == u"flip"_s) {
            ct[int(2 * sealed + 5)] = char(ct.at(int(2 * sealed + 5)) ^ 0x20);
            sha = digest(ct);
        } else if (how == u"swap"_s) {
            ct = ct.mid(0, sealed) + ct.mid(2 * sealed, sealed) + ct.mid(sealed, sealed) + ct.mid(3 * sealed);
            sha = digest(ct);
        } else if (how == u"drop"_s) {
            ct.chop(sealed);
            sha = digest(ct);
        } else if (how == u"truncate"_s) {
            // The first two chunks served as a whole file of two chunks: the second was not sealed as the final one.
            ct = ct.left(2 * sealed);
            c = FileCipher(c.key(), c.prefix(), 2 * Chunk, Chunk);
            sha = digest(ct);
            QByteArray back;
            FileDecryptor d(c, sha);
            Result<QByteArray> first = d.feed(ct.left(sealed));
            QVERIFY(first);   // chunk 0 is not final in either file
            Result<QByteArray> second = d.feed(ct.mid(sealed));
            QVERIFY(!second);
            QVERIFY2(second.error().message.contains(expected), qPrintable(second.error().message));
            return;
        } else if (how == u"append"_s) {
            ct += ct.right(sealed);
            sha = digest(ct);
        } else if (how == u"digest"_s) {
            sha = digest("something else");
        } else if (how == u"key"_s) {
            c = FileCipher::generate(length, Chunk);
        }
        const Result<QByteArray> back = decryptAll(c, ct, sha, 1000);
        QVERIFY(!back);
        QVERIFY2(back.error().message.contains(expected), qPrintable(back.error().message));
    }

    void chunkSizes()
    {
        QVERIFY(FileCipher::isValidChunk(FileCipher::DefaultChunk));
        QVERIFY(FileCipher::isValidChunk(FileCipher::MinChunk));
        QVERIFY(FileCipher::isValidChunk(FileCipher::MaxChunk));
        QVERIFY(!FileCipher::isValidChunk(FileCipher::MinChunk / 2));
        QVERIFY(!FileCipher::isValidChunk(FileCipher::MaxChunk * 2));
        QVERIFY(!FileCipher::isValidChunk(65535));
        QVERIFY(!FileCipher::isValidChunk(0));
    }

    void fileEntryRoundTrip()
    {
        const FileRef f = sampleRef();
        const Result<FileRef> back = FileRef::fromCbor(f.toCbor());
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back.value(), f);

        MessageContent content{u"the report"_s, std::nullopt, {f, f}};
        const Result<QByteArray> plain = content.encode();
        QVERIFY(plain);
        const Result<MessageContent> decoded = MessageContent::decode(plain.value());
        QVERIFY(decoded);
        QCOMPARE(decoded->files, content.files);
        QCOMPARE(decoded->text, content.text);

        content.files = QList<FileRef>(FileRef::MaxFiles + 1, f);
        QVERIFY(!content.encode());
    }

    void fileEntryRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QCborValue>("value");   // undefined: the key removed
        QTest::newRow("blob short") << u"blob"_s << QCborValue(QByteArray(15, 'b'));
        QTest::newRow("blob text") << u"blob"_s << QCborValue(u"bbbbbbbbbbbbbbbb"_s);
        QTest::newRow("blob missing") << u"blob"_s << QCborValue();
        QTest::newRow("key long") << u"key"_s << QCborValue(QByteArray(33, 'k'));
        QTest::newRow("iv 12 bytes") << u"iv"_s << QCborValue(QByteArray(12, 'p'));
        QTest::newRow("sha256 missing") << u"sha256"_s << QCborValue();
        QTest::newRow("size off by one") << u"size"_s << QCborValue(qint64(100000 + 2 * 16 + 1));
        QTest::newRow("size negative") << u"size"_s << QCborValue(qint64(-1));
        QTest::newRow("len other") << u"len"_s << QCborValue(qint64(99999));
        QTest::newRow("len text") << u"len"_s << QCborValue(u"100000"_s);
        QTest::newRow("chunk not a power of two") << u"chunk"_s << QCborValue(qint64(65535));
        QTest::newRow("chunk too large") << u"chunk"_s << QCborValue(qint64(2 * 1024 * 1024));
        QTest::newRow("name empty") << u"name"_s << QCborValue(QString());
        QTest::newRow("name too long") << u"name"_s << QCborValue(QString(256, u'n'));
        QTest::newRow("name bytes") << u"name"_s << QCborValue(QByteArray("report.pdf"));
        QTest::newRow("type empty") << u"type"_s << QCborValue(QString());
        QTest::newRow("type too long") << u"type"_s << QCborValue(QString(128, u't'));
        QTest::newRow("unknown key") << u"extra"_s << QCborValue(1);
    }
    void fileEntryRefused()
    {
        QFETCH(QString, key);
        QFETCH(QCborValue, value);
        QCborMap map = sampleRef().toCbor();
        if (value.isUndefined())
            map.remove(key);
        else
            map.insert(key, value);
        const Result<FileRef> f = FileRef::fromCbor(map);
        QVERIFY(!f);
        QVERIFY(f.error().message.startsWith(u"file entry: "_s));
        // ... and a message carrying it is refused as a whole (bad_plaintext), not shown without the file.
        QVERIFY(!MessageContent::decode(padded(QCborArray{map})));
        QCborMap good = sampleRef().toCbor();
        QVERIFY(MessageContent::decode(padded(QCborArray{good})));
    }

    void fileListRefused()
    {
        QCborArray seventeen;
        for (int i = 0; i < 17; ++i)
            seventeen.append(sampleRef().toCbor());
        QVERIFY(MessageContent::decode(padded(QCborArray{sampleRef().toCbor()})));   // the control: one is fine
        for (const QCborValue &files : {QCborValue(QCborArray()), QCborValue(sampleRef().toCbor()), QCborValue(seventeen)})
            QVERIFY(!MessageContent::decode(padded(files)));
    }
};

QTEST_GUILESS_MAIN(TestFileCipher)
#include "tst_filecipher.moc"
