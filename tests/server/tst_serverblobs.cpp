// Attachments against a real parleyd-core instance in this process (real TLS, raw frames): chunked upload and download
// by a recipient device, resumption after a lost connection, refusals (offset, size, quota), who may download, the
// blob's file leaving the disk with its messages or as an orphan (docs/protocol.md, "Attachments"), and the blob
// directory brought together with the database at start (docs/durability.md).

#include "serverfixture.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;
using namespace parley::server::test;

namespace {

constexpr qint64 Chunk = 256 * 1024;

QByteArray pattern(qint64 size, char seed)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        out[i] = char((i * 31 + seed) & 0xff);
    return out;
}

} // namespace

class tst_ServerBlobs : public ServerTest {
    Q_OBJECT

    quint64 m_id = 1000;

    Config blobConfig(const QString &name) const
    {
        Config c = baseConfig(name);
        c.limits.sweepSeconds = 1;
        c.files.maxFile = 3 * Chunk;
        c.files.userQuota = 5 * Chunk;
        return c;
    }

    // blob_start for a new upload; the id, or empty with the error code in `error`.
    QByteArray start(TestClient &c, qint64 size, QString *error = nullptr)
    {
        const quint64 id = ++m_id;
        c.send(Frame(u"blob_start"_s, id).set("size"_L1, size));
        const auto reply = c.reply(id, WaitMs);
        if (error)
            *error = errorCode(reply);
        if (!reply || reply->type != u"blob_started"_s)
            return {};
        return reply->bytes("blob"_L1);
    }

    std::optional<Frame> put(TestClient &c, const QByteArray &blob, qint64 offset, const QByteArray &data)
    {
        const quint64 id = ++m_id;
        c.send(Frame(u"blob_put"_s, id).set("blob"_L1, blob).set("offset"_L1, offset).set("data"_L1, data));
        return c.reply(id, WaitMs);
    }

    bool upload(TestClient &c, const QByteArray &blob, const QByteArray &content)
    {
        for (qint64 offset = 0; offset < content.size(); offset += Chunk) {
            const auto ack = put(c, blob, offset, content.mid(offset, Chunk));
            if (!ack || ack->type != u"blob_ack"_s)
                return false;
            const qint64 next = std::min<qint64>(offset + Chunk, content.size());
            if (qint64(ack->uint("offset"_L1)) != next || ack->boolean("done"_L1) != (next == content.size()))
                return false;
        }
        return true;
    }

    // The whole blob through blob_get, or the error code of the first refusal.
    std::variant<QByteArray, QString> download(TestClient &c, const QByteArray &blob)
    {
        QByteArray out;
        qint64 size = -1;
        while (size < 0 || out.size() < size) {
            const quint64 id = ++m_id;
            c.send(Frame(u"blob_get"_s, id).set("blob"_L1, blob).set("offset"_L1, out.size()));
            const auto data = c.reply(id, WaitMs);
            if (!data || data->type != u"blob_data"_s)
                return errorCode(data);
            size = qint64(data->uint("size"_L1));
            out += data->bytes("data"_L1);
        }
        return out;
    }

    // The error code of a refused download, or "downloaded".
    static QString refusal(const std::variant<QByteArray, QString> &result)
    {
        return std::holds_alternative<QString>(result) ? std::get<QString>(result) : u"downloaded"_s;
    }
    // The downloaded bytes, or "refused: CODE".
    static QByteArray bytesOf(const std::variant<QByteArray, QString> &result)
    {
        return std::holds_alternative<QByteArray>(result) ? std::get<QByteArray>(result)
                                                          : "refused: " + std::get<QString>(result).toUtf8();
    }

    static QString blobFile(const Config &config, const QByteArray &blob)
    {
        return config.dataDir + u"/blobs/"_s + QString::fromLatin1(blob.toHex());
    }
    static QString blobFile(Server &server, const QByteArray &blob) { return blobFile(server.config(), blob); }

    // A message from `from` to `to` (one device each) that references `blobs`; opts as given.
    Frame messageWith(const TestDevice &from, const TestDevice &to, const QList<QByteArray> &blobs, const QCborMap &opts = {})
    {
        Frame f = sendFrame(from, ++m_id, {to.user}, {{to.user, to.number}}, crypto::randomBytes(16));
        f.set("opts"_L1, opts);
        QCborArray ids;
        for (const QByteArray &b : blobs)
            ids.append(b);
        f.set("blobs"_L1, ids);
        return f;
    }

private Q_SLOTS:
    // Upload in chunks, reference it from a message, download it on the recipient's device; others get not_found.
    void uploadReferenceDownload()
    {
        auto server = startServer(blobConfig(u"blobs1"_s));
        QVERIFY(server);
        TestDevice alice = TestDevice::create(u"alice"_s);
        TestDevice bob = TestDevice::create(u"bob"_s);
        TestDevice carol = TestDevice::create(u"carol"_s);
        auto a = enrollAndLogin(*server, alice);
        auto b = enrollAndLogin(*server, bob);
        auto c = enrollAndLogin(*server, carol);
        QVERIFY(a && b && c);

        const QByteArray content = pattern(2 * Chunk + 1234, 'a');
        const QByteArray blob = start(*a, content.size());
        QCOMPARE(blob.size(), 16);
        QVERIFY(QFileInfo::exists(blobFile(*server, blob)));
        QCOMPARE(QFileInfo(blobFile(*server, blob)).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        QVERIFY(upload(*a, blob, content));
        // Before any message references it, only its uploader may read it.
        QCOMPARE(refusal(download(*b, blob)), u"not_found"_s);
        QCOMPARE(bytesOf(download(*a, blob)), content);

        Frame send = messageWith(alice, bob, {blob});
        a->send(send);
        QCOMPARE(errorCode(a->reply(send.id, WaitMs)), u"accepted"_s);
        QVERIFY(b->next(u"msg"_s, WaitMs));
        QCOMPARE(bytesOf(download(*b, blob)), content);
        // Carol got no message referencing it: the same answer as for a blob that does not exist.
        QCOMPARE(refusal(download(*c, blob)), u"not_found"_s);
        QCOMPARE(refusal(download(*c, crypto::randomBytes(16))), u"not_found"_s);
        // Bob cannot reference alice's blob in a message of his own.
        Frame theft = messageWith(bob, carol, {blob});
        b->send(theft);
        QCOMPARE(errorCode(b->reply(theft.id, WaitMs)), u"not_found"_s);
        // Nor can carol take it over as an upload of hers.
        const quint64 id = ++m_id;
        c->send(Frame(u"blob_start"_s, id).set("blob"_L1, blob).set("size"_L1, content.size()));
        QCOMPARE(errorCode(c->reply(id, WaitMs)), u"not_found"_s);
    }

    // The acknowledged offset survives a lost connection; a chunk that does not start there is a conflict; data beyond
    // the declared size is refused.
    void resumeAndOffsets()
    {
        auto server = startServer(blobConfig(u"blobs2"_s));
        QVERIFY(server);
        TestDevice alice = TestDevice::create(u"alice"_s);
        auto a = enrollAndLogin(*server, alice);
        QVERIFY(a);
        const QByteArray content = pattern(2 * Chunk + 10, 'r');
        const QByteArray blob = start(*a, content.size());
        QVERIFY(!blob.isEmpty());
        QCOMPARE(put(*a, blob, 0, content.left(Chunk))->uint("offset"_L1), quint64(Chunk));
        QCOMPARE(errorCode(put(*a, blob, 0, content.left(Chunk))), u"conflict"_s);
        QCOMPARE(errorCode(put(*a, blob, 2 * Chunk, content.mid(2 * Chunk))), u"conflict"_s);
        // A chunk the connection lost before its ack: sent, not waited for.
        a->send(Frame(u"blob_put"_s, ++m_id).set("blob"_L1, blob).set("offset"_L1, Chunk).set("data"_L1, QByteArray(100, 'x')));
        a.reset();

        auto again = login(*server, alice);
        QVERIFY(again);
        // Not started on this connection yet.
        QCOMPARE(errorCode(put(*again, blob, Chunk, content.mid(Chunk, Chunk))), u"not_found"_s);
        const quint64 id = ++m_id;
        again->send(Frame(u"blob_start"_s, id).set("blob"_L1, blob).set("size"_L1, content.size()));
        const auto resumed = again->reply(id, WaitMs);
        QCOMPARE(errorCode(resumed), u"blob_started"_s);
        const qint64 offset = qint64(resumed->uint("offset"_L1));
        QVERIFY2(offset == Chunk || offset == Chunk + 100, qPrintable(QString::number(offset)));
        if (offset == Chunk + 100) {   // the lost chunk made it: the client learns it and goes on from there
            QCOMPARE(QFileInfo(blobFile(*server, blob)).size(), Chunk + 100);
            return;
        }
        QCOMPARE(QFileInfo(blobFile(*server, blob)).size(), Chunk);   // unacknowledged bytes are cut off
        QCOMPARE(put(*again, blob, Chunk, content.mid(Chunk, Chunk))->uint("offset"_L1), quint64(2 * Chunk));
        QCOMPARE(errorCode(put(*again, blob, 2 * Chunk, content.mid(2 * Chunk) + 'x')), u"bad_field"_s);
        const auto last = put(*again, blob, 2 * Chunk, content.mid(2 * Chunk));
        QCOMPARE(errorCode(last), u"blob_ack"_s);
        QVERIFY(last->boolean("done"_L1));
        QCOMPARE(bytesOf(download(*again, blob)), content);
    }

    void limits()
    {
        auto server = startServer(blobConfig(u"blobs3"_s));
        QVERIFY(server);
        TestDevice alice = TestDevice::create(u"alice"_s);
        auto a = enrollAndLogin(*server, alice);
        QVERIFY(a);
        QString error;
        QVERIFY(start(*a, 3 * Chunk + 1, &error).isEmpty());
        QCOMPARE(error, u"quota"_s);   // larger than the per-file limit
        QVERIFY(!start(*a, 3 * Chunk).isEmpty());
        QVERIFY(!start(*a, 2 * Chunk).isEmpty());
        QVERIFY(start(*a, 1, &error).isEmpty());
        QCOMPARE(error, u"quota"_s);   // the user's quota (5 chunks) is used up by the two unfinished uploads
        // At most four unfinished uploads per device.
        TestDevice bob = TestDevice::create(u"bob"_s);
        auto b = enrollAndLogin(*server, bob);
        QVERIFY(b);
        for (int i = 0; i < 4; ++i)
            QVERIFY(!start(*b, 10).isEmpty());
        QVERIFY(start(*b, 10, &error).isEmpty());
        QCOMPARE(error, u"quota"_s);
    }

    // Acked by every recipient: the message goes, and the blob's file with it at the next sweep. An expiring message
    // takes its blob along the same way. Never referenced: swept as an orphan.
    void lifetime()
    {
        Config config = blobConfig(u"blobs4"_s);
        config.files.orphanTtlSeconds = 2;
        auto server = startServer(config);
        QVERIFY(server);
        TestDevice alice = TestDevice::create(u"alice"_s);
        TestDevice bob = TestDevice::create(u"bob"_s);
        auto a = enrollAndLogin(*server, alice);
        auto b = enrollAndLogin(*server, bob);
        QVERIFY(a && b);

        const QByteArray acked = pattern(1000, 'k');
        const QByteArray expiring = pattern(2000, 'e');
        const QByteArray orphan = pattern(3000, 'o');
        QList<QByteArray> ids;
        for (const QByteArray &content : {acked, expiring, orphan}) {
            ids.append(start(*a, content.size()));
            QVERIFY(upload(*a, ids.last(), content));
        }
        Frame first = messageWith(alice, bob, {ids[0]});
        a->send(first);
        QCOMPARE(errorCode(a->reply(first.id, WaitMs)), u"accepted"_s);
        QCborMap opts;
        opts.insert("exp"_L1, 1);
        Frame second = messageWith(alice, bob, {ids[1]}, opts);
        a->send(second);
        QCOMPARE(errorCode(a->reply(second.id, WaitMs)), u"accepted"_s);
        const auto msg = b->next(u"msg"_s, WaitMs);
        QVERIFY(msg);
        QCOMPARE(bytesOf(download(*b, ids[0])), acked);

        // The ack deletes the message; the sweep deletes the blob and its file.
        b->send(Frame(u"ack"_s).set("seqs"_L1, QCborArray{qint64(msg->uint("seq"_L1))}));
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(blobFile(*server, ids[0])), WaitMs);
        QCOMPARE(refusal(download(*b, ids[0])), u"not_found"_s);
        QCOMPARE(refusal(download(*a, ids[0])), u"not_found"_s);
        // Expired (one second after its sent_at) and swept, unacked.
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(blobFile(*server, ids[1])), WaitMs);
        // Referenced by nothing for two seconds.
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(blobFile(*server, ids[2])), WaitMs);
        QCOMPARE(refusal(download(*a, ids[2])), u"not_found"_s);

        // Nothing of the ciphertext is left in any file of the data directory (the blobs are files of their own; the
        // database never held them).
        QDirIterator it(server->config().dataDir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            for (const QByteArray &content : {acked, expiring, orphan})
                QVERIFY2(!bytes.contains(content.left(512)), qPrintable(file.fileName()));
        }
    }

    // At start, before it listens, the server deletes the files in its blob directory that have no row (here one the
    // test puts there while it is stopped), and leaves alone what is not named like a blob file. A blob a message
    // references survives with its file; one whose file went missing keeps its row and is served again once the file
    // is put back; an unfinished upload whose file vanished resumes from its first byte on a new file instead of at
    // its old offset on a file of zeros.
    void scanAtStart()
    {
        const Config config = blobConfig(u"blobs5"_s);
        auto server = startServer(config);
        QVERIFY(server);
        TestDevice alice = TestDevice::create(u"alice"_s);
        TestDevice bob = TestDevice::create(u"bob"_s);
        auto a = enrollAndLogin(*server, alice);
        auto b = enrollAndLogin(*server, bob);
        QVERIFY(a && b);
        const QByteArray content = pattern(2 * Chunk + 5, 's');
        const QByteArray kept = start(*a, content.size());
        QVERIFY(upload(*a, kept, content));
        const QByteArray restored = start(*a, 1000);
        QVERIFY(upload(*a, restored, content.left(1000)));
        Frame send = messageWith(alice, bob, {kept, restored});
        a->send(send);
        QCOMPARE(errorCode(a->reply(send.id, WaitMs)), u"accepted"_s);
        QVERIFY(b->next(u"msg"_s, WaitMs));
        const QByteArray partial = start(*a, 2 * Chunk);
        QCOMPARE(errorCode(put(*a, partial, 0, content.left(Chunk))), u"blob_ack"_s);
        a.reset();
        b.reset();
        QSignalSpy stopped(server.get(), &Server::stopped);
        server->shutdown();
        QVERIFY(stopped.wait(WaitMs));
        server.reset();

        const QString directory = config.dataDir + u"/blobs/"_s;
        const QString stray = directory + QString::fromLatin1(crypto::randomBytes(16).toHex());
        const QStringList others = {directory + u"notes.txt"_s,
                                    directory + QString::fromLatin1(crypto::randomBytes(16).toHex()).toUpper(),
                                    directory + QString::fromLatin1(crypto::randomBytes(15).toHex())};
        const QStringList written = others + QStringList{stray};
        for (const QString &path : written) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("not a blob of this server");
        }
        const QString otherDirectory = directory + QString::fromLatin1(crypto::randomBytes(16).toHex());
        QVERIFY(QDir().mkdir(otherDirectory));
        const QString link = directory + QString::fromLatin1(crypto::randomBytes(16).toHex());
        QVERIFY(QFile::link(others.first(), link));
        QVERIFY(QFile::remove(blobFile(config, partial)));
        const QString backup = config.dataDir + u"/backup"_s;
        QVERIFY(QFile::rename(blobFile(config, restored), backup));

        server = startServer(config);
        QVERIFY(server);
        QVERIFY(!QFileInfo::exists(stray));
        for (const QString &path : others)
            QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        QVERIFY(QFileInfo(otherDirectory).isDir());
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(QFileInfo(blobFile(config, kept)).size(), content.size());

        b = login(*server, bob);
        QVERIFY(b);
        QCOMPARE(bytesOf(download(*b, kept)), content);
        QCOMPARE(refusal(download(*b, restored)), u"not_found"_s);
        QVERIFY(QFile::rename(backup, blobFile(config, restored)));
        QCOMPARE(bytesOf(download(*b, restored)), content.left(1000));
        a = login(*server, alice);
        QVERIFY(a);
        const quint64 id = ++m_id;
        a->send(Frame(u"blob_start"_s, id).set("blob"_L1, partial).set("size"_L1, 2 * Chunk));
        const auto resumed = a->reply(id, WaitMs);
        QCOMPARE(errorCode(resumed), u"blob_started"_s);
        QCOMPARE(resumed->uint("offset"_L1), quint64(0));
        QCOMPARE(QFileInfo(blobFile(config, partial)).size(), 0);
        QVERIFY(upload(*a, partial, content.left(2 * Chunk)));
        QCOMPARE(bytesOf(download(*a, partial)), content.left(2 * Chunk));
    }
};

QTEST_GUILESS_MAIN(tst_ServerBlobs)
#include "tst_serverblobs.moc"
