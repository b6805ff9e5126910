// The CSV of the admin API (RFC 4180): the reader, the writer, their round trip, and the rows of user.import.

#include "admin/csv.h"
#include "admin/userimport.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley;
using namespace parley::server;

namespace {

// The records as "line:field|field" lines, or the error message.
QStringList shown(QStringView text)
{
    auto parsed = csv::parse(text);
    if (!parsed)
        return {parsed.error().message};
    QStringList out;
    for (const csv::Record &r : *parsed)
        out << u"%1:%2"_s.arg(r.line).arg(r.fields.join(u'|'));
    return out;
}

QStringList importShown(QStringView text)
{
    auto rows = readImport(text, 5);
    if (!rows)
        return {rows.error().message};
    QStringList out;
    for (const ImportRow &r : *rows)
        out << u"%1:%2%3"_s.arg(r.line).arg(r.name, r.problem.isEmpty() ? QString() : u" (%1)"_s.arg(r.problem));
    return out;
}

} // namespace

class TestAdminCsv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("plain, LF") << u"a,b\nc,d\n"_s << QStringList{u"1:a|b"_s, u"2:c|d"_s};
        QTest::newRow("CRLF, no final break") << u"a,b\r\nc,d"_s << QStringList{u"1:a|b"_s, u"2:c|d"_s};
        QTest::newRow("BOM") << u"\uFEFFname\r\nalice\r\n"_s << QStringList{u"1:name"_s, u"2:alice"_s};
        QTest::newRow("quoted comma") << u"\"a,b\",c\n"_s << QStringList{u"1:a,b|c"_s};
        QTest::newRow("doubled quote") << u"\"say \"\"hi\"\"\",x\n"_s << QStringList{u"1:say \"hi\"|x"_s};
        QTest::newRow("quoted line breaks") << u"\"one\ntwo\r\nthree\",x\nnext\n"_s
                                            << QStringList{u"1:one\ntwo\r\nthree|x"_s, u"4:next"_s};
        QTest::newRow("empty fields") << u",\n\"\",\n"_s << QStringList{u"1:|"_s, u"2:|"_s};
        QTest::newRow("spaces kept") << u" a , b \n"_s << QStringList{u"1: a | b "_s};
        QTest::newRow("blank line") << u"a\n\nb\n"_s << QStringList{u"1:a"_s, u"2:"_s, u"3:b"_s};
        QTest::newRow("unterminated") << u"name\n\"unterminated,\n"_s << QStringList{u"line 2: unterminated quoted field"_s};
        QTest::newRow("unterminated after a quoted break") << u"a\n\"x\ny\"\n\"z\n"_s
                                                           << QStringList{u"line 4: unterminated quoted field"_s};
        QTest::newRow("quote in a plain field") << u"a\nb\"c\n"_s
                                                << QStringList{u"line 2: a quote inside an unquoted field (quote the field and double the quote)"_s};
        QTest::newRow("text after closing quote") << u"\"a\"b\n"_s
                                                  << QStringList{u"line 1: text after a closing quote (a comma or a line break must follow it)"_s};
        QTest::newRow("bare CR") << u"a\rb\n"_s << QStringList{u"line 1: a carriage return not followed by a line feed"_s};
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        QCOMPARE(shown(text), expected);
    }

    // What record() writes, parse() reads back unchanged.
    void roundTrip()
    {
        const QList<QStringList> table = {
            {u"name"_s, u"state"_s, u"note"_s},
            {u"alice"_s, u"a, b"_s, u"say \"hi\""_s},
            {u"\"quoted\""_s, u"line\nbreak"_s, u"crlf\r\ninside"_s},
            {QString(), u" spaced "_s, u","_s},
        };
        QString text;
        for (const QStringList &fields : table)
            text += csv::record(fields);
        QCOMPARE(csv::record({u"a,b"_s, u"c\"d"_s, u"e"_s}), u"\"a,b\",\"c\"\"d\",e\n"_s);
        auto parsed = csv::parse(text);
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->size(), table.size());
        for (qsizetype i = 0; i < table.size(); ++i)
            QCOMPARE(parsed->at(i).fields, table.at(i));
    }

    // A first field that starts with a byte order mark keeps it: parse() skips only a mark outside quotes
    // (found by fuzz_csv; fuzz/regressions/csv/).
    void roundTripLeadingByteOrderMark()
    {
        const QStringList fields{u"\uFEFFname"_s, u"x"_s};
        QCOMPARE(csv::record(fields), u"\"\uFEFFname\",x\n"_s);
        auto parsed = csv::parse(csv::record(fields));
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->size(), 1);
        QCOMPARE(parsed->first().fields, fields);
    }

    void importRows_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("one column, header") << u"name\nerin\n\n\"gina\"\nfrank,extra\n"_s
                                            << QStringList{u"2:erin"_s, u"4:gina"_s, u"5:frank (one column (name) expected)"_s};
        QTest::newRow("no header") << u"erin\r\ngina"_s << QStringList{u"1:erin"_s, u"2:gina"_s};
        QTest::newRow("export columns") << u"name,state,devices,created_at,last_seen,queued\nerin,pending,0,,,0\ngina\n"_s
                                        << QStringList{u"2:erin"_s, u"3:gina (6 columns expected, as in the header)"_s};
        QTest::newRow("columns in any order") << u"State,NAME\nactive,erin\n"_s << QStringList{u"2:erin"_s};
        QTest::newRow("unknown column") << u"name,display_name\nerin,Erin\n"_s
                                        << QStringList{u"line 1: unknown column 'display_name' (a header names name and, optionally, the other columns of user.export)"_s};
        QTest::newRow("column twice") << u"name,state,state\n"_s << QStringList{u"line 1: column 'state' named twice"_s};
        QTest::newRow("malformed") << u"name\n\"unterminated,\n"_s << QStringList{u"line 2: unterminated quoted field"_s};
        QTest::newRow("no rows") << u"name\r\n\r\n"_s << QStringList{u"csv: no user names"_s};
        QTest::newRow("empty") << QString() << QStringList{u"csv: no user names"_s};
        QTest::newRow("too many") << u"a\nb\nc\nd\ne\nf\n"_s << QStringList{u"at most 5 rows per import"_s};
    }
    void importRows()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        QCOMPARE(importShown(text), expected);
    }
};

QTEST_APPLESS_MAIN(TestAdminCsv)
#include "tst_admincsv.moc"
