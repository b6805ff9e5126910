#pragma once

#include <QImage>
#include <QString>

namespace parley::admin {

// A QR code (libqrencode, error correction M) as a black-on-white image with a quiet zone; null for text that
// does not fit a QR code.
QImage qrImage(const QString &text, int moduleSize = 6);

} // namespace parley::admin
