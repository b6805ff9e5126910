// Plural forms and durations in parley-admin's languages: the English translation (also the fallback for a language
// without one) and the German one, each with its own plural rules.

#include "certificatespage.h"
#include "dashboardpage.h"
#include "durationtext.h"
#include "syncreportview.h"
#include "translations.h"

#include <QCoreApplication>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace parley::admin;

namespace {

constexpr qint64 Minute = 60;
constexpr qint64 Hour = 60 * Minute;
constexpr qint64 Day = 24 * Hour;

} // namespace

class TestPlurals : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // First: a language parley-admin has no translation for gets the English one, with its plural forms.
    void english()
    {
        QVERIFY(!installTranslations(QLocale(QLocale::Swahili)));
        QCOMPARE(DurationText::elapsed(0), u"0 seconds"_s);
        QCOMPARE(DurationText::elapsed(1), u"1 second"_s);
        QCOMPARE(DurationText::elapsed(22), u"22 seconds"_s);
        QCOMPARE(DurationText::elapsed(Minute + 1), u"1 minute 1 second"_s);
        QCOMPARE(DurationText::elapsed(5 * Minute), u"5 minutes"_s);
        QCOMPARE(DurationText::elapsed(2 * Hour + 30 * Minute + 9), u"2 hours 30 minutes"_s);
        QCOMPARE(DurationText::elapsed(3 * Day + 4 * Hour + 59 * Minute), u"3 days 4 hours"_s);
        QCOMPARE(DurationText::elapsed(Day + 10), u"1 day"_s);
        QCOMPARE(DurationText::elapsed(-5), u"0 seconds"_s);
        QCOMPARE(DashboardPage::tr("%1 (in %n day(s))", nullptr, 824).arg(u"X"_s), u"X (in 824 days)"_s);
        QCOMPARE(DashboardPage::tr("%1 (in %n day(s))", nullptr, 1).arg(u"X"_s), u"X (in 1 day)"_s);
        QCOMPARE(CertificatesPage::tr("%1 (%n day(s) left)", nullptr, 0).arg(u"X"_s), u"X (0 days left)"_s);
        QCOMPARE(SyncReportView::tr("%n entry(s)", nullptr, 1), u"1 entry"_s);
        QCOMPARE(SyncReportView::tr("%n entry(s)", nullptr, 120), u"120 entries"_s);
        QCOMPARE(SyncReportView::tr("%n page(s)", nullptr, 1), u"1 page"_s);
        QCOMPARE(SyncReportView::tr("%n entry(s) skipped", nullptr, 2), u"2 entries skipped"_s);
    }

    // Last: installs the German translation, which comes before the English one from then on.
    void german()
    {
        QVERIFY(installTranslations(QLocale(QLocale::German, QLocale::Germany)));
        QCOMPARE(DurationText::elapsed(0), u"0 Sekunden"_s);
        QCOMPARE(DurationText::elapsed(1), u"1 Sekunde"_s);
        QCOMPARE(DurationText::elapsed(22), u"22 Sekunden"_s);
        QCOMPARE(DurationText::elapsed(Minute + 1), u"1 Minute 1 Sekunde"_s);
        QCOMPARE(DurationText::elapsed(2 * Hour + 30 * Minute + 9), u"2 Stunden 30 Minuten"_s);
        QCOMPARE(DurationText::elapsed(3 * Day + 4 * Hour), u"3 Tage 4 Stunden"_s);
        QCOMPARE(DurationText::elapsed(Day + Hour), u"1 Tag 1 Stunde"_s);
        QCOMPARE(DashboardPage::tr("%1 (in %n day(s))", nullptr, 824).arg(u"X"_s), u"X (in 824 Tagen)"_s);
        QCOMPARE(DashboardPage::tr("%1 (in %n day(s))", nullptr, 1).arg(u"X"_s), u"X (in 1 Tag)"_s);
        QCOMPARE(CertificatesPage::tr("%1 (%n day(s) left)", nullptr, 1).arg(u"X"_s), u"X (noch 1 Tag)"_s);
        QCOMPARE(SyncReportView::tr("%n entry(s)", nullptr, 1), u"1 Eintrag"_s);
        QCOMPARE(SyncReportView::tr("%n group(s)", nullptr, 3), u"3 Gruppen"_s);
        QCOMPARE(SyncReportView::tr("%n entry(s) skipped", nullptr, 0), u"0 Einträge übersprungen"_s);
    }
};

QTEST_GUILESS_MAIN(TestPlurals)

#include "tst_plurals.moc"
