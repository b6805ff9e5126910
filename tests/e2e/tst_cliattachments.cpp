// Attachments with the parley CLI against a real parleyd: `parley send --file` and `parley receive --save-dir` as a
// user runs them. Files arrive byte for byte under their names; without --save-dir they go to the profile's
// attachments directory. A `send` killed mid-upload resumes in the next run from where the server stood; a
// `receive` killed mid-download leaves nothing in the directory and the message comes again; a file over the
// server's limit is refused with a clear error; bad paths are usage errors.

#include "clirun.h"
#include "harness.h"

#include "crypto/crypto.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <csignal>

using namespace parley;
using namespace parley::e2e;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 MaxFile = 50'000'000;

QByteArray randomFile(const QString &path, qint64 size)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (qint64 left = size; left > 0;) {
        const QByteArray block = crypto::randomBytes(int(qMin<qint64>(left, 1 << 20)));
        f.write(block);
        hash.addData(block);
        left -= block.size();
    }
    return hash.result();
}

QByteArray hashOf(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&f);
    return hash.result();
}

// Starts `parley ARGS` and SIGKILLs it once a progress line on stderr reaches 10 % to 60 %. Returns what it wrote.
QString killMidway(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"PARLEY_PASSPHRASE"_s, QString::fromUtf8(TestPassphrase));
    p.setProcessEnvironment(env);
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(QStringLiteral(PARLEY_BINARY), args);
    static const QRegularExpression midway(u"\\(([1-5]\\d)%\\)"_s);
    QString err;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < WaitMs && p.state() != QProcess::NotRunning) {
        p.waitForReadyRead(20);
        err += QString::fromUtf8(p.readAllStandardError());
        if (midway.match(err).hasMatch()) {
            ::kill(pid_t(p.processId()), SIGKILL);
            break;
        }
    }
    p.waitForFinished(10000);
    err += QString::fromUtf8(p.readAllStandardError());
    return err;
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

} // namespace

class TestCliAttachments : public QObject {
    Q_OBJECT

private:
    Daemon daemon{u"[limits]\nsweep_seconds=1\n\n[files]\nmax_file_bytes=%1\n"_s.arg(MaxFile)};
    QTemporaryDir dir;

    QString profile(const QString &name) const { return dir.filePath(u"profiles/"_s + name); }
    QString path(const QString &name) const { return dir.filePath(name); }
    Run parley(const QString &who, const QStringList &args) { return runParley(QStringList{u"--profile"_s, profile(who)} + args); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        QVERIFY(QDir().mkpath(dir.filePath(u"profiles"_s)));
        QVERIFY(daemon.start());
        QVERIFY(registerProfile(daemon, profile(u"alice"_s), u"alice"_s));
        QVERIFY(registerProfile(daemon, profile(u"bob"_s), u"bob"_s));
    }

    void sendAndSave()
    {
        const QByteArray hash = randomFile(path(u"notes.txt"_s), 700001);
        const Run send = parley(u"alice"_s, {u"send"_s, u"bob"_s, u"--file"_s, path(u"notes.txt"_s), u"with notes"_s});
        QVERIFY2(send.exitCode == 0, qPrintable(send.err));
        QVERIFY(QRegularExpression(u"^[0-9a-f]{32}\\n$"_s).match(send.out).hasMatch());
        QVERIFY2(send.err.contains(u"uploading notes.txt: 683.6 KiB of 683.8 KiB"_s) || send.err.contains(u"(100%)"_s),
                 qPrintable(send.err));

        QTemporaryDir saveDir;
        const Run recv = parley(u"bob"_s, {u"receive"_s, u"--json"_s, u"--save-dir"_s, saveDir.path()});
        QVERIFY2(recv.exitCode == 0, qPrintable(recv.err));
        const QList<QJsonObject> messages = jsonLines(recv);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.first().value(u"text"_s).toString(), u"with notes"_s);
        const QJsonArray files = messages.first().value(u"files"_s).toArray();
        QCOMPARE(files.size(), 1);
        const QJsonObject f = files.first().toObject();
        QCOMPARE(f.value(u"name"_s).toString(), u"notes.txt"_s);
        QCOMPARE(f.value(u"size"_s).toInteger(), 700001);
        QCOMPARE(f.value(u"saved"_s).toString(), QDir(saveDir.path()).filePath(u"notes.txt"_s));
        QCOMPARE(hashOf(f.value(u"saved"_s).toString()), hash);
        QCOMPARE(entries(saveDir.path()), QStringList{u"notes.txt"_s});

        // Files alone, no text; saved to the profile's attachments directory, shown in the human form.
        const QByteArray a = randomFile(path(u"a.bin"_s), 1000);
        const QByteArray b = randomFile(path(u"b.bin"_s), 0);
        const Run two = parley(u"alice"_s, {u"send"_s, u"bob"_s, u"--file"_s, path(u"a.bin"_s), u"--file"_s, path(u"b.bin"_s)});
        QVERIFY2(two.exitCode == 0, qPrintable(two.err));
        const Run human = parley(u"bob"_s, {u"receive"_s});
        QVERIFY2(human.exitCode == 0, qPrintable(human.err));
        const QString attachments = QDir(profile(u"bob"_s)).filePath(u"attachments"_s);
        QVERIFY2(human.out.contains(u"  file a.bin (1000 bytes) saved to %1/a.bin"_s.arg(attachments)), qPrintable(human.out));
        QVERIFY2(human.out.contains(u"  file b.bin (0 bytes) saved to %1/b.bin"_s.arg(attachments)), qPrintable(human.out));
        QCOMPARE(hashOf(attachments + u"/a.bin"_s), a);
        QCOMPARE(hashOf(attachments + u"/b.bin"_s), b);
        QCOMPARE(QFileInfo(attachments).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::ExeOther),
                 QFile::Permissions());
        // Acked once saved: nothing comes again.
        QVERIFY(parley(u"bob"_s, {u"receive"_s}).out.isEmpty());
    }

    void killedSendResumes()
    {
        const QByteArray hash = randomFile(path(u"big.bin"_s), 40'000'000);
        const QStringList args = {u"--profile"_s, profile(u"alice"_s), u"send"_s, u"bob"_s, u"--file"_s, path(u"big.bin"_s),
                                  u"the big one"_s};
        const QString first = killMidway(args);
        QVERIFY2(first.contains(u"uploading big.bin"_s), qPrintable(first));
        const Run again = runParley(args);
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        static const QRegularExpression resumed(u"resuming big.bin at ([0-9.]+) MiB of 38.2 MiB"_s);
        const QRegularExpressionMatch m = resumed.match(again.err);
        QVERIFY2(m.hasMatch() && m.captured(1).toDouble() > 0, qPrintable(again.err));

        // A receive killed mid-download leaves nothing behind and does not ack: the next run saves the file.
        QTemporaryDir saveDir;
        const QString cut = killMidway({u"--profile"_s, profile(u"bob"_s), u"receive"_s, u"--save-dir"_s, saveDir.path()});
        QVERIFY2(cut.contains(u"downloading big.bin"_s), qPrintable(cut));
        QCOMPARE(entries(saveDir.path()), QStringList());
        const Run recv = parley(u"bob"_s, {u"receive"_s, u"--json"_s, u"--save-dir"_s, saveDir.path()});
        QVERIFY2(recv.exitCode == 0, qPrintable(recv.err));
        const QList<QJsonObject> messages = jsonLines(recv);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.first().value(u"text"_s).toString(), u"the big one"_s);
        QCOMPARE(entries(saveDir.path()), QStringList{u"big.bin"_s});
        QCOMPARE(hashOf(saveDir.filePath(u"big.bin"_s)), hash);
    }

    void refusals()
    {
        // Over the server's per-file limit: refused with the server's reason, nothing sent.
        QFile big(path(u"huge.iso"_s));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(MaxFile + 1));
        big.close();
        const Run tooBig = parley(u"alice"_s, {u"send"_s, u"bob"_s, u"--file"_s, path(u"huge.iso"_s), u"iso"_s});
        QCOMPARE(tooBig.exitCode, 1);
        QVERIFY2(tooBig.err.contains(u"the server refused the attachment"_s), qPrintable(tooBig.err));
        QVERIFY(tooBig.out.isEmpty());
        QVERIFY(parley(u"bob"_s, {u"receive"_s}).out.isEmpty());

        const Run missing = parley(u"alice"_s, {u"send"_s, u"bob"_s, u"--file"_s, path(u"nope"_s), u"x"_s});
        QVERIFY(missing.exitCode != 0);
        QVERIFY2(missing.err.contains(u"no such file"_s), qPrintable(missing.err));
        const Run notDir = parley(u"bob"_s, {u"receive"_s, u"--save-dir"_s, path(u"nope"_s)});
        QCOMPARE(notDir.exitCode, 2);
        QVERIFY2(notDir.err.contains(u"not a directory"_s), qPrintable(notDir.err));
        const Run wrongCommand = parley(u"bob"_s, {u"receive"_s, u"--file"_s, path(u"a.bin"_s)});
        QCOMPARE(wrongCommand.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliAttachments)
#include "tst_cliattachments.moc"
