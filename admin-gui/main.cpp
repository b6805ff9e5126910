// parley-admin: the desktop administration app of a Parley server.

#include "appicon.h"
#include "mainwindow.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLocale>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"Parley"_s);
    QApplication::setApplicationName(u"parley-admin"_s);
    QApplication::setApplicationVersion(QStringLiteral(PARLEY_VERSION_STRING));
    QApplication::setApplicationDisplayName(u"Parley Admin"_s);
    QApplication::setDesktopFileName(u"parley-admin"_s);
    QApplication::setWindowIcon(parley::admin::applicationIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Administration of a Parley messaging server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption lang(u"lang"_s, QApplication::translate("main", "User interface language (en, de); default: the system's."),
                                  u"language"_s);
    parser.addOption(lang);
    parser.process(app);

    const QLocale locale = parser.isSet(lang) ? QLocale(parser.value(lang)) : QLocale::system();
    if (parser.isSet(lang) && locale.language() == QLocale::C) {
        std::fprintf(stderr, "parley-admin: unknown language '%s'\n", qPrintable(parser.value(lang)));
        return 2;
    }
    QLocale::setDefault(locale);
    parley::admin::installTranslations(locale);

    parley::admin::MainWindow window;
    window.start();
    return app.exec();
}
