#include "session.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace parley::ctl {

QString configDir()
{
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + u"/.config"_s;
    return base + u"/parleyctl"_s;
}

QString tokenFile(const QString &server)
{
    QString safe = server;
    safe.replace(u':', u'-').replace(u'[', u'_').replace(u']', u'_').replace(u'/', u'_');
    return configDir() + u"/token-"_s + safe;
}

std::optional<QString> readLine(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray data = f.readAll();
    const qsizetype nl = data.indexOf('\n');
    if (nl >= 0)
        data.truncate(nl);
    if (data.endsWith('\r'))
        data.chop(1);
    return QString::fromUtf8(data);
}

std::optional<QString> readSecretLine(const QString &path)
{
    if (path != u"-"_s)
        return readLine(path);
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray line = in.readLine(4096);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return QString::fromUtf8(line);
}

std::optional<Session> loadSession(const QString &server)
{
    QString target = server;
    if (target.isEmpty()) {
        auto current = readLine(configDir() + u"/current"_s);
        if (!current || current->isEmpty())
            return std::nullopt;
        target = *current;
    }
    QFile f(tokenFile(target));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    Session s{o.value("server"_L1).toString(), o.value("fingerprint"_L1).toString(), o.value("token"_L1).toString(),
              o.value("name"_L1).toString(), o.value("client_cert"_L1).toString(), o.value("client_key"_L1).toString()};
    if (s.server.isEmpty() || s.fingerprint.isEmpty())
        return std::nullopt;
    return s;
}

Status saveSession(const Session &s)
{
    const QString dir = configDir();
    if (!QDir().mkpath(dir) || !QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return makeError(ErrorCode::Io, u"cannot create %1"_s.arg(dir));
    QJsonObject o;
    o.insert("server"_L1, s.server);
    o.insert("fingerprint"_L1, s.fingerprint);
    o.insert("token"_L1, s.token);
    o.insert("name"_L1, s.name);
    if (!s.clientCert.isEmpty()) {
        o.insert("client_cert"_L1, s.clientCert);
        o.insert("client_key"_L1, s.clientKey);
    }
    for (const auto &[path, data] : {std::pair{tokenFile(s.server), QJsonDocument(o).toJson()},
                                     std::pair{dir + u"/current"_s, s.server.toUtf8() + '\n'}}) {
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
            || f.write(data) != data.size() || !f.commit())
            return makeError(ErrorCode::Io, u"cannot write %1"_s.arg(path));
    }
    return {};
}

} // namespace parley::ctl
