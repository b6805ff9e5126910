#include "directory/syncplan.h"

#include "protocol/frame.h"
#include "store/adminstore.h"
#include "store/db.h"
#include "store/roomstore.h"

#include <QCborArray>
#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

using Action = SyncChange::Action;

// DNs compared without case and without spaces around separators ("CN=A, DC=x" is "cn=a,dc=x").
QString normalDn(const QString &dn)
{
    static const QRegularExpression spaces(u"\\s*([,=+])\\s*"_s);
    QString out = dn.trimmed().toLower();
    out.replace(spaces, u"\\1"_s);
    return out;
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QStringList sorted(QSet<QString> set)
{
    QStringList out(set.cbegin(), set.cend());
    out.sort();
    return out;
}

} // namespace

QString SyncChange::actionName(Action action)
{
    switch (action) {
    case Action::Create: return u"create"_s;
    case Action::Link: return u"link"_s;
    case Action::Suspend: return u"suspend"_s;
    case Action::Resume: return u"resume"_s;
    case Action::Missing: return u"missing"_s;
    case Action::Returned: return u"returned"_s;
    case Action::Delete: return u"delete"_s;
    case Action::RevokeCodes: return u"revoke_codes"_s;
    case Action::Unlink: return u"unlink"_s;
    }
    return {};
}

Result<SyncPlan> planSync(Db &db, const DirectorySnapshot &snapshot, const DirectoryConfig &config, qint64 now)
{
    SyncPlan plan;
    plan.at = now;
    plan.entries = int(snapshot.users.size());
    plan.groups = int(snapshot.groups.size());
    plan.pages = snapshot.pages;

    auto users = AdminStore(db).users({});
    if (!users)
        return users.error();
    QHash<QString, UserSummary> enrolled;
    for (const UserSummary &u : std::as_const(*users)) {
        if (u.enrolled)
            enrolled.insert(u.name, u);
    }
    auto pending = DirectoryStore::pendingNames(db, now);
    if (!pending)
        return pending.error();
    auto linkRows = DirectoryStore::links(db);
    if (!linkRows)
        return linkRows.error();
    QHash<QString, DirectoryLink> links;
    for (const DirectoryLink &l : std::as_const(*linkRows))
        links.insert(l.name, l);

    // The directory's side: one usable, unambiguous name per entry.
    QHash<QString, const DirectoryEntry *> byName;
    QSet<QString> ambiguous;
    QHash<QString, QString> firstRaw;
    for (const DirectoryEntry &entry : snapshot.users) {
        if (entry.names.size() != 1) {
            plan.skipped.append({entry.dn, entry.names.join(u", "_s),
                                 entry.names.isEmpty() ? u"no %1 value"_s.arg(config.nameAttribute)
                                                       : u"several %1 values"_s.arg(config.nameAttribute)});
            continue;
        }
        const QString raw = entry.names.first();
        const QString name = raw.toLower();
        if (!protocol::isValidUserName(name)) {
            plan.skipped.append({entry.dn, raw, u"not a Parley user name (1 to 64 of a-z 0-9 . _ -, starting with a letter "
                                                "or digit; upper case is read as lower case)"_s});
            continue;
        }
        if (protocol::isBotName(name)) {
            plan.skipped.append({entry.dn, raw, u"a name ending in .bot is a bot's (bots.create), never a person's"_s});
            continue;
        }
        if (ambiguous.contains(name) || byName.contains(name)) {
            if (const DirectoryEntry *first = byName.take(name))
                plan.skipped.append({first->dn, firstRaw.value(name), u"another entry has the same user name"_s});
            ambiguous.insert(name);
            plan.skipped.append({entry.dn, raw, u"another entry has the same user name"_s});
            continue;
        }
        byName.insert(name, &entry);
        firstRaw.insert(name, raw);
    }
    if (byName.isEmpty() && ambiguous.isEmpty() && !links.isEmpty())
        return makeError(ErrorCode::Unavailable,
                         u"the directory returned no usable user entry while %1 users are linked to it; nothing changed "
                         "(check base_dn, user_filter and name_attribute)"_s.arg(links.size()));

    auto change = [&plan](Action action, const QString &name, const QString &dn, const QString &displayName,
                          const QString &reason) {
        plan.changes.append(SyncChange{action, name, dn, displayName, reason, {}, 0, false});
    };

    QStringList names = byName.keys();
    names.sort();
    for (const QString &name : std::as_const(names)) {
        const DirectoryEntry &entry = *byName.value(name);
        const auto link = links.constFind(name);
        const bool linked = link != links.cend();
        const bool isEnrolled = enrolled.contains(name);
        const bool suspended = isEnrolled && enrolled.value(name).suspended;
        const bool isPending = !isEnrolled && pending->contains(name);
        DirectoryLink next{name, entry.dn, entry.displayName, linked && link->suspendedBySync, 0, linked ? link->linkedAt : now, now};
        if ((isEnrolled || isPending) && !linked)
            change(Action::Link, name, entry.dn, entry.displayName, u"an existing Parley user of this name"_s);
        if (entry.disabled) {
            if (isEnrolled) {
                if (!suspended) {
                    change(Action::Suspend, name, entry.dn, entry.displayName, u"disabled in the directory"_s);
                    next.suspendedBySync = true;
                }
                plan.put.append(next);
            } else if (isPending) {
                change(Action::RevokeCodes, name, entry.dn, entry.displayName, u"disabled in the directory before enrolling"_s);
                if (linked)
                    plan.remove.append(name);
            } else if (linked) {
                change(Action::Unlink, name, entry.dn, entry.displayName, u"no longer a Parley user"_s);
                plan.remove.append(name);
            }
            continue;
        }
        if (isEnrolled) {
            if (suspended && linked && link->suspendedBySync) {
                change(Action::Resume, name, entry.dn, entry.displayName,
                       link->missingSince ? u"back in the directory"_s : u"enabled in the directory"_s);
                next.suspendedBySync = false;
            } else if (linked && link->missingSince) {
                change(Action::Returned, name, entry.dn, entry.displayName, u"back in the directory"_s);
            }
        } else if (!isPending) {
            change(Action::Create, name, entry.dn, entry.displayName,
                   linked ? u"linked, but neither a user nor a pending code in Parley (deleted, or the code expired unused)"_s
                          : u"new in the directory"_s);
            next.suspendedBySync = false;
        }
        plan.put.append(next);
    }

    // Linked users the directory no longer has.
    QStringList gone;
    for (auto it = links.cbegin(); it != links.cend(); ++it) {
        if (!byName.contains(it.key()) && !ambiguous.contains(it.key()))
            gone << it.key();
    }
    gone.sort();
    const qint64 graceMs = config.graceSeconds * 1000;
    for (const QString &name : std::as_const(gone)) {
        const DirectoryLink &link = links[name];
        const bool isEnrolled = enrolled.contains(name);
        if (isEnrolled) {
            DirectoryLink next = link;
            next.syncedAt = now;
            if (link.missingSince == 0) {
                next.missingSince = now;
                const bool suspend = !enrolled.value(name).suspended;
                next.suspendedBySync = link.suspendedBySync || suspend;
                change(Action::Missing, name, link.dn, link.displayName,
                       u"no longer in the directory: %1, deleted at %2 unless it returns"_s
                           .arg(suspend ? u"suspended"_s : u"already suspended"_s, isoTime(now + graceMs)));
                plan.changes.last().alreadySuspended = !suspend;
            }
            if (now - next.missingSince >= graceMs) {
                change(Action::Delete, name, link.dn, link.displayName,
                       u"missing from the directory since %1"_s.arg(isoTime(next.missingSince)));
                plan.remove.append(name);
            } else {
                plan.waiting.append({name, next.missingSince + graceMs});
                plan.put.append(next);
            }
        } else if (pending->contains(name)) {
            change(Action::RevokeCodes, name, link.dn, link.displayName, u"no longer in the directory, before enrolling"_s);
            plan.remove.append(name);
        } else {
            change(Action::Unlink, name, link.dn, link.displayName, u"no longer in the directory nor in Parley"_s);
            plan.remove.append(name);
        }
    }

    // Mapped groups against their rooms: reported, since only a room admin's device can change a room.
    QHash<QString, QString> nameOfDn;
    QSet<QString> directoryNames;
    for (auto it = byName.cbegin(); it != byName.cend(); ++it) {
        nameOfDn.insert(normalDn(it.value()->dn), it.key());
        directoryNames.insert(it.key());
    }
    for (const DirectoryLink &l : std::as_const(*linkRows))
        directoryNames.insert(l.name);
    for (const DirectoryRoomMapping &mapping : config.rooms) {
        RoomDifference d{mapping.group, mapping.room, {}, {}, {}};
        const DirectoryGroup *group = nullptr;
        for (const DirectoryGroup &g : snapshot.groups) {
            if (g.name.compare(mapping.group, Qt::CaseInsensitive) == 0 || normalDn(g.dn) == normalDn(mapping.group)) {
                group = &g;
                break;
            }
        }
        if (!group) {
            d.problem = u"no such group in the directory (group_filter, group_name_attribute)"_s;
            plan.rooms.append(d);
            continue;
        }
        QSet<QString> wanted;
        for (const QString &member : group->members) {
            QString name = nameOfDn.value(normalDn(member));
            if (name.isEmpty() && byName.contains(member.toLower()))
                name = member.toLower();
            if (!name.isEmpty() && !byName.value(name)->disabled)
                wanted.insert(name);
        }
        auto state = roomstore::state(db, mapping.room);
        if (!state && state.error().code != ErrorCode::NotFound)
            return state.error();
        QSet<QString> members;
        if (state) {
            for (auto it = state->members.cbegin(); it != state->members.cend(); ++it)
                members.insert(it.key());
        } else {
            d.problem = u"no such room: a member creates it (parley room create), then adds the missing users"_s;
        }
        d.missing = sorted(wanted - members);
        d.extra = sorted((members & directoryNames) - wanted);
        plan.rooms.append(d);
    }
    return plan;
}

Result<QList<qint64>> applySync(Db &db, SyncPlan &plan, const DirectoryConfig &config, const QString &actor, qint64 now)
{
    AdminStore admin(db);
    QList<qint64> drop;
    const qint64 validMs = qint64(config.validHours) * 3600 * 1000;
    for (SyncChange &c : plan.changes) {
        switch (c.action) {
        case Action::Create: {
            auto code = db.createEnrollCode(c.name, validMs);
            if (!code)
                return code.error();
            c.code = *code;
            c.expiresAt = now + validMs;
            break;
        }
        case Action::Suspend:
        case Action::Missing: {
            if (c.alreadySuspended)
                break;
            auto devices = admin.setSuspended(c.name, true);
            if (!devices)
                return devices.error();
            drop += *devices;
            break;
        }
        case Action::Resume: {
            if (auto devices = admin.setSuspended(c.name, false); !devices)
                return devices.error();
            break;
        }
        case Action::Delete: {
            auto devices = admin.deleteUser(c.name);
            if (!devices)
                return devices.error();
            drop += *devices;
            break;
        }
        case Action::RevokeCodes: {
            if (auto revoked = DirectoryStore::revokePendingCodes(db, c.name); !revoked)
                return revoked.error();
            break;
        }
        case Action::Link:
        case Action::Returned:
        case Action::Unlink:
            break;
        }
        const AuditRecord record{0, now, actor, u"directory."_s + SyncChange::actionName(c.action), c.name, u"ok"_s};
        if (Status s = admin.appendAudit(record); !s)
            return s.error();
    }
    for (const DirectoryLink &link : std::as_const(plan.put)) {
        if (Status s = DirectoryStore::putLink(db, link); !s)
            return s.error();
    }
    for (const QString &name : std::as_const(plan.remove)) {
        if (Status s = DirectoryStore::removeLink(db, name); !s)
            return s.error();
    }
    return drop;
}

QCborMap reportMap(const SyncPlan &plan, bool dryRun, bool withCodes)
{
    QCborArray changes;
    QMap<Action, int> counts;
    for (const SyncChange &c : plan.changes) {
        if (!c.alreadySuspended)
            ++counts[c.action];
        QCborMap m;
        m.insert("name"_L1, c.name);
        m.insert("action"_L1, SyncChange::actionName(c.action));
        m.insert("dn"_L1, c.dn);
        m.insert("display_name"_L1, c.displayName);
        m.insert("reason"_L1, c.reason);
        if (withCodes && !c.code.isEmpty()) {
            m.insert("code"_L1, c.code);
            m.insert("expires_at"_L1, c.expiresAt);
        }
        changes.append(m);
    }
    QCborArray skipped;
    for (const SyncSkip &s : plan.skipped)
        skipped.append(QCborMap{{u"dn"_s, s.dn}, {u"value"_s, s.value}, {u"reason"_s, s.reason}});
    QCborArray waiting;
    for (const SyncWaiting &w : plan.waiting)
        waiting.append(QCborMap{{u"name"_s, w.name}, {u"delete_at"_s, w.deleteAt}});
    QCborArray rooms;
    for (const RoomDifference &d : plan.rooms) {
        QCborMap m{{u"group"_s, d.group}, {u"room"_s, d.room}, {u"missing"_s, QCborArray::fromStringList(d.missing)},
                   {u"extra"_s, QCborArray::fromStringList(d.extra)}};
        if (!d.problem.isEmpty())
            m.insert("problem"_L1, d.problem);
        rooms.append(m);
    }
    QCborMap m;
    m.insert("dry_run"_L1, dryRun);
    m.insert("at"_L1, plan.at);
    m.insert("entries"_L1, plan.entries);
    m.insert("groups"_L1, plan.groups);
    m.insert("pages"_L1, plan.pages);
    m.insert("created"_L1, counts.value(Action::Create));
    m.insert("suspended"_L1, counts.value(Action::Suspend) + counts.value(Action::Missing));
    m.insert("resumed"_L1, counts.value(Action::Resume));
    m.insert("deleted"_L1, counts.value(Action::Delete));
    m.insert("changes"_L1, changes);
    m.insert("skipped"_L1, skipped);
    m.insert("waiting"_L1, waiting);
    m.insert("rooms"_L1, rooms);
    return m;
}

} // namespace parley::server
