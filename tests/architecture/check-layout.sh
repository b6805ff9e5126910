#!/usr/bin/env bash
# Checks server/ against the folder graph in docs/architecture.md ("Server layout"): every source file lives in a
# subsystem folder, every include of another folder's header is an edge of the graph, and the folder's library links
# the library of every folder it includes. Prints each violation; exits 1 if there is any.
# Usage: check-layout.sh SOURCE_DIR
# The includes of all files are read by one grep and checked in this shell: a process per file made the test take
# 20 s on a loaded two-core machine.
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

# The folders the graph names, and their sources in the order they are reported (headers, then sources).
folders=()
files=()
for dir in "$root"/server/*/; do
    folder=${dir%/}; folder=${folder##*/}
    if [ -z "${allowed[$folder]+x}" ]; then
        echo "server/$folder: a folder the graph in docs/architecture.md does not name"
        fail=1
        continue
    fi
    folders+=("$folder")
    files+=("$dir"*.h "$dir"*.cpp)
done

# Every line of every file that starts with #include "...", by file: includes[FILE] holds one line per include.
declare -A includes=()
if [ ${#files[@]} -gt 0 ]; then
    while IFS= read -r hit; do
        file=${hit%%:#include \"*}
        includes[$file]+="${hit#"$file:"}"$'\n'
    done < <(grep -H '^#include "' -- "${files[@]}" || true)
fi

# The other folder a line includes from ('#include "relay/router.h"' -> relay), or nothing.
folder_re='^#include "([a-z]*)/.*"'

# Every folder of server/, in the order of `sort` (the names are lower-case letters): a file's includes of other folders
# are checked in this order, and only those of folders that exist.
all_folders=("")
for dir in "$root"/server/*/; do
    dir=${dir%/}; all_folders+=("${dir##*/}")
done

for folder in "${folders[@]}"; do
    dir=$root/server/$folder/
    mapfile -t cmake_lines < "$dir/CMakeLists.txt"
    links="${cmake_lines[*]}"
    for src in "$dir"*.h "$dir"*.cpp; do
        declare -A seen=()
        while IFS= read -r line; do
            [[ $line =~ $folder_re ]] && seen[x${BASH_REMATCH[1]}]=1
        done <<< "${includes[$src]-}"
        for dep in "${all_folders[@]}"; do
            [ -n "${seen[x$dep]+x}" ] || continue
            [ "$dep" = "$folder" ] && continue
            if [[ "${allowed[$folder]}" != *" $dep "* ]]; then
                echo "server/$folder/${src##*/}: includes server/$dep/, an edge the graph lacks ($folder -> ${allowed[$folder]# })"
                fail=1
            elif [[ "$links" != *"parleyd-$dep"* ]]; then
                echo "server/$folder/${src##*/}: includes server/$dep/ but server/$folder/CMakeLists.txt does not link parleyd-$dep"
                fail=1
            fi
        done
        unset seen
    done
done

# No two files of one folder include each other (an include cycle inside a subsystem).
cycles=()
for folder in "${folders[@]}"; do
    dir=$root/server/$folder/
    # The header of this folder a line includes ('#include "FOLDER/x.h"' -> x.h).
    re="^#include \"$folder/([a-z_0-9]*\\.h)\""
    for src in "$dir"*.cpp "$dir"*.h; do
        base=${src##*/}; stem=${base%.*}
        while IFS= read -r line; do
            [[ $line =~ $re ]] || continue
            inc=${BASH_REMATCH[1]}
            other=${inc%.h}
            [ "$other" = "$stem" ] && continue
            for back in "$dir$other.cpp" "$dir$other.h"; do
                [ -f "$back" ] || continue
                if [[ $'\n'"${includes[$back]-}" == *$'\n'"#include \"$folder/$stem.h\""* ]]; then
                    if [[ "$stem" < "$other" ]]; then pair="$stem $other"; else pair="$other $stem"; fi
                    cycles+=("server/$folder: $pair include each other")
                fi
            done
        done <<< "${includes[$src]-}"
    done
done
if [ ${#cycles[@]} -gt 0 ]; then
    printf '%s\n' "${cycles[@]}" | sort -u
    fail=1
fi

[ "$fail" -eq 0 ] && echo "server/: layout matches docs/architecture.md"
exit "$fail"
