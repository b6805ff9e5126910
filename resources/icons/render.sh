#!/usr/bin/env bash
# Renders the SVG icons to the PNGs beside them (committed, so that neither the build nor the app needs an SVG
# renderer): resources/parley-admin.svg to the app icon's sizes, and pages/*.svg, the side bar's icon of each page of
# parley-admin, to NAME.png (24 px) and NAME@2x.png (48 px; Qt picks it on a display with twice the pixel density).
# The page icons are drawn in black and recoloured from the palette when the app loads them. Run again after changing
# an SVG. Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for size in 16 22 24 32 48 64 128 256; do
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio \
        --output "$here/parley-admin-$size.png" "$here/../parley-admin.svg"
done
for svg in "$here"/pages/*.svg; do
    name=${svg%.svg}
    rsvg-convert --width 24 --height 24 --output "$name.png" "$svg"
    rsvg-convert --width 48 --height 48 --output "$name@2x.png" "$svg"
done
