#include "judge.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace parley::bench::soak {

namespace {

QString num(double v, int decimals = 1)
{
    return QString::number(v, 'f', decimals);
}

QString signedNum(double v, int decimals = 1)
{
    return (v >= 0 ? u"+"_s : QString()) + num(v, decimals);
}

std::vector<double> values(const std::vector<Point> &points)
{
    std::vector<double> out;
    out.reserve(points.size());
    for (const Point &p : points)
        out.push_back(p.v);
    return out;
}

// A series with fewer samples than this cannot be fitted: the run was too short for its interval.
constexpr size_t MinPoints = 5;

Check growthCheck(const QString &name, const std::vector<Point> &series, double windowSeconds, double allowed,
                  const QString &unit, const QString &boundText)
{
    Check c{name, false, {}};
    if (series.size() < MinPoints) {
        c.detail = u"%1 samples in the judged window; at least %2 are needed"_s.arg(series.size()).arg(MinPoints);
        return c;
    }
    const double growth = theilSenSlope(series) * windowSeconds;
    c.pass = growth <= allowed;
    c.detail = u"fitted growth %1 %2 over the judged %3 s (median %4 %2); bound %5"_s.arg(signedNum(growth), unit,
                                                                                          num(windowSeconds, 0),
                                                                                          num(median(values(series))),
                                                                                          boundText);
    return c;
}

} // namespace

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    const size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + qsizetype(mid), v.end());
    const double upper = v[mid];
    if (v.size() % 2 == 1)
        return upper;
    const double lower = *std::max_element(v.begin(), v.begin() + qsizetype(mid));
    return (lower + upper) / 2;
}

double theilSenSlope(const std::vector<Point> &points)
{
    std::vector<double> slopes;
    slopes.reserve(points.size() * points.size() / 2);
    for (size_t i = 0; i < points.size(); ++i) {
        for (size_t j = i + 1; j < points.size(); ++j) {
            const double dt = points[j].t - points[i].t;
            if (dt > 0)
                slopes.push_back((points[j].v - points[i].v) / dt);
        }
    }
    return median(std::move(slopes));
}

bool Verdict::pass() const
{
    return !checks.isEmpty() && std::all_of(checks.cbegin(), checks.cend(), [](const Check &c) { return c.pass; });
}

Verdict judge(const Series &w, const Totals &t, const Bounds &b)
{
    Verdict v;
    const double hours = t.windowSeconds / 3600.0;

    // Memory: the rate decides a long run, the floor a short one.
    {
        const double med = median(values(w.rssKb));
        const double allowed = std::max(b.rssPctPerHour / 100.0 * med * hours, b.rssFloorKb);
        Check c = growthCheck(u"rss"_s, w.rssKb, t.windowSeconds, allowed, u"KB"_s,
                              u"%1 %/h (%2 KB here) or %3 KB, the larger"_s.arg(num(b.rssPctPerHour),
                                                                                 num(b.rssPctPerHour / 100.0 * med * hours, 0),
                                                                                 num(b.rssFloorKb, 0)));
        if (w.rssKb.size() >= MinPoints && med > 0)
            c.detail += u"; extrapolated %1 %/h"_s.arg(signedNum(theilSenSlope(w.rssKb) * 3600.0 / med * 100.0, 2));
        v.checks.append(c);
    }
    v.checks.append(growthCheck(u"fds"_s, w.fds, t.windowSeconds, b.fdGrowth, u"descriptors"_s, num(b.fdGrowth, 0)));
    v.checks.append(growthCheck(u"queued_messages"_s, w.queued, t.windowSeconds, b.queueGrowth, u"messages"_s,
                                num(b.queueGrowth, 0)));
    v.checks.append(growthCheck(u"write_queue"_s, w.writeQueue, t.windowSeconds, b.queueGrowth, u"writes"_s,
                                num(b.queueGrowth, 0)));
    {
        const double med = median(values(w.p99Ms));
        const double allowed = std::max(b.p99RiseFraction * med, b.p99FloorMs);
        v.checks.append(growthCheck(u"p99"_s, w.p99Ms, t.windowSeconds, allowed, u"ms"_s,
                                    u"%1 of the median or %2 ms, the larger"_s.arg(num(b.p99RiseFraction, 2),
                                                                                   num(b.p99FloorMs))));
    }

    // The end: queues empty once every message was delivered and acked, descriptors back once the clients left.
    {
        Check c{u"queues_at_end"_s, t.queuedAtEnd == 0 && t.writeQueueAtEnd == 0, {}};
        c.detail = u"queued_messages %1, write_queue %2 after the drain (-1: not read); both must be 0"_s
                       .arg(t.queuedAtEnd)
                       .arg(t.writeQueueAtEnd);
        v.checks.append(c);
    }
    {
        Check c{u"fds_at_end"_s, double(t.fdsAfter - t.fdsBefore) <= b.fdSlack, {}};
        c.detail = u"%1 descriptors after the clients left, %2 before they came; bound +%3"_s.arg(t.fdsAfter)
                       .arg(t.fdsBefore)
                       .arg(num(b.fdSlack, 0));
        v.checks.append(c);
    }

    // Delivery.
    {
        Check c{u"delivery"_s, t.drained && t.lost == 0 && t.unanswered == 0, {}};
        c.detail = u"%1 sent, %2 accepted, %3 deliveries; %4 accepted but not delivered to every recipient device, "
                   u"%5 never answered%6"_s.arg(t.sent)
                       .arg(t.accepted)
                       .arg(t.deliveries)
                       .arg(t.lost)
                       .arg(t.unanswered)
                       .arg(t.drained ? QString() : u"; the drain timed out"_s);
        v.checks.append(c);
    }
    v.checks.append(Check{u"errors"_s, t.errors == 0, u"%1 errors"_s.arg(t.errors)});
    {
        const double fraction = t.offered > 0 ? double(t.sent) / double(t.offered) : 0;
        Check c{u"load"_s, t.offered > 0 && fraction >= b.minSentFraction, {}};
        c.detail = u"%1 of %2 offered messages sent (%3 %); bound %4 %"_s.arg(t.sent)
                       .arg(t.offered)
                       .arg(num(fraction * 100))
                       .arg(num(b.minSentFraction * 100, 0));
        v.checks.append(c);
    }
    v.checks.append(Check{u"exit"_s, t.daemonExitedCleanly, t.daemonExitedCleanly
                                                                ? u"parleyd stopped on SIGTERM with status 0"_s
                                                                : u"parleyd did not stop cleanly on SIGTERM"_s});
    return v;
}

} // namespace parley::bench::soak
