#include "historychart.h"

#include "colourblend.h"

#include <QCategoryAxis>
#include <QDateTime>
#include <QEvent>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace parley::admin {

namespace {

constexpr qint64 MinuteMs = 60 * 1000;
constexpr qint64 HourMs = 60 * MinuteMs;
// Steps of the time axis, the smallest that gives at most MaxTimeTicks ticks is taken.
constexpr std::array<qint64, 13> TimeSteps{MinuteMs,     2 * MinuteMs,  3 * MinuteMs, 5 * MinuteMs, 10 * MinuteMs,
                                           15 * MinuteMs, 30 * MinuteMs, HourMs,       2 * HourMs,   3 * HourMs,
                                           4 * HourMs,    6 * HourMs,    12 * HourMs};
constexpr qint64 MaxTimeTicks = 6;
constexpr qint64 EdgeMarginPercent = 4;
constexpr int MaxValueSteps = 5;
constexpr qreal PenWidth = 2.0;
constexpr int MinimumHeight = 150;
constexpr QSize PreferredSize(360, 180);

// Line colours that read on a light and on a dark background (a blue and an orange, told apart with any common
// colour vision deficiency).
constexpr std::array<QRgb, 2> LightColours{0xff1f63b4, 0xffd9590b};
constexpr std::array<QRgb, 2> DarkColours{0xff6fa8f0, 0xffffa05a};

} // namespace

struct HistoryChart::Private {
    HistoryChart *q = nullptr;
    QString unit;
    QList<Line> lines;
    QList<QList<QLineSeries *>> pieces;     // per line
    QCategoryAxis *timeAxis = nullptr;
    QValueAxis *valueAxis = nullptr;
    bool wholeNumbers = true;

    QColor lineColour(int index) const
    {
        const bool dark = q->palette().color(QPalette::Base).lightness() < 128;
        const auto &colours = dark ? DarkColours : LightColours;
        return QColor::fromRgba(colours[size_t(index) % colours.size()]);
    }

    void style(QLineSeries *series, int line) const
    {
        QPen pen(lineColour(line));
        pen.setWidthF(PenWidth);
        // Qt Charts draws a solid line segment by segment, and the antialiased ends overlapping at every sample
        // dotted it; a line with a dash pattern is drawn as one path. This dash is longer than any chart.
        pen.setDashPattern({1e5, 1e-5});
        pen.setJoinStyle(Qt::RoundJoin);
        series->setPen(pen);
        series->setBrush(lineColour(line));
        series->setMarkerSize(6);
    }

    QLineSeries *addPiece(int line)
    {
        auto *series = new QLineSeries(q->chart());
        series->setName(lines.at(line).name);
        q->chart()->addSeries(series);
        series->attachAxis(timeAxis);
        series->attachAxis(valueAxis);
        style(series, line);
        const QList<QLegendMarker *> markers = q->chart()->legend()->markers(series);
        for (QLegendMarker *marker : markers)
            marker->setVisible(pieces[line].isEmpty() && lines.size() > 1);
        QObject::connect(series, &QLineSeries::hovered, q, [this, series, line](const QPointF &point, bool state) {
            if (!state) {
                QToolTip::hideText();
                return;
            }
            showValue(series, line, point);
        });
        pieces[line].append(series);
        return series;
    }

    void showValue(QLineSeries *series, int line, const QPointF &point) const
    {
        const int n = series->count();
        if (n == 0)
            return;
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            const int mid = (lo + hi) / 2;
            if (series->at(mid).x() < point.x())
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && std::abs(series->at(lo - 1).x() - point.x()) < std::abs(series->at(lo).x() - point.x()))
            --lo;
        const QPointF nearest = series->at(lo);
        const QLocale locale;
        const QString when = locale.toString(QDateTime::fromMSecsSinceEpoch(qint64(nearest.x())).time(), QLocale::LongFormat);
        const QString value = wholeNumbers ? locale.toString(qint64(std::llround(nearest.y())))
                                           : locale.toString(nearest.y(), 'f', nearest.y() < 10 ? 2 : 1);
        QToolTip::showText(QCursor::pos(), HistoryChart::tr("%1\n%2: %3 %4").arg(when, lines.at(line).name, value, unit), q);
    }

    void applyPalette()
    {
        const QPalette pal = q->palette();
        const QColor text = pal.color(QPalette::WindowText);
        const QColor background = pal.color(QPalette::Base);
        const QColor grid = blend(background, text, 0.15);
        QChart *chart = q->chart();
        chart->setBackgroundBrush(background);
        chart->setBackgroundPen(QPen(blend(background, text, 0.25)));
        chart->setTitleBrush(text);
        chart->legend()->setLabelColor(text);
        QFont titleFont = q->font();
        titleFont.setBold(true);
        chart->setTitleFont(titleFont);
        chart->legend()->setFont(q->font());
        for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(timeAxis), static_cast<QAbstractAxis *>(valueAxis)}) {
            axis->setLabelsColor(text);
            axis->setLabelsFont(q->font());
            axis->setTitleBrush(text);
            axis->setTitleFont(q->font());
            axis->setGridLineColor(grid);
            axis->setLinePenColor(blend(background, text, 0.4));
        }
        for (int line = 0; line < pieces.size(); ++line) {
            for (QLineSeries *series : std::as_const(pieces[line]))
                style(series, line);
        }
    }
};

HistoryChart::HistoryChart(const QString &title, const QString &unit, QList<Line> lines, QWidget *parent)
    // The chart is given to the base constructor: QChartView(QWidget *) makes a default chart that a later setChart()
    // releases, not deletes.
    : QChartView(new QChart, parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->unit = unit;
    d->lines = std::move(lines);
    d->pieces.resize(d->lines.size());
    d->wholeNumbers = std::all_of(d->lines.cbegin(), d->lines.cend(), [](const Line &l) { return ServerHistory::isCount(l.metric); });
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(MinimumHeight);
    QChart *chart = this->chart();   // the view owns it
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setTitle(title);
    chart->setLocalizeNumbers(true);
    chart->legend()->setVisible(d->lines.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);

    d->timeAxis = new QCategoryAxis(chart);
    d->timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    d->valueAxis = new QValueAxis(chart);
    d->valueAxis->setTitleText(unit);
    d->valueAxis->setMinorTickCount(0);
    chart->addAxis(d->timeAxis, Qt::AlignBottom);
    chart->addAxis(d->valueAxis, Qt::AlignLeft);
    for (int line = 0; line < d->lines.size(); ++line)
        d->addPiece(line);
    d->applyPalette();
    setAccessibleName(title);
}

HistoryChart::~HistoryChart() = default;

QCategoryAxis *HistoryChart::timeAxis() const
{
    return d->timeAxis;
}

QValueAxis *HistoryChart::valueAxis() const
{
    return d->valueAxis;
}

QList<QLineSeries *> HistoryChart::pieces(int index) const
{
    return d->pieces.value(index);
}

void HistoryChart::plot(const ServerHistory &history, qint64 from, qint64 to, int maxPoints)
{
    double maximum = 0;
    for (int line = 0; line < d->lines.size(); ++line) {
        const QList<QList<QPointF>> parts = history.lines(d->lines.at(line).metric, from, to, maxPoints);
        QList<QLineSeries *> &series = d->pieces[line];
        while (series.size() < std::max<qsizetype>(1, parts.size()))
            d->addPiece(line);
        while (series.size() > std::max<qsizetype>(1, parts.size())) {
            QLineSeries *extra = series.takeLast();
            chart()->removeSeries(extra);
            delete extra;
        }
        for (qsizetype i = 0; i < series.size(); ++i) {
            const QList<QPointF> points = parts.value(i);
            series[i]->replace(points);
            // A piece of one sample is a dot.
            series[i]->setPointsVisible(points.size() == 1);
            for (const QPointF &p : points)
                maximum = std::max(maximum, p.y());
        }
    }

    const auto [top, steps] = valueScale(maximum, d->wholeNumbers);
    d->valueAxis->setRange(0, top);
    d->valueAxis->setTickCount(steps + 1);
    // Localized numbers take only "%.N" formats.
    const double step = top / steps;
    const int decimals = d->wholeNumbers || step >= 1 ? 0 : (step * 10 >= 1 - 1e-9 ? 1 : 2);
    d->valueAxis->setLabelFormat(u"%.%1f"_s.arg(decimals));

    const QStringList old = d->timeAxis->categoriesLabels();
    for (const QString &label : old)
        d->timeAxis->remove(label);
    d->timeAxis->setStartValue(qreal(from));
    QStringList used;
    for (const auto &[at, label] : timeTicks(from, to, QLocale())) {
        if (used.contains(label))
            continue;
        used.append(label);
        d->timeAxis->append(label, qreal(at));
    }
    d->timeAxis->setRange(qreal(from), qreal(to));
}

QList<std::pair<qint64, QString>> HistoryChart::timeTicks(qint64 from, qint64 to, const QLocale &locale)
{
    QList<std::pair<qint64, QString>> ticks;
    if (to <= from)
        return ticks;
    const qint64 range = to - from;
    qint64 step = TimeSteps.back();
    for (qint64 candidate : TimeSteps) {
        if (range / candidate <= MaxTimeTicks) {
            step = candidate;
            break;
        }
    }
    // From local midnight of the day `from` falls on, so that ticks fall on round times of the local clock.
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(from);
    const qint64 midnight = QDateTime(start.date(), QTime(0, 0)).toMSecsSinceEpoch();
    const qint64 first = midnight + ((from - midnight) / step + 1) * step;
    // A label is centred on its tick: one too near an end of the axis would be cut off.
    const qint64 margin = range * EdgeMarginPercent / 100;
    for (qint64 t = first; t <= to - margin; t += step) {
        if (t >= from + margin)
            ticks.append({t, locale.toString(QDateTime::fromMSecsSinceEpoch(t).time(), QLocale::ShortFormat)});
    }
    return ticks;
}

std::pair<double, int> HistoryChart::valueScale(double maximum, bool wholeNumbers)
{
    if (!(maximum > 0))
        return wholeNumbers ? std::pair{4.0, 4} : std::pair{1.0, 4};
    // The smallest round step (1, 2, 2.5 or 5 times a power of ten; whole for counts) that keeps the steps to
    // MaxValueSteps with the maximum below the top.
    double magnitude = std::pow(10.0, std::floor(std::log10(maximum / MaxValueSteps)));
    for (;;) {
        for (double factor : {1.0, 2.0, 2.5, 5.0}) {
            const double step = factor * magnitude;
            if (wholeNumbers && (step < 1 || step != std::floor(step)))
                continue;
            const int steps = int(std::floor(maximum / step + 1e-9)) + 1;
            if (steps <= MaxValueSteps)
                return {step * steps, steps};
        }
        magnitude *= 10;
    }
}

QSize HistoryChart::sizeHint() const
{
    return PreferredSize;
}

void HistoryChart::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        d->applyPalette();
}

} // namespace parley::admin
