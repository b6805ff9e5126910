#include "output.h"

#include <QByteArray>
#include <QDateTime>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace parley::cli {

void writeLine(FILE *stream, const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

QString oneLine(QString text)
{
    text.replace(u'\n', u' ').replace(u'\r', u' ');
    return text;
}

QString formatBytes(qint64 bytes)
{
    if (bytes < 1024)
        return u"%1 bytes"_s.arg(bytes);
    const char *units[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes) / 1024.0;
    int unit = 0;
    while (value >= 1024.0 && unit < 3) {
        value /= 1024.0;
        ++unit;
    }
    return u"%1 %2"_s.arg(value, 0, 'f', 1).arg(QLatin1StringView(units[unit]));
}

ProgressLine::ProgressLine(QString label) : m_label(std::move(label)), m_tty(::isatty(STDERR_FILENO) == 1) {}

void ProgressLine::update(qint64 done, qint64 total)
{
    const int percent = total > 0 ? int(done * 100 / total) : 100;
    const QString text = u"%1: %2 of %3 (%4%)"_s.arg(m_label, formatBytes(done), formatBytes(total)).arg(percent);
    if (m_tty) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (done < total && now - m_lastDrawMs < 200)
            return;
        m_lastDrawMs = now;
        const QByteArray bytes = "\r\x1b[K" + text.toUtf8();
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
        std::fflush(stderr);
        m_open = true;
        if (done >= total)
            close();
        return;
    }
    const int tenth = total > 0 ? int(done * 10 / total) : 10;
    if (tenth == m_lastTenth)
        return;
    m_lastTenth = tenth;
    writeLine(stderr, text);
}

void ProgressLine::close()
{
    if (!m_open)
        return;
    m_open = false;
    writeLine(stderr, QString());
}

} // namespace parley::cli
