#pragma once

// Running the command-line programs in the end-to-end tests: `parley` (PARLEY_BINARY) and `parleyd`, their exit
// code and output, and --json output read as one object per line.

#include "harness.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace parley::e2e {

using namespace Qt::StringLiterals;

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
    QStringList lines() const { return out.split(u'\n', Qt::SkipEmptyParts); }
};

inline Run runProgram(const QString &program, const QStringList &args, const QByteArray &passphrase = TestPassphrase)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"PARLEY_PASSPHRASE"_s);
    if (!passphrase.isNull())
        env.insert(u"PARLEY_PASSPHRASE"_s, QString::fromUtf8(passphrase));
    p.setProcessEnvironment(env);
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(WaitMs * 2)) {
        p.kill();
        p.waitForFinished();
        r.err = u"timed out"_s;
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline Run runParley(const QStringList &args, const QByteArray &passphrase = TestPassphrase)
{
    return runProgram(QStringLiteral(PARLEY_BINARY), args, passphrase);
}

inline QList<QJsonObject> jsonLines(const Run &r)
{
    QList<QJsonObject> objects;
    for (const QString &line : r.lines()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return {};
        objects.append(doc.object());
    }
    return objects;
}


// Registers a new device of `user` with `parley register` into the profile directory `profileDir`.
inline bool registerProfile(Daemon &daemon, const QString &profileDir, const QString &user)
{
    const QString code = daemon.enroll(user);
    if (code.isEmpty())
        return false;
    const Run r = runParley({u"--profile"_s, profileDir, u"register"_s, daemon.url().toString(), user, code,
                             u"--fingerprint"_s, daemon.fingerprint()});
    if (r.exitCode != 0)
        qWarning().noquote() << "register failed:" << r.err;
    return r.exitCode == 0;
}

} // namespace parley::e2e
