#!/bin/sh
# The ABI gate: compare a built libmemnet with the committed baseline (abidiff).
# usage: abi-check.sh BASELINE.abi BUILD_ROOT SOURCE_ROOT SUPPRESSIONS [LIBRARY]
# Exit 0: compatible (added functions and variables, enumerators appended to an enum, members
# appended to the versioned extension structs listed in SUPPRESSIONS pass); 1: an ABI change;
# 2: abidw/abidiff could not run; 77: abigail-tools missing (skip).
#
# abidiff's exit status is a bit set (libabigail's abidiff manual): 1 ABIDIFF_ERROR, 2
# ABIDIFF_USAGE_ERROR, 4 ABIDIFF_ABI_CHANGE (a change that may or may not break: a struct
# layout, an enumerator value, a parameter type...), 8 ABIDIFF_ABI_INCOMPATIBLE_CHANGE (a
# removed function or variable, ...). Both 4 and 8 fail the gate, 12 (both) too; each bit is
# tested on its own, never the status as one number.
set -u
base=$1 build=$2 src=$3 supp=$4 lib=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
command -v abidiff > /dev/null || { echo "SKIP: abidiff not found (abigail-tools)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! sh "$here/abi-dump.sh" "$build" "$src" $lib > "$tmp/current.abi" 2> "$tmp/dump.err"; then
    echo "abidw failed:"; cat "$tmp/dump.err"; exit 2
fi
abidiff --no-added-syms --suppressions "$supp" "$base" "$tmp/current.abi" > "$tmp/report" 2>&1
rc=$?
cat "$tmp/report"
if [ $((rc & 1)) -ne 0 ] || [ $((rc & 2)) -ne 0 ]; then
    echo "abidiff could not compare (exit status $rc: error bit $((rc & 1)), usage bit $((rc & 2)))"
    exit 2
fi
verdict=0
if [ $((rc & 8)) -ne 0 ]; then
    echo "ABI gate: INCOMPATIBLE change against $(basename "$base") (abidiff exit status $rc:" \
         "bit 8, ABIDIFF_ABI_INCOMPATIBLE_CHANGE)"
    verdict=1
fi
if [ $((rc & 4)) -ne 0 ]; then
    echo "ABI gate: ABI change against $(basename "$base") (abidiff exit status $rc: bit 4," \
         "ABIDIFF_ABI_CHANGE: layout, enumerator value, parameter or return type)"
    verdict=1
fi
if [ $verdict -ne 0 ]; then
    echo "A 1.x release may only add: see docs/abi.md (after a deliberate change, scripts/abi-baseline)."
    exit 1
fi
echo "ABI gate: compatible with $(basename "$base") (abidiff exit status $rc)"
exit 0
