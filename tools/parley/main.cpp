#include "cli.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("parley"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PARLEY_VERSION_STRING));

    parley::cli::Cli cli;
    if (const std::optional<int> status = cli.start(QCoreApplication::arguments()))
        return *status;
    QObject::connect(&cli, &parley::cli::Cli::finished, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    return app.exec();
}
