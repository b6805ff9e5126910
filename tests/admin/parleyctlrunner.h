#pragma once

// Runs the parleyctl binary the way an administrator does, with a configuration home of its own (where parleyctl
// keeps its token file and the remembered server). The including test target defines PARLEYCTL_BINARY.

#include "../e2e/harness.h"

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTemporaryDir>

namespace parley::e2e {

class ParleyctlRunner {
public:
    bool isValid() const { return m_home.isValid(); }
    QString filePath(const QString &name) const { return m_home.filePath(name); }

    // Writes `password` and a newline into a 0600 file in the home, for --password-file; empty on failure.
    QString passwordFile(const QString &password, const QString &name = QStringLiteral("pw")) const
    {
        QFile file(m_home.filePath(name));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner)
            || file.write(password.toUtf8() + '\n') < 0)
            return {};
        return file.fileName();
    }

    // `parleyctl ARGS`: its exit code, or -1 when it did not finish in time. Standard output and error go to `out`
    // and `err` when given.
    int run(const QStringList &args, QByteArray *out = nullptr, QByteArray *err = nullptr) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
        env.remove(QStringLiteral("PARLEYCTL_PASSWORD"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PARLEYCTL_BINARY), args);
        if (!p.waitForFinished(WaitMs))
            return -1;
        if (out)
            *out = p.readAllStandardOutput();
        if (err)
            *err = p.readAllStandardError();
        return p.exitCode();
    }

private:
    QTemporaryDir m_home;
};

} // namespace parley::e2e
