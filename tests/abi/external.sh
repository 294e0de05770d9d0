#!/bin/sh
# Install memnet into a staging directory and build external C and C++ programs against it
# with pkg-config only, as a user would; run them.
# usage: external.sh BUILD_ROOT THIS_DIR
set -eu
build=$1 here=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --destdir "$stage" --no-rebuild --quiet >/dev/null
pcdir=$(dirname "$(find "$stage" -name memnet.pc | head -n 1)")
[ -f "$pcdir/memnet.pc" ] || { echo "memnet.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$pcdir"
export PKG_CONFIG_SYSROOT_DIR="$stage"
cflags=$(pkg-config --cflags memnet)
libs=$(pkg-config --libs memnet)
pkg-config --static --libs memnet >/dev/null
libdir=$(pkg-config --variable=libdir memnet)
case "$libdir" in "$stage"*) ;; *) libdir="$stage$libdir" ;; esac
cc=${CC:-cc}
cxx=${CXX:-c++}
$cc -std=c99 -Wall -Werror $cflags "$here/external.c" -o "$stage/ext-c" $libs
$cxx -Wall -Werror $cflags "$here/external.cpp" -o "$stage/ext-cpp" $libs
out_c=$(LD_LIBRARY_PATH="$libdir" "$stage/ext-c")
out_cpp=$(LD_LIBRARY_PATH="$libdir" "$stage/ext-cpp")
echo "C program: $out_c"
echo "C++ program: $out_cpp"
# both print the linked library's version, which must be this build's
case "$out_c" in "memnet "*) ;; *) echo "unexpected output from C program"; exit 1 ;; esac
[ "$out_c" = "$out_cpp" ] || { echo "C and C++ programs disagree"; exit 1; }
