#!/usr/bin/env bash
# Checks server/ against the folder graph in docs/architecture.md ("Server layout"): every source file lives in a
# subsystem folder, every include of another folder's header is an edge of the graph, and the folder's library links
# the library of every folder it includes. Prints each violation; exits 1 if there is any.
# Usage: check-layout.sh SOURCE_DIR
set -euo pipefail
root=${1:?usage: check-layout.sh SOURCE_DIR}
doc=$root/docs/architecture.md
fail=0

# The graph: the lines between the two markers, "FOLDER -> DEP DEP ..." (no dependency: "FOLDER ->").
declare -A allowed=()
graph=$(sed -n '/<!-- server-layout-begin -->/,/<!-- server-layout-end -->/p' "$doc" | grep -E '^[a-z]+ +->' || true)
if [ -z "$graph" ]; then
    echo "docs/architecture.md: no folder graph between <!-- server-layout-begin --> and <!-- server-layout-end -->"
    exit 1
fi
while read -r folder _ deps; do
    allowed[$folder]=" $deps "
done <<< "$graph"

shopt -s nullglob
for f in "$root"/server/*.h "$root"/server/*.cpp; do
    echo "server/${f##*/}: not in a subsystem folder"
    fail=1
done
for dir in "$root"/server/*/; do
    folder=$(basename "$dir")
    if [ -z "${allowed[$folder]+x}" ]; then
        echo "server/$folder: a folder the graph in docs/architecture.md does not name"
        fail=1
        continue
    fi
    links=$(tr '\n' ' ' < "$dir/CMakeLists.txt")
    for src in "$dir"*.h "$dir"*.cpp; do
        while IFS= read -r dep; do
            [ "$dep" = "$folder" ] && continue
            [ -d "$root/server/$dep" ] || continue
            if [[ "${allowed[$folder]}" != *" $dep "* ]]; then
                echo "server/$folder/${src##*/}: includes server/$dep/, an edge the graph lacks ($folder -> ${allowed[$folder]# })"
                fail=1
            elif [[ "$links" != *"parleyd-$dep"* ]]; then
                echo "server/$folder/${src##*/}: includes server/$dep/ but server/$folder/CMakeLists.txt does not link parleyd-$dep"
                fail=1
            fi
        done < <(sed -n 's|^#include "\([a-z]*\)/.*"|\1|p' "$src" | sort -u)
    done
done

# No two files of one folder include each other (an include cycle inside a subsystem).
for dir in "$root"/server/*/; do
    folder=$(basename "$dir")
    for src in "$dir"*.cpp "$dir"*.h; do
        base=${src##*/}; stem=${base%.*}
        while IFS= read -r inc; do
            other=${inc%.h}
            [ "$other" = "$stem" ] && continue
            for back in "$dir$other.cpp" "$dir$other.h"; do
                [ -f "$back" ] || continue
                if grep -q "^#include \"$folder/$stem.h\"" "$back"; then
                    pair=$(printf '%s\n' "$stem" "$other" | sort | tr '\n' ' ')
                    echo "server/$folder: ${pair% } include each other"
                    fail=1
                fi
            done
        done < <(sed -n "s|^#include \"$folder/\([a-z_0-9]*\.h\)\"|\1|p" "$src")
    done
done | sort -u | { out=$(cat); [ -z "$out" ] || { echo "$out"; exit 1; }; } || fail=1

[ "$fail" -eq 0 ] && echo "server/: layout matches docs/architecture.md"
exit "$fail"
