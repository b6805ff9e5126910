#pragma once

#include <QLoggingCategory>

namespace parley::server {

// parley.directory: the directory (LDAP, Active Directory) sync. Counts and outcomes only: never the bind password,
// enrollment codes, the directory's address or its entries.
Q_DECLARE_LOGGING_CATEGORY(lcDirectory)

} // namespace parley::server
