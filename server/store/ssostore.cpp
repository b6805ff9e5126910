#include "store/ssostore.h"

#include "store/db.h"
#include "store/sql.h"

#include <QSqlDatabase>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

constexpr QStringView Failed = u"a single sign-on statement failed";

std::optional<SsoLink> readLink(const sql::Rows &q)
{
    return SsoLink{q.text(0), q.text(1), q.text(2), q.integer(3)};
}

} // namespace

Result<std::optional<SsoLink>> SsoStore::linkOfName(Db &db, const QString &name)
{
    return sql::queryOne<std::optional<SsoLink>>(
        db.database(), u"SELECT name, issuer, subject, linked_at FROM sso_links WHERE name = ?"_s, {name}, Failed,
        readLink, std::optional<SsoLink>());
}

Result<std::optional<SsoLink>> SsoStore::linkOfSubject(Db &db, const QString &issuer, const QString &subject)
{
    return sql::queryOne<std::optional<SsoLink>>(
        db.database(), u"SELECT name, issuer, subject, linked_at FROM sso_links WHERE issuer = ? AND subject = ?"_s,
        {issuer, subject}, Failed, readLink, std::optional<SsoLink>());
}

Status SsoStore::putLink(Db &db, const SsoLink &link)
{
    return sql::apply(db.database(),
                      u"INSERT INTO sso_links (name, issuer, subject, linked_at) VALUES (?, ?, ?, ?)"_s,
                      {link.name, link.issuer, link.subject, link.linkedAt}, Failed);
}

Result<bool> SsoStore::removeLink(Db &db, const QString &name)
{
    const Result<int> removed = sql::change(db.database(), u"DELETE FROM sso_links WHERE name = ?"_s, {name}, Failed);
    if (!removed)
        return removed.error();
    return *removed > 0;
}

} // namespace parley::server
