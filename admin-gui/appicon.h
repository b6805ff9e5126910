#pragma once

#include <QIcon>

namespace parley::admin {

// The application icon from the PNGs rendered from resources/parley-admin.svg (16 to 256 px), so that it shows
// without an SVG image plugin.
QIcon applicationIcon();

} // namespace parley::admin
