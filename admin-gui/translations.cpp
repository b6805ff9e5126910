#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

using namespace Qt::StringLiterals;

namespace parley::admin {

bool installTranslations(const QLocale &locale)
{
    auto *qt = new QTranslator(QCoreApplication::instance());
    if (qt->load(locale, u"qtbase"_s, u"_"_s, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    // Without a translation for the language, the English one: its plural forms ("1 day", "2 days") are not in the
    // source strings ("%n day(s)").
    auto *own = new QTranslator(QCoreApplication::instance());
    const bool found = own->load(locale, u"parley"_s, u"_"_s, u":/i18n"_s);
    if (!found && !own->load(u"parley_en"_s, u":/i18n"_s)) {
        delete own;
        return false;
    }
    QCoreApplication::installTranslator(own);
    return found;
}

} // namespace parley::admin
