#pragma once

#include "serverhistory.h"

#include <QChartView>

#include <memory>
#include <utility>

class QCategoryAxis;
class QLineSeries;
class QValueAxis;

namespace parley::admin {

// One chart of the dashboard: lines of ServerHistory's metrics over a range of time. The time axis has ticks at
// round times of the local clock (every 3 minutes for a quarter of an hour, 10 for an hour, an hour for 6, 4 for a
// day), the value axis starts at 0 with round steps (whole numbers for counts). A line is drawn in pieces where
// samples are missing; hovering a line shows the nearest sample's time and value. Colours follow the widget's
// palette (light or dark) and change with it. It draws only when plot() is called; nothing runs in between.
class HistoryChart : public QChartView {
    Q_OBJECT
public:
    struct Line {
        HistoryMetric metric;
        QString name;          // in the legend and the tooltip
    };

    // `unit` names the values (the value axis' title, and after a value in the tooltip: "devices", "ms", ...).
    HistoryChart(const QString &title, const QString &unit, QList<Line> lines, QWidget *parent = nullptr);
    ~HistoryChart() override;

    // Draws [from, to] (ms since the epoch, the server's clock) of `history`, at most `maxPoints` points a line.
    void plot(const ServerHistory &history, qint64 from, qint64 to, int maxPoints);

    QCategoryAxis *timeAxis() const;
    QValueAxis *valueAxis() const;
    // The pieces line `index` is drawn in (one, empty, when it has no samples in the range).
    QList<QLineSeries *> pieces(int index) const;

    // Compact: the dashboard's page scrolls to the charts' preferred height, and a larger window makes them larger.
    QSize sizeHint() const override;

    // The ticks of a time axis over (from, to], none within 4 % of either end (its label would be cut off):
    // positions and their labels in the local time of `locale`.
    static QList<std::pair<qint64, QString>> timeTicks(qint64 from, qint64 to, const QLocale &locale);
    // A value axis from 0 with round steps that holds `maximum` below its top: the top and the number of steps.
    static std::pair<double, int> valueScale(double maximum, bool wholeNumbers);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Private;
    const std::unique_ptr<Private> d;
};

} // namespace parley::admin
