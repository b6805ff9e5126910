#!/usr/bin/env bash
# Renders resources/parley-admin.svg to the PNG icons beside this script (committed, so that neither the build nor
# the app needs an SVG renderer). Run again after changing the SVG. Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for size in 16 22 24 32 48 64 128 256; do
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio \
        --output "$here/parley-admin-$size.png" "$here/../parley-admin.svg"
done
