#pragma once

// The `parley` command-line client: register, send, receive, room, whoami, trust, push. One command per run; the
// command runs in the event loop and finished() reports the exit status. Each command is a class of its own
// (registercommand.h, sendcommand.h, ...) on a Session (session.h); this class parses the options and picks the
// command from its table.

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace parley::cli {

class Cli : public QObject {
    Q_OBJECT
public:
    explicit Cli(QObject *parent = nullptr);
    ~Cli() override;

    // Parses the arguments and starts the command. Returns the exit status when the command finished at once
    // (--help, --version, usage errors, whoami); otherwise finished() follows.
    std::optional<int> start(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    class Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::cli
