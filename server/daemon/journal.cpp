#include "daemon/journal.h"

#include <QtEndian>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace parley::server {

namespace {

std::atomic<Journal *> g_journal{nullptr};
QtMessageHandler g_before = nullptr;

} // namespace

Journal::Journal(QString socketPath)
{
    const QByteArray path = socketPath.toLocal8Bit();
    m_address.sun_family = AF_UNIX;
    m_addressValid = size_t(path.size()) < sizeof m_address.sun_path;
    if (m_addressValid)
        std::memcpy(m_address.sun_path, path.constData(), size_t(path.size()));
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

Journal::~Journal()
{
    uninstall();
    if (m_fd >= 0)
        ::close(m_fd);
}

QString Journal::defaultSocketPath()
{
    return u"/run/systemd/journal/socket"_s;
}

bool Journal::streamIsJournal(const QByteArray &journalStream, int fd)
{
    const qsizetype colon = journalStream.indexOf(':');
    if (colon <= 0)
        return false;
    bool okDev = false;
    bool okIno = false;
    const qulonglong dev = journalStream.left(colon).toULongLong(&okDev);
    const qulonglong ino = journalStream.mid(colon + 1).toULongLong(&okIno);
    struct stat st {};
    if (!okDev || !okIno || ::fstat(fd, &st) != 0)
        return false;
    return qulonglong(st.st_dev) == dev && qulonglong(st.st_ino) == ino;
}

int Journal::priorityOf(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return 7;
    case QtInfoMsg: return 6;
    case QtWarningMsg: return 4;
    case QtCriticalMsg: return 3;
    case QtFatalMsg: return 2;
    }
    return 6;
}

Journal::Fields Journal::recordFields(QtMsgType type, const char *category, const QString &message)
{
    Fields fields;
    fields.append({"PRIORITY"_ba, QByteArray::number(priorityOf(type))});
    fields.append({"SYSLOG_IDENTIFIER"_ba, "parleyd"_ba});
    const QByteArrayView name(category ? category : "");
    if (name.startsWith("parley.") && name.size() > 7)
        fields.append({"PARLEY_SUBSYSTEM"_ba, name.sliced(7).toByteArray()});
    fields.append({"MESSAGE"_ba, message.toUtf8()});
    return fields;
}

QByteArray Journal::serialise(const Fields &fields)
{
    QByteArray out;
    for (const auto &[key, value] : fields) {
        out.append(key);
        if (!value.contains('\n')) {
            out.append('=');
            out.append(value);
        } else {
            // KEY, newline, the value's length as a little-endian 64-bit integer, the value.
            out.append('\n');
            char length[8];
            qToLittleEndian<quint64>(quint64(value.size()), length);
            out.append(length, sizeof length);
            out.append(value);
        }
        out.append('\n');
    }
    return out;
}

bool Journal::send(QtMsgType type, const char *category, const QString &message)
{
    if (m_fd < 0 || !m_addressValid)
        return false;
    const QByteArray datagram = serialise(recordFields(type, category, message));
    ssize_t sent;
    do {
        sent = ::sendto(m_fd, datagram.constData(), size_t(datagram.size()), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr *>(&m_address), socklen_t(sizeof m_address));
    } while (sent < 0 && errno == EINTR);
    return sent == ssize_t(datagram.size());
}

void Journal::install()
{
    Journal *expected = nullptr;
    if (!g_journal.compare_exchange_strong(expected, this))
        return;
    g_before = qInstallMessageHandler(&Journal::handler);
}

void Journal::uninstall()
{
    Journal *expected = this;
    if (g_journal.compare_exchange_strong(expected, nullptr))
        qInstallMessageHandler(g_before);
}

void Journal::handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    Journal *journal = g_journal.load();
    if (journal && journal->send(type, context.category, message))
        return;
    // Not taken: stderr, which systemd also reads into the journal, with the priority as a "<N>" prefix.
    const QByteArray line = '<' + QByteArray::number(priorityOf(type)) + '>'
                            + qFormatLogMessage(type, context, message).toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace parley::server
