#pragma once

#include "core/result.h"

#include <QString>

#include <optional>

namespace parley::server {

class Db;

// The account at an OpenID provider a Parley user name is linked to (table sso_links, schema version 11): the
// provider's issuer and the account's subject ("sub"), the only claims OpenID Connect Core 5.7 lets a client rely on
// as a stable identifier. The first single sign-on for a name links it; later ones must come from the same account.
struct SsoLink {
    QString name;
    QString issuer;
    QString subject;
    qint64 linkedAt = 0;   // ms
};

// Single sign-on's table over a Db's connection (docs/operations.md "Single sign-on"). Writes run on the writer
// thread inside Store::write (or writeSync).
class SsoStore {
public:
    static Result<std::optional<SsoLink>> linkOfName(Db &db, const QString &name);
    static Result<std::optional<SsoLink>> linkOfSubject(Db &db, const QString &issuer, const QString &subject);
    static Status putLink(Db &db, const SsoLink &link);
    // Whether there was a link to remove.
    static Result<bool> removeLink(Db &db, const QString &name);
};

} // namespace parley::server
