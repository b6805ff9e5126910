#pragma once

#include <QIcon>

namespace parley::admin {

// The application icon from the PNGs rendered from resources/parley-admin.svg (16 to 256 px), so that it shows
// without an SVG image plugin.
QIcon applicationIcon();

// The side bar's icon of a page (resources/icons/pages/NAME.svg, rendered to NAME.png and NAME@2x.png), drawn in the
// palette's text colour, and in its highlighted text colour when selected, so that it reads on light and dark themes.
QIcon pageIcon(const QString &name, const QPalette &palette);

} // namespace parley::admin
