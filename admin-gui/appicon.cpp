#include "appicon.h"

using namespace Qt::StringLiterals;

namespace parley::admin {

QIcon applicationIcon()
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        icon.addFile(u":/icons/parley-admin-%1.png"_s.arg(size), QSize(size, size));
    return icon;
}

} // namespace parley::admin
