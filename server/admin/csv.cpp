#include "admin/csv.h"

using namespace Qt::StringLiterals;

namespace parley::server::csv {

namespace {

Error malformed(qsizetype line, const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, u"line %1: %2"_s.arg(line).arg(what));
}

// The parser's position: the text, the next character and the current line.
struct Reader {
    QStringView text;
    qsizetype at = 0;
    qsizetype line = 1;

    bool atEnd() const { return at >= text.size(); }
    QChar peek(qsizetype ahead = 0) const { return at + ahead < text.size() ? text.at(at + ahead) : QChar(); }
    // A line break here: LF or CRLF; its length, 0 when none.
    qsizetype lineBreak() const { return peek() == u'\n' ? 1 : (peek() == u'\r' && peek(1) == u'\n') ? 2 : 0; }
};

// A quoted field, from its opening quote to the character after its closing quote.
Result<QString> quotedField(Reader &r)
{
    const qsizetype startLine = r.line;
    QString value;
    ++r.at;
    while (!r.atEnd()) {
        const QChar c = r.peek();
        if (c == u'"') {
            if (r.peek(1) != u'"') {
                ++r.at;
                return value;
            }
            value += u'"';
            r.at += 2;
            continue;
        }
        if (c == u'\n')
            ++r.line;
        value += c;
        ++r.at;
    }
    return malformed(startLine, u"unterminated quoted field"_s);
}

// An unquoted field, up to the next comma, line break or the end.
Result<QString> plainField(Reader &r)
{
    const qsizetype start = r.at;
    while (!r.atEnd() && r.peek() != u',' && r.lineBreak() == 0) {
        if (r.peek() == u'"')
            return malformed(r.line, u"a quote inside an unquoted field (quote the field and double the quote)"_s);
        if (r.peek() == u'\r')
            return malformed(r.line, u"a carriage return not followed by a line feed"_s);
        ++r.at;
    }
    return r.text.sliced(start, r.at - start).toString();
}

} // namespace

QString field(const QString &value)
{
    // A byte order mark at the start of a document is skipped by parse(): a field starting with one is quoted, or
    // it would lose that character when it comes first.
    if (!value.contains(u',') && !value.contains(u'"') && !value.contains(u'\n') && !value.contains(u'\r')
        && !value.startsWith(QChar(0xfeff)))
        return value;
    QString quoted = value;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u"\""_s + quoted + u"\""_s;
}

QString record(const QStringList &fields)
{
    QStringList out;
    out.reserve(fields.size());
    for (const QString &f : fields)
        out << field(f);
    return out.join(u',') + u'\n';
}

Result<QList<Record>> parse(QStringView text)
{
    Reader r{text};
    if (r.peek() == QChar(0xfeff))
        ++r.at;
    QList<Record> records;
    while (!r.atEnd()) {
        Record rec{r.line, {}};
        for (;;) {
            auto value = r.peek() == u'"' ? quotedField(r) : plainField(r);
            if (!value)
                return value.error();
            rec.fields << *value;
            if (r.peek() == u',') {
                ++r.at;
                continue;
            }
            if (const qsizetype n = r.lineBreak()) {
                r.at += n;
                ++r.line;
            } else if (!r.atEnd()) {
                return malformed(r.line, u"text after a closing quote (a comma or a line break must follow it)"_s);
            }
            break;
        }
        records << rec;
    }
    return records;
}

} // namespace parley::server::csv
