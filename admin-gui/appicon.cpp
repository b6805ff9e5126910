#include "appicon.h"

#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

using namespace Qt::StringLiterals;

namespace parley::admin {

QIcon applicationIcon()
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addFile(u":/icons/parley-admin-%1.png"_s.arg(size), QSize(size, size));
    return icon;
}

namespace {

// The icon's shape (its alpha) filled with `colour`.
QPixmap tinted(const QImage &shape, const QColor &colour, qreal ratio)
{
    QImage image = shape.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
    painter.fillRect(image.rect(), colour);
    painter.end();
    QPixmap pixmap = QPixmap::fromImage(image);
    pixmap.setDevicePixelRatio(ratio);
    return pixmap;
}

} // namespace

QIcon pageIcon(const QString &name, const QPalette &palette)
{
    QIcon icon;
    const std::pair<QString, qreal> files[] = {{u":/icons/pages/%1.png"_s.arg(name), 1.0},
                                               {u":/icons/pages/%1@2x.png"_s.arg(name), 2.0}};
    for (const auto &[file, ratio] : files) {
        const QImage shape(file);
        if (shape.isNull())
            continue;
        icon.addPixmap(tinted(shape, palette.color(QPalette::Active, QPalette::Text), ratio), QIcon::Normal);
        icon.addPixmap(tinted(shape, palette.color(QPalette::Active, QPalette::HighlightedText), ratio), QIcon::Selected);
        icon.addPixmap(tinted(shape, palette.color(QPalette::Disabled, QPalette::Text), ratio), QIcon::Disabled);
    }
    return icon;
}

} // namespace parley::admin
