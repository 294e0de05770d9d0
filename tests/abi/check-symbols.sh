#!/bin/sh
# Exported dynamic symbols of libmemnet == the symbols listed in lib/memnet.sym, all mn_*
# except libgomp's GOMP_parallel (version GOMP_4.0, lib/core/omp_regions.c), and the SONAME is
# the expected one.
# usage: check-symbols.sh LIBRARY VERSION_SCRIPT EXPECTED_SONAME
set -eu
lib=$1 sym=$2 soname=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# defined, exported, non-absolute symbols (absolute ones are the version node names)
nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' | sort -u > "$tmp/exported"
sed 's,/\*.*\*/,,' "$sym" | grep -oE '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*;' |
    tr -d ' \t;' | sort -u > "$tmp/script"
status=0
if ! diff -u "$tmp/script" "$tmp/exported" > "$tmp/diff"; then
    echo "exported symbols differ from $sym ('-' listed only in the script, '+' exported only):"
    cat "$tmp/diff"
    status=1
fi
bad=$(grep -v '^mn_' "$tmp/exported" | grep -vx 'GOMP_parallel' || true)
# the script names GOMP_parallel (libmemnet's, not libmemnet-mpi's): it must carry libgomp's version
if grep -qx 'GOMP_parallel' "$tmp/script" &&
        ! nm -D --defined-only "$lib" | grep -q ' GOMP_parallel@@GOMP_4.0$'; then
    echo "GOMP_parallel is exported without libgomp's version GOMP_4.0"
    status=1
fi
if [ -n "$bad" ]; then
    echo "exported symbols without the mn_ prefix:"
    echo "$bad"
    status=1
fi
got=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$got" != "$soname" ]; then
    echo "SONAME is '$got', expected '$soname'"
    status=1
fi
n=$(wc -l < "$tmp/exported")
echo "$n exported symbols match the version script; SONAME $got"
exit $status
