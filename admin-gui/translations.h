#pragma once

#include <QLocale>

namespace parley::admin {

// Installs Qt's own and parley-admin's translations for `locale` into the application (idempotent per process);
// false when parley-admin has no translation for that language (its English one is installed then).
bool installTranslations(const QLocale &locale);

} // namespace parley::admin
