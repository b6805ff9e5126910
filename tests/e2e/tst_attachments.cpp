// Attachments end to end (docs/protocol.md "Attachments"): a real parleyd over real TLS with the real SDK. A file is
// encrypted, uploaded, referenced by a message and downloaded by the recipients, who get exactly its bytes; what
// the server stored holds none of them. A room's members download a room attachment, a stranger who learned its
// file entry cannot. An upload cut off by a killed server resumes from the last acknowledged byte. A damaged blob
// is refused and leaves nothing in the target directory. A blob leaves the server's disk when its message is acked
// by every recipient device (the sender's other devices included), is burned after reading or expires, and not
// while a recipient holds the message unacknowledged.

#include "harness.h"
#include "transfers.h"
#include "roomtest.h"

#include "crypto/crypto.h"
#include "sdk/rooms.h"
#include "sdk/transfers.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

namespace {

// Recognisable plaintext: a marker repeated, with random bytes between, so a copy on the server's disk is found.
QByteArray content(qint64 size, const QByteArray &marker)
{
    QByteArray out;
    out.reserve(size);
    while (out.size() < size)
        out += marker + crypto::randomBytes(64);
    out.truncate(size);
    return out;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}


QString blobFile(const Daemon &daemon, const sdk::FileRef &f)
{
    return QDir(daemon.dataDir()).filePath(u"blobs/"_s + QString::fromLatin1(f.blob.toHex()));
}

const sdk::IncomingMessage *withText(const Device &d, const QString &text)
{
    for (const sdk::IncomingMessage &m : d.inbox) {
        if (m.text == text)
            return &m;
    }
    return nullptr;
}

} // namespace

class TestAttachments : public QObject {
    Q_OBJECT

private:
    Daemon daemon{u"[limits]\nfetch_burst=1000\nsweep_seconds=1\n"_s};
    QTemporaryDir files;

    std::unique_ptr<Device> device(const QString &user)
    {
        auto d = std::make_unique<Device>(daemon, user);
        if (!d->enroll())
            return nullptr;
        return d;
    }

    QString file(const QString &name, const QByteArray &bytes)
    {
        const QString path = files.filePath(name);
        return writeFile(path, bytes) ? path : QString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(daemon.start()); }

    void directAttachments()
    {
        auto alice = device(u"alice"_s), bob = device(u"bob"_s);
        QVERIFY(alice && bob);
        QList<sdk::IncomingMessage> held;
        holdAttachments(*bob, held);

        // A file of odd size, an empty one and one of exactly two chunks.
        const QByteArray big = content(1000003, "DIRECT-MARKER-0f3a");
        const QByteArray exact = content(2 * sdk::FileCipher::DefaultChunk, "EXACT-MARKER-77c1");
        const QStringList paths = {file(u"report.pdf"_s, big), file(u"empty.txt"_s, QByteArray()),
                                   file(u"two-chunks.bin"_s, exact)};
        QList<sdk::FileRef> refs;
        for (const QString &p : paths) {
            const Outcome up = upload(*alice, p);
            QVERIFY2(up.file, qPrintable(up.error));
            QCOMPARE(QFileInfo(blobFile(daemon, *up.file)).size(), qint64(up.file->size));
            refs.append(*up.file);
        }
        QCOMPARE(refs.at(0).length, quint64(big.size()));
        QCOMPARE(refs.at(0).size, quint64(big.size() + 16 * 16));   // 16 chunks of 64 KiB, the last short
        QCOMPARE(refs.at(1).size, quint64(16));                      // one empty chunk: its tag
        QCOMPARE(refs.at(2).size, quint64(exact.size() + 2 * 16));

        bool accepted = false;
        alice->client().send({u"bob"_s}, sdk::MessageContent{u"the files"_s, std::nullopt, refs}, {}, alice.get(),
                             [&](const sdk::SendResult &r) { accepted = std::holds_alternative<sdk::SendAccepted>(r); });
        QTRY_VERIFY_WITH_TIMEOUT(accepted, WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(withText(*bob, u"the files"_s), WaitMs);
        const sdk::IncomingMessage m = *withText(*bob, u"the files"_s);
        QCOMPARE(m.files, refs);
        QCOMPARE(held.size(), 1);

        // Held, the message keeps its blobs on the server through several sweeps.
        QTest::qWait(2500);
        for (const sdk::FileRef &f : refs)
            QVERIFY(QFile::exists(blobFile(daemon, f)));

        QTemporaryDir saveDir;
        const QByteArray expected[] = {big, QByteArray(), exact};
        for (int i = 0; i < refs.size(); ++i) {
            const Outcome got = download(*bob, m.files.at(i), saveDir.path());
            QVERIFY2(got.error.isEmpty(), qPrintable(got.error));
            QCOMPARE(QFileInfo(got.savedPath).fileName(), QFileInfo(paths.at(i)).fileName());
            QCOMPARE(Daemon::readFile(got.savedPath), expected[i]);
            QCOMPARE(QFileInfo(got.savedPath).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        }
        // The same file again gets a name of its own; nothing is overwritten.
        const Outcome again = download(*bob, m.files.at(0), saveDir.path());
        QCOMPARE(QFileInfo(again.savedPath).fileName(), u"report (1).pdf"_s);
        QCOMPARE(QDir(saveDir.path()).entryList(QDir::Files | QDir::Hidden).size(), 4);

        // The server never held the plaintext.
        const QByteArray written = daemon.everythingWritten();
        QVERIFY(!written.contains("DIRECT-MARKER-0f3a"));
        QVERIFY(!written.contains("EXACT-MARKER-77c1"));
        QVERIFY(!written.contains(refs.at(0).key));

        // Acked by its only recipient device, the message goes, and its blobs with it.
        bob->client().releaseAck(m);
        bob->client().flushAcks();
        for (const sdk::FileRef &f : refs)
            QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(blobFile(daemon, f)), WaitMs);
    }

    void roomAttachment()
    {
        auto gina = device(u"gina"_s), hank = device(u"hank"_s), ivy = device(u"ivy"_s), eve = device(u"eve"_s);
        QVERIFY(gina && hank && ivy && eve);
        QList<sdk::IncomingMessage> heldHank, heldIvy;
        holdAttachments(*hank, heldHank);
        holdAttachments(*ivy, heldIvy);
        sdk::Rooms rooms(gina->client());
        const QString room = u"designs"_s;
        auto created = await<protocol::RoomState>([&](QObject *ctx, auto done) {
            rooms.create(room, u"Designs"_s, QString(), std::nullopt, std::nullopt, ctx, done);
        });
        QVERIFY(created && *created);
        for (const QString &u : {u"hank"_s, u"ivy"_s}) {
            auto added = await<protocol::RoomState>([&](QObject *ctx, auto done) {
                rooms.change(room, protocol::RoomOp::Add, u, ctx, done);
            });
            QVERIFY(added && *added);
        }
        const QByteArray bytes = content(300000, "ROOM-MARKER-5e21");
        const Outcome up = upload(*gina, file(u"mockup.png"_s, bytes));
        QVERIFY2(up.file, qPrintable(up.error));
        auto sent = await<QByteArray>([&](QObject *ctx, auto done) {
            rooms.send(room, sdk::MessageContent{u"new mockup"_s, std::nullopt, {*up.file}}, {}, ctx, done);
        });
        QVERIFY(sent && *sent);
        for (Device *d : {hank.get(), ivy.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(withText(*d, u"new mockup"_s), WaitMs);
            const sdk::IncomingMessage m = *withText(*d, u"new mockup"_s);
            QCOMPARE(m.room, room);
            QCOMPARE(m.files.size(), 1);
            QTemporaryDir dir;
            const Outcome got = download(*d, m.files.first(), dir.path());
            QVERIFY2(got.error.isEmpty(), qPrintable(got.error));
            QCOMPARE(Daemon::readFile(got.savedPath), bytes);
        }
        // eve, not in the room, knows the file entry (key and all) but the server does not let her read the blob.
        QTemporaryDir eveDir;
        const Outcome stolen = download(*eve, *up.file, eveDir.path());
        QVERIFY(stolen.savedPath.isEmpty());
        QVERIFY2(stolen.error.contains(u"not on the server"_s), qPrintable(stolen.error));
        QVERIFY(QDir(eveDir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
        QVERIFY(!daemon.everythingWritten().contains("ROOM-MARKER-5e21"));
    }

    void uploadResumesAfterServerKilled()
    {
        auto kate = device(u"kate"_s), liam = device(u"liam"_s);
        QVERIFY(kate && liam);
        const QByteArray bytes = content(6 * 1024 * 1024 + 123, "RESUME-MARKER-a9d0");
        std::unique_ptr<sdk::Upload> u(kate->client().upload(file(u"backup.tar"_s, bytes)));
        qint64 ackedBeforeKill = -1;
        bool finished = false;
        int interruptions = 0;
        QString failure;
        QObject::connect(u.get(), &sdk::Upload::progress, u.get(), [&](qint64 done, qint64) {
            if (ackedBeforeKill < 0 && done >= 1024 * 1024) {
                ackedBeforeKill = done;
                daemon.kill();   // SIGKILL with chunks on their way
            }
        });
        QObject::connect(u.get(), &sdk::Upload::interrupted, u.get(), [&](const QString &) { ++interruptions; });
        QObject::connect(u.get(), &sdk::Upload::finished, u.get(), [&](const sdk::FileRef &) { finished = true; });
        QObject::connect(u.get(), &sdk::Upload::failed, u.get(), [&](const QString &e) { failure = e; });
        QTRY_COMPARE_WITH_TIMEOUT(interruptions, 1, WaitMs);
        QCOMPARE(u->stage(), sdk::Upload::Stage::Interrupted);
        QVERIFY(daemon.start());
        kate->client().connectToServer();
        QTRY_VERIFY_WITH_TIMEOUT(finished || !failure.isEmpty(), WaitMs);
        QVERIFY2(finished, qPrintable(failure));
        // Nothing acknowledged was lost: the server resumed at or after every byte it had acknowledged.
        QVERIFY2(u->resumedAt() >= ackedBeforeKill,
                 qPrintable(u"resumed at %1, %2 acknowledged"_s.arg(u->resumedAt()).arg(ackedBeforeKill)));
        QVERIFY(u->resumedAt() < qint64(u->file().size));

        QVERIFY(liam->connectNow());
        QList<sdk::IncomingMessage> held;
        holdAttachments(*liam, held);
        const sdk::FileRef ref = u->file();
        bool accepted = false;
        kate->client().send({u"liam"_s}, sdk::MessageContent{u"backup"_s, std::nullopt, {ref}}, {}, kate.get(),
                            [&](const sdk::SendResult &r) { accepted = std::holds_alternative<sdk::SendAccepted>(r); });
        QTRY_VERIFY_WITH_TIMEOUT(accepted, WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(withText(*liam, u"backup"_s), WaitMs);
        QTemporaryDir dir;
        const Outcome got = download(*liam, withText(*liam, u"backup"_s)->files.first(), dir.path());
        QVERIFY2(got.error.isEmpty(), qPrintable(got.error));
        QCOMPARE(Daemon::readFile(got.savedPath), bytes);
    }

    void damagedBlobRefused()
    {
        auto mona = device(u"mona"_s), nick = device(u"nick"_s);
        QVERIFY(mona && nick);
        QList<sdk::IncomingMessage> held;
        holdAttachments(*nick, held);
        const QByteArray bytes = content(200000, "DAMAGE-MARKER-11b4");
        const Outcome up = upload(*mona, file(u"contract.odt"_s, bytes));
        QVERIFY2(up.file, qPrintable(up.error));
        bool accepted = false;
        mona->client().send({u"nick"_s}, sdk::MessageContent{u"sign this"_s, std::nullopt, {*up.file}}, {}, mona.get(),
                            [&](const sdk::SendResult &r) { accepted = std::holds_alternative<sdk::SendAccepted>(r); });
        QTRY_VERIFY_WITH_TIMEOUT(accepted, WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(withText(*nick, u"sign this"_s), WaitMs);

        // One bit flipped in the server's copy, in the second chunk.
        QFile blob(blobFile(daemon, *up.file));
        QVERIFY(blob.open(QIODevice::ReadWrite));
        QVERIFY(blob.seek(100000));
        char c = 0;
        QVERIFY(blob.getChar(&c));
        QVERIFY(blob.seek(100000));
        QVERIFY(blob.putChar(char(c ^ 0x01)));
        blob.close();

        QTemporaryDir dir;
        const Outcome got = download(*nick, withText(*nick, u"sign this"_s)->files.first(), dir.path());
        QVERIFY(got.savedPath.isEmpty());
        QVERIFY2(got.error.startsWith(u"integrity:"_s), qPrintable(got.error));
        QVERIFY2(got.error.contains(u"chunk 1"_s), qPrintable(got.error));
        QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());

        // A file entry whose digest is not the blob's: every chunk opens, the digest does not match.
        sdk::FileRef wrongDigest = *up.file;
        wrongDigest.sha256 = crypto::sha256("another file");
        QVERIFY(blob.open(QIODevice::ReadWrite));
        QVERIFY(blob.seek(100000));
        QVERIFY(blob.putChar(c));
        blob.close();
        const Outcome digest = download(*nick, wrongDigest, dir.path());
        QVERIFY2(digest.error.contains(u"SHA-256"_s), qPrintable(digest.error));
        QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
        // The intact blob still downloads.
        const Outcome good = download(*nick, *up.file, dir.path());
        QVERIFY2(good.error.isEmpty(), qPrintable(good.error));
        QCOMPARE(Daemon::readFile(good.savedPath), bytes);
    }

    void burnOnReadErasesTheBlob()
    {
        // The sender's other device gets the copy with the file too; burn-on-read goes after the last ack of all.
        auto quinn1 = device(u"quinn"_s), quinn2 = device(u"quinn"_s), rosa = device(u"rosa"_s);
        QVERIFY(quinn1 && quinn2 && rosa);
        QList<sdk::IncomingMessage> heldQuinn, heldRosa;
        holdAttachments(*quinn2, heldQuinn);
        holdAttachments(*rosa, heldRosa);
        const QByteArray bytes = content(90000, "BURN-MARKER-64d2");
        const Outcome up = upload(*quinn1, file(u"once.txt"_s, bytes));
        QVERIFY2(up.file, qPrintable(up.error));
        protocol::MessageOptions opts;
        opts.burn = true;
        bool accepted = false;
        quinn1->client().send({u"rosa"_s}, sdk::MessageContent{u"read once"_s, std::nullopt, {*up.file}}, opts,
                              quinn1.get(),
                              [&](const sdk::SendResult &r) { accepted = std::holds_alternative<sdk::SendAccepted>(r); });
        QTRY_VERIFY_WITH_TIMEOUT(accepted, WaitMs);
        for (Device *d : {rosa.get(), quinn2.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(withText(*d, u"read once"_s), WaitMs);
            QVERIFY(withText(*d, u"read once"_s)->burnOnRead);
            QTemporaryDir dir;
            const Outcome got = download(*d, withText(*d, u"read once"_s)->files.first(), dir.path());
            QVERIFY2(got.error.isEmpty(), qPrintable(got.error));
            QCOMPARE(Daemon::readFile(got.savedPath), bytes);
        }
        // rosa has read it; quinn's other device still holds its copy: the blob stays.
        rosa->client().releaseAck(heldRosa.first());
        rosa->client().flushAcks();
        QTest::qWait(2500);
        QVERIFY(QFile::exists(blobFile(daemon, *up.file)));
        quinn2->client().releaseAck(heldQuinn.first());
        quinn2->client().flushAcks();
        QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(blobFile(daemon, *up.file)), WaitMs);
        QVERIFY(!daemon.everythingWritten().contains("BURN-MARKER-64d2"));
    }

    void expiryErasesTheBlob()
    {
        auto olga = device(u"olga"_s), pete = device(u"pete"_s);
        QVERIFY(olga && pete);
        pete->close();   // offline: the message waits for him, then expires
        const Outcome up = upload(*olga, file(u"minutes.txt"_s, content(150000, "EXPIRY-MARKER-3c8e")));
        QVERIFY2(up.file, qPrintable(up.error));
        protocol::MessageOptions opts;
        opts.exp = 3;
        bool accepted = false;
        olga->client().send({u"pete"_s}, sdk::MessageContent{u"short-lived"_s, std::nullopt, {*up.file}}, opts,
                            olga.get(),
                            [&](const sdk::SendResult &r) { accepted = std::holds_alternative<sdk::SendAccepted>(r); });
        QTRY_VERIFY_WITH_TIMEOUT(accepted, WaitMs);
        QVERIFY(QFile::exists(blobFile(daemon, *up.file)));
        QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(blobFile(daemon, *up.file)), WaitMs);
        // The uploader cannot fetch it any more either.
        QTemporaryDir dir;
        const Outcome gone = download(*olga, *up.file, dir.path());
        QVERIFY2(gone.error.contains(u"not on the server"_s), qPrintable(gone.error));
    }
};

QTEST_GUILESS_MAIN(TestAttachments)
#include "tst_attachments.moc"
