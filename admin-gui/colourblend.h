#pragma once

#include <QColor>

namespace parley::admin {

// The colour a fraction `t` of the way from `a` to `b`: tints, grid lines and muted text made from the palette's own
// colours, so that they suit a light and a dark palette alike.
inline QColor blend(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace parley::admin
