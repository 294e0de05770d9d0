#!/bin/sh
# Four consumers of an installed memnet, each built outside the tree with nothing but the
# installed package files, then run (consumer.c/.cpp compute a known G_eff with CHOLMOD):
#   1. shared: C via `pkg-config --cflags --libs memnet`,
#   2. C++ via pkg-config,
#   3. CMake: find_package(memnet) + target memnet::memnet,
#   4. static: `pkg-config --static --libs memnet` against a tree of its own configured with
#      -Ddefault_library=both (the shared library removed from it, so -lmemnet is libmemnet.a),
#      and the CMake package on that static tree.
# Also: memnet.pc needs no other .pc file (pkg-config sees only the installed memnet.pc), adds
# no foreign -I (cminpack's), names -fopenmp at most once, and the CMake package sits beside it.
# usage: consumers.sh BUILD_ROOT SOURCE_ROOT
set -u
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
here=$src/tests/abi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc} cxx=${CXX:-c++}
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# inst PATH: PATH inside the staging tree $stage (pkgconf already prefixes variables with
# PKG_CONFIG_SYSROOT_DIR, pkg-config 0.29 does not)
inst() { case "$1" in "$stage"*) echo "$1" ;; *) echo "$stage$1" ;; esac; }

# check_pc STAGE: set pcdir/libdir/cflags/libs/slibs for the tree under STAGE
check_pc() {
    stage=$1
    pc=$(find "$stage" -name memnet.pc | head -n 1)
    [ -n "$pc" ] || { fail "no memnet.pc installed under $stage"; return 1; }
    pcdir=$(dirname "$pc")
    cm=$(find "$stage" -name memnetConfig.cmake | head -n 1)
    [ -n "$cm" ] || { fail "no memnetConfig.cmake installed"; return 1; }
    [ -f "$(dirname "$cm")/memnetConfigVersion.cmake" ] || fail "no memnetConfigVersion.cmake"
    [ "$(cd "$(dirname "$cm")/../.." && pwd)" = "$(cd "$pcdir/.." && pwd)" ] ||
        fail "the CMake package is not beside memnet.pc: $cm vs $pc"
    # only the installed memnet.pc is visible: any Requires of another package would fail here
    export PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR="$stage"
    cflags=$(pkg-config --cflags memnet) || { fail "pkg-config --cflags memnet failed alone"; return 1; }
    libs=$(pkg-config --libs memnet) || { fail "pkg-config --libs memnet failed"; return 1; }
    slibs=$(pkg-config --static --libs memnet) || { fail "pkg-config --static --libs failed"; return 1; }
    case "$cflags" in *cminpack*) fail "cflags carry cminpack's include dir: $cflags" ;; esac
    [ "$(echo "$cflags" | wc -w)" -eq 1 ] || fail "cflags are more than the include dir: $cflags"
    n=$(echo "$slibs" | tr ' ' '\n' | grep -c '^-fopenmp$' || true)
    [ "$n" -le 1 ] || fail "-fopenmp $n times in: $slibs"
    libdir=$(inst "$(pkg-config --variable=libdir memnet)")
    echo "  cflags: $cflags"
    echo "  --static --libs: $slibs"
    return 0
}

# run_prog NAME FILE [LD_LIBRARY_PATH]: run a consumer and check its answer
run_prog() {
    out=$(LD_LIBRARY_PATH=${3:-} "$2" 2>&1) && case "$out" in *"G_eff=1.5"*) true ;; *) false ;; esac &&
        ok "$1: $out" || fail "$1: exit status $?, output: $out"
}

cmake_consumer() { # NAME PREFIX LIB_PATH
    if ! command -v cmake > /dev/null; then fail "cmake not found"; return; fi
    rm -rf "$tmp/cm"
    if cmake -S "$here/cmake-consumer" -B "$tmp/cm" -DCMAKE_PREFIX_PATH="$2" \
         -DCONSUMER_SOURCE="$here/consumer.c" -DCMAKE_C_COMPILER="$cc" > "$tmp/cm.log" 2>&1 &&
       cmake --build "$tmp/cm" > "$tmp/cm-build.log" 2>&1; then
        run_prog "$1" "$tmp/cm/consumer" "${3:-}"
    else
        cat "$tmp/cm.log" "$tmp/cm-build.log" 2> /dev/null | tail -n 30; fail "$1: cmake build failed"
    fi
}

echo "== shared library (this build's install)"
meson install -C "$build" --destdir "$tmp/shared" --no-rebuild --quiet > /dev/null 2>&1 ||
    fail "meson install --destdir"
if check_pc "$tmp/shared"; then
    # shellcheck disable=SC2086
    if $cc -std=c99 -Wall -Werror $cflags "$here/consumer.c" -o "$tmp/shared-c" $libs -lm; then
        readelf -d "$tmp/shared-c" | grep -q 'NEEDED.*libmemnet\.so\.1' || fail "shared C: not linked to libmemnet.so.1"
        run_prog "shared C (pkg-config)" "$tmp/shared-c" "$libdir"
    else fail "shared C consumer does not build"; fi
    # shellcheck disable=SC2086
    if $cxx -std=c++11 -Wall -Werror $cflags "$here/consumer.cpp" -o "$tmp/shared-cpp" $libs; then
        run_prog "C++ (pkg-config)" "$tmp/shared-cpp" "$libdir"
    else fail "C++ consumer does not build"; fi
    prefix=$(inst "$(pkg-config --variable=prefix memnet)")
    unset PKG_CONFIG_LIBDIR PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
    cmake_consumer "CMake (find_package, memnet::memnet, shared)" "$prefix" "$libdir"
fi

echo "== static library (own install, -Ddefault_library=both)"
mkdir -p "$tmp/ssrc"
cp -R "$src/include" "$src/lib" "$src/meson.build" "$src/meson_options.txt" "$tmp/ssrc/"
if meson setup "$tmp/sbuild" "$tmp/ssrc" --buildtype=debug -Ddefault_library=both \
        -Dtests=disabled -Dtools=false -Dbench=false -Dexamples=false -Dmpi=disabled \
        > "$tmp/ssetup.log" 2>&1 && ninja -C "$tmp/sbuild" > "$tmp/sninja.log" 2>&1 &&
   meson install -C "$tmp/sbuild" --destdir "$tmp/static" --no-rebuild --quiet > /dev/null 2>&1; then
    find "$tmp/static" -name 'libmemnet.so*' -exec rm -f {} +
    if check_pc "$tmp/static"; then
        [ -f "$libdir/libmemnet.a" ] || fail "no libmemnet.a in $libdir"
        # shellcheck disable=SC2086
        if $cc -std=c99 -Wall -Werror $cflags "$here/consumer.c" -o "$tmp/static-c" $slibs \
                > "$tmp/slink.log" 2>&1; then
            if readelf -d "$tmp/static-c" | grep -q 'NEEDED.*libmemnet'; then
                fail "static C consumer needs a shared libmemnet"
            fi
            run_prog "static C (pkg-config --static)" "$tmp/static-c"
        else
            cat "$tmp/slink.log"; fail "static C consumer: link failed (undefined symbols: Libs.private incomplete)"
        fi
        prefix=$(inst "$(pkg-config --variable=prefix memnet)")
        unset PKG_CONFIG_LIBDIR PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
        cmake_consumer "CMake (find_package, memnet::memnet, static)" "$prefix"
    fi
else
    tail -n 30 "$tmp/ssetup.log" "$tmp/sninja.log" 2> /dev/null; fail "static build/install failed"
fi

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all consumers built and ran"
