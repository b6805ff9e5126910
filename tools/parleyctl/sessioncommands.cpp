// `parleyctl login | passwd | logout | status`: the administrator's own session.

#include "commands.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace parley::ctl {

bool loginCommand(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    if (a.size() != 2)
        return false;
    const Options &o = inv.options;
    const QString name = a.at(1);
    QString target = inv.value(o.server);
    QString fp = inv.value(o.fingerprint);
    if (target.isEmpty() || fp.isEmpty()) {
        auto loaded = loadSession(target);
        if (!loaded)
            return inv.fail(ExitUsage, u"login needs --server HOST:PORT and --fingerprint HEX the first time"_s);
        target = loaded->server;
        if (fp.isEmpty())
            fp = loaded->fingerprint;
        inv.session.clientCert = loaded->clientCert;
        inv.session.clientKey = loaded->clientKey;
    }
    auto pw = inv.password(o.passwordFile, "PARLEYCTL_PASSWORD", u"Password for %1: "_s.arg(name));
    if (!pw)
        return inv.fail(ExitUsage, u"no password: use --password-file, PARLEYCTL_PASSWORD or a terminal"_s);
    QCborMap args{{u"name"_s, name}, {u"password"_s, *pw}};
    if (inv.isSet(o.totp))
        args.insert(u"totp"_s, inv.value(o.totp));
    if (const QString bad = Invocation::validate(u"login"_s, args); !bad.isEmpty())
        return inv.fail(ExitUsage, bad);
    inv.connect(target, fp, [&inv, target, fp, name, args] {
        inv.call(u"login"_s, args, [&inv, target, fp, name](const AdminReply &reply) {
            if (!reply.ok())
                return inv.finishWith(reply, {});
            Session s{target, TlsPin::fromString(fp).toHex(), reply.result().value("token"_L1).toString(), name,
                      inv.session.clientCert, inv.session.clientKey};
            if (inv.isSet(inv.options.clientCert)) {
                s.clientCert = QFileInfo(inv.value(inv.options.clientCert)).absoluteFilePath();
                s.clientKey = QFileInfo(inv.value(inv.options.clientKey)).absoluteFilePath();
            }
            if (Status st = saveSession(s); !st) {
                inv.fail(ExitOther, st.error().message);
                return;
            }
            inv.finishWith(reply, [](const QCborMap &r) {
                if (r.value("must_change_password"_L1).toBool())
                    printOut(u"logged in; this account must choose a new password first: parleyctl passwd"_s);
                else
                    printOut(u"logged in until %1"_s.arg(formatValue(u"expires_at"_s, r.value("expires_at"_L1))));
            });
        });
    });
    return true;
}

bool passwdCommand(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    if (a.size() != 1)
        return false;
    auto current = inv.password(inv.options.passwordFile, "PARLEYCTL_PASSWORD", u"Current password: "_s);
    if (!current)
        return inv.fail(ExitUsage, u"no current password: use --password-file, PARLEYCTL_PASSWORD or a terminal"_s);
    auto next = inv.newPassword();
    if (!next)
        return inv.fail(ExitUsage, u"no new password (or the two entries differ): use --new-password-file, PARLEYCTL_NEW_PASSWORD or a terminal"_s);
    const QCborMap args{{u"password"_s, *current}, {u"new_password"_s, *next}};
    return inv.run(u"password.change"_s, args, [&inv](const QCborMap &r) {
        inv.session.token = r.value("token"_L1).toString();
        if (Status st = saveSession(inv.session); !st)
            printOut(u"password changed, but the new token could not be saved: %1"_s.arg(st.error().message));
        else
            printOut(u"password changed"_s);
    });
}

bool logoutCommand(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    if (a.size() != 1)
        return false;
    return inv.run(u"logout"_s, {}, [](const QCborMap &) { printOut(u"logged out"_s); });
}

// The figures as "key: value" lines, then the nodes (one line each: id, state, devices, last heartbeat, version; "*"
// marks the one answering), then the warnings, most severe first: severity, code and since when, and the server's
// sentence on a line of its own (--json has every field of each).
bool statusCommand(Invocation &inv, const QStringList &a, QCborMap /*common*/)
{
    if (a.size() != 1)
        return false;
    return inv.run(u"status"_s, {}, [](const QCborMap &r) {
        QCborMap figures = r;
        figures.remove("warnings"_L1);
        figures.remove("nodes"_L1);
        const QCborArray warnings = r.value("warnings"_L1).toArray();
        QString out = human(figures);
        const QCborArray nodes = r.value("nodes"_L1).toArray();
        if (!nodes.isEmpty()) {
            out += u"nodes:\n"_s;
            for (const QCborValue &v : nodes) {
                const QCborMap n = v.toMap();
                QString line = u"  %1%2  %3"_s.arg(n.value("self"_L1).toBool() ? u"*"_s : u" "_s,
                                                   n.value("id"_L1).toString(), n.value("state"_L1).toString());
                if (n.contains("connected_devices"_L1))
                    line += u"  %1 devices"_s.arg(n.value("connected_devices"_L1).toInteger());
                if (n.contains("last_heartbeat_at"_L1))
                    line += u"  heartbeat %1"_s.arg(formatValue(u"last_heartbeat_at"_s, n.value("last_heartbeat_at"_L1)));
                if (n.contains("version"_L1))
                    line += u"  %1"_s.arg(n.value("version"_L1).toString());
                out += line + u'\n';
            }
        }
        if (warnings.isEmpty()) {
            out += u"warnings: none\n"_s;
        } else {
            out += u"warnings:\n"_s;
            for (const QCborValue &v : warnings) {
                const QCborMap w = v.toMap();
                out += u"  %1  %2  since %3\n    %4\n"_s.arg(w.value("severity"_L1).toString().toUpper(),
                                                          w.value("code"_L1).toString(),
                                                          formatValue(u"since_at"_s, w.value("since"_L1)),
                                                          w.value("message"_L1).toString());
            }
        }
        printOut(out);
    });
}

} // namespace parley::ctl
