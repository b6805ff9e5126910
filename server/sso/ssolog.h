#pragma once

#include <QLoggingCategory>

namespace parley::server {

// parley.sso: single sign-on for enrollment (docs/operations.md "Single sign-on"): the listener, the provider's
// metadata and keys, refused logins by reason. Never a code, token, secret, claim value or user name: who got an
// enrollment code is in the audit log.
Q_DECLARE_LOGGING_CATEGORY(lcSso)

} // namespace parley::server
