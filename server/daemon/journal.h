#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QtGlobal>

#include <sys/un.h>

namespace parley::server {

// Log records for systemd's journal in its native protocol (one datagram per record on
// /run/systemd/journal/socket; https://systemd.io/JOURNAL_NATIVE_PROTOCOL/), so that `journalctl` sees each record's
// priority and subsystem as fields: PRIORITY (syslog level), SYSLOG_IDENTIFIER=parleyd, PARLEY_SUBSYSTEM (the
// logging category without "parley.": relay, store, admin, push, server, crypto) and MESSAGE. Debian's Qt is built
// without its own journald support, and libsystemd is not needed for this.
//
// parleyd uses it when systemd started it with stderr connected to the journal (JOURNAL_STREAM names stderr's
// device and inode); otherwise, and for any record the journal does not take, it writes to stderr as before.
class Journal
{
public:
    using Fields = QList<QPair<QByteArray, QByteArray>>;

    explicit Journal(QString socketPath = defaultSocketPath());
    ~Journal();
    Journal(const Journal &) = delete;
    Journal &operator=(const Journal &) = delete;

    static QString defaultSocketPath();
    // True when JOURNAL_STREAM ("device:inode") names the file that fd is open on.
    static bool streamIsJournal(const QByteArray &journalStream, int fd);
    // syslog priority of a Qt message type: debug 7, info 6, warning 4, critical 3, fatal 2.
    static int priorityOf(QtMsgType type);
    // The fields of one record: PRIORITY, SYSLOG_IDENTIFIER, PARLEY_SUBSYSTEM (when the category is parley.*),
    // MESSAGE.
    static Fields recordFields(QtMsgType type, const char *category, const QString &message);
    // The native protocol's serialisation: KEY=value lines, and the length-prefixed form for values with a newline.
    static QByteArray serialise(const Fields &fields);

    // Sends one record; false when the journal did not take it (no socket, too large, journald gone).
    bool send(QtMsgType type, const char *category, const QString &message);

    // Routes Qt's messages to the journal (records it refuses go to stderr); uninstall restores the handler before.
    void install();
    void uninstall();

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message);

    sockaddr_un m_address{};
    bool m_addressValid = false;
    int m_fd = -1;
};

} // namespace parley::server
