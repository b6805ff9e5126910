#include "output.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QStringList>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace parley::ctl {

void printOut(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    if (!text.endsWith(u'\n'))
        std::fputc('\n', stdout);
    std::fflush(stdout);
}

int printError(int code, const QString &message)
{
    std::fprintf(stderr, "parleyctl: %s\n", message.toUtf8().constData());
    return code;
}

int exitCodeFor(const QString &error)
{
    if (error == u"unauthorized"_s || error == u"totp_required"_s || error == u"locked_out"_s
        || error == u"password_change_required"_s || error == u"forbidden"_s)
        return ExitAuth;
    if (error == u"not_found"_s)
        return ExitNotFound;
    if (error == u"conflict"_s)
        return ExitConflict;
    if (error == u"bad_request"_s || error == u"invalid_argument"_s || error == u"unknown_call"_s)
        return ExitUsage;
    return ExitOther;
}

QString formatValue(const QString &key, const QCborValue &v)
{
    if ((key == u"at"_s || key.endsWith(u"_at"_s) || key == u"last_seen"_s || key == u"not_before"_s || key == u"not_after"_s)
        && v.isInteger()) {
        return v.toInteger() == 0 ? u"-"_s : QDateTime::fromMSecsSinceEpoch(v.toInteger(), Qt::UTC).toString(Qt::ISODate);
    }
    if (v.isBool())
        return v.toBool() ? u"yes"_s : u"no"_s;
    if (v.isInteger())
        return QString::number(v.toInteger());
    if (v.isString())
        return v.toString();
    if (v.isArray() || v.isMap())
        return QString::fromUtf8(QJsonDocument::fromVariant(v.toVariant()).toJson(QJsonDocument::Compact));
    return v.toVariant().toString();
}

QString table(const QCborArray &rows)
{
    if (rows.isEmpty())
        return u"(none)"_s;
    QStringList columns;
    for (const QCborValue &row : rows) {
        const QCborMap m = row.toMap();
        for (auto it = m.constBegin(); it != m.constEnd(); ++it) {
            if (!columns.contains(it.key().toString()))
                columns << it.key().toString();
        }
    }
    QList<QStringList> cells;
    QList<qsizetype> widths;
    for (const QString &c : columns)
        widths << c.size();
    for (const QCborValue &row : rows) {
        QStringList line;
        const QCborMap m = row.toMap();
        for (qsizetype i = 0; i < columns.size(); ++i) {
            const QString text = m.contains(columns.at(i)) ? formatValue(columns.at(i), m.value(columns.at(i))) : QString();
            widths[i] = std::max(widths[i], text.size());
            line << text;
        }
        cells << line;
    }
    QString out;
    auto emitLine = [&](const QStringList &line) {
        QStringList padded;
        for (qsizetype i = 0; i < line.size(); ++i)
            padded << line.at(i).leftJustified(widths[i]);
        out += padded.join(u"  "_s).trimmed() + u'\n';
    };
    emitLine(columns);
    for (const QStringList &line : cells)
        emitLine(line);
    return out;
}

QString human(const QCborMap &result)
{
    if (result.isEmpty())
        return u"ok"_s;
    QString out;
    QStringList tables;
    for (auto it = result.constBegin(); it != result.constEnd(); ++it) {
        const QString key = it.key().toString();
        const QCborValue v = it.value();
        if (v.isArray() && (v.toArray().isEmpty() || v.toArray().first().isMap())) {
            tables << key + u":\n"_s + table(v.toArray());
        } else if (v.isMap()) {
            QString sub = key + u":\n"_s;
            const QCborMap m = v.toMap();
            for (auto s = m.constBegin(); s != m.constEnd(); ++s)
                sub += u"  %1: %2\n"_s.arg(s.key().toString(), formatValue(s.key().toString(), s.value()));
            tables << sub;
        } else if (key == u"csv"_s || key == u"csr"_s) {
            tables << v.toString();
        } else {
            out += u"%1: %2\n"_s.arg(key, formatValue(key, v));
        }
    }
    return out + tables.join(u'\n');
}

} // namespace parley::ctl
