#!/bin/sh
# The ABI gate must fail on deliberate breaks and pass on the unchanged tree.
# usage: abi-breaks.sh BASELINE.abi SOURCE_ROOT SUPPRESSIONS
#
# Copies the library's sources to a temporary directory, builds libmemnet there (-O0, library
# only) and runs the gate (abi-check.sh) on: the unchanged copy (must pass), then three patched
# copies, one at a time (each must fail with an ABI change, not with an error):
#   1. a member inserted into a public struct (mn_model_ops, after struct_size),
#   2. a changed enumerator value (MN_LOG_WARNING 1 -> 7),
#   3. a changed parameter type (mn_rng_below's n: uint64_t -> uint32_t),
# and two compatible changes that must pass: a function added, a member appended to the
# versioned mn_model_ops and an enumerator appended to mn_log_level.
set -u
base=$(readlink -f "$1") src=$(cd "$2" && pwd) supp=$(readlink -f "$3")
here=$(cd "$(dirname "$0")" && pwd)
command -v abidiff > /dev/null || { echo "SKIP: abidiff not found (abigail-tools)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
cp -R "$src/include" "$src/lib" "$src/meson.build" "$src/meson_options.txt" "$tmp/src/"
meson setup "$tmp/build" "$tmp/src" --buildtype=debug -Dtests=disabled -Dtools=false \
    -Dbench=false -Dexamples=false -Dmpi=disabled > "$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log"; echo "FAIL: meson setup of the copy"; exit 1; }
fails=0
# run NAME EXPECT: build the copy as it is now and run the gate; EXPECT pass (0) or break (1)
run() {
    if ! ninja -C "$tmp/build" > "$tmp/ninja.log" 2>&1; then
        tail -n 30 "$tmp/ninja.log"; echo "FAIL: $1: the patched copy does not build"; fails=$((fails + 1)); return
    fi
    sh "$here/abi-check.sh" "$base" "$tmp/build" "$tmp/src" "$supp" > "$tmp/gate.log" 2>&1
    got=$?
    if [ "$got" -eq "$2" ]; then
        echo "ok: $1: gate exit $got as expected"
        grep '^ABI gate:' "$tmp/gate.log" | sed 's/^/      /'
        [ "$2" -eq 1 ] && grep -E '^ *\[C\]|changed from|value changed|inserted|type size changed' \
            "$tmp/gate.log" | head -n 4 | sed 's/^/      /'
    else
        cat "$tmp/gate.log"; echo "FAIL: $1: gate exit $got, expected $2"; fails=$((fails + 1))
    fi
}
# patch FILE SED-SCRIPT: apply to the copy (kept in FILE.orig), checking that it changed it
patch_file() {
    cp "$tmp/src/$1" "$tmp/src/$1.orig"
    sed -i "$2" "$tmp/src/$1"
    if cmp -s "$tmp/src/$1" "$tmp/src/$1.orig"; then
        echo "FAIL: patch '$2' did not change $1 (the source moved: update this test)"
        fails=$((fails + 1))
    fi
}
restore() { for f in "$@"; do mv "$tmp/src/$f.orig" "$tmp/src/$f"; done; }

run "unchanged tree" 0

patch_file include/memnet/models.h \
    's|^\(    size_t struct_size; *\)/\*\*< sizeof(mn_model_ops).*|&\n    int inserted_by_abi_test;|'
run "member inserted into mn_model_ops" 1
restore include/memnet/models.h

patch_file include/memnet/core.h 's|MN_LOG_WARNING = 1,|MN_LOG_WARNING = 7,|'
run "enumerator MN_LOG_WARNING changed from 1 to 7" 1
restore include/memnet/core.h

patch_file include/memnet/core.h 's|mn_rng_below(mn_rng \*rng, uint64_t n)|mn_rng_below(mn_rng *rng, uint32_t n)|'
patch_file lib/core/rng.c 's|mn_rng_below(mn_rng \*rng, uint64_t n)|mn_rng_below(mn_rng *rng, uint32_t n)|'
run "parameter type of mn_rng_below changed (uint64_t -> uint32_t)" 1
restore include/memnet/core.h lib/core/rng.c

# compatible growth: a new function (in the version script), a member appended to a versioned
# struct, an enumerator appended
patch_file include/memnet/core.h \
    's|^MN_API uint64_t mn_rng_below(.*|&\nMN_API int mn_abi_test_added(void);|; s|    MN_LOG_DEBUG = 3    /\*\*< details for developers \*/|    MN_LOG_DEBUG = 3,   /**< details for developers */\n    MN_LOG_TRACE_ABI_TEST = 4|'
patch_file lib/core/rng.c '$a int mn_abi_test_added(void) { return 1; }'
patch_file lib/memnet.sym 's|^    mn_rng_below;|&\n    mn_abi_test_added;|'
patch_file include/memnet/models.h \
    '/^typedef struct mn_model_ops {/,/^} mn_model_ops;/ s|^} mn_model_ops;|    int appended_by_abi_test;\n&|'
run "function added, member appended to mn_model_ops, enumerator appended" 0
restore include/memnet/core.h lib/core/rng.c lib/memnet.sym include/memnet/models.h

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "the ABI gate fails on each deliberate break and passes on compatible changes"
