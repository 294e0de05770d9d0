#!/bin/sh
# Print the ABI of a built libmemnet as libabigail XML (abidw), public types only.
# usage: abi-dump.sh BUILD_ROOT SOURCE_ROOT [LIBRARY]
#
# --drop-private-types keeps only the types defined in include/memnet (the opaque handles'
# definitions in lib/ are not ABI). libabigail matches the header paths recorded in the debug
# information, which meson writes relative to the build directory (-I../include): so abidw runs
# in the build directory with the header directory given by that same relative path.
set -eu
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
lib=${3:-$build/lib/libmemnet.so}
case "$lib" in /*) ;; *) lib=$(pwd)/$lib ;; esac
command -v abidw > /dev/null || { echo "abidw not found: install abigail-tools (scripts/deps)" >&2; exit 77; }
hdr=$(/usr/bin/python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' \
      "$src/include/memnet" "$build")
cd "$build"
exec abidw --drop-private-types --headers-dir "$hdr" --no-corpus-path --no-comp-dir-path \
     --type-id-style hash "$(readlink -f "$lib")"
