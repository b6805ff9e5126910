#include "qrimage.h"

#include <qrencode.h>

#include <QPainter>

#include <memory>

namespace parley::admin {

QImage qrImage(const QString &text, int moduleSize)
{
    const QByteArray utf8 = text.toUtf8();
    if (utf8.isEmpty())
        return {};
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                              &QRcode_free);
    if (!code)
        return {};
    constexpr int QuietZone = 4;
    const int modules = code->width;
    const int side = (modules + 2 * QuietZone) * moduleSize;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int y = 0; y < modules; ++y) {
        for (int x = 0; x < modules; ++x) {
            if (code->data[y * modules + x] & 1)
                painter.fillRect((x + QuietZone) * moduleSize, (y + QuietZone) * moduleSize, moduleSize, moduleSize, Qt::black);
        }
    }
    return image;
}

} // namespace parley::admin
