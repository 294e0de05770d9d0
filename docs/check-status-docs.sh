#!/bin/sh
# core.h documents mn_status twice: the X-macro list MN_STATUS_LIST the compiler sees, and an
# explicit enum under MN_DOXYGEN that Doxygen sees. Both must give the same names and values.
set -eu
h=$1
a=$(sed -n 's/^ *X(\(MN_[A-Z_]*\), *\(-*[0-9]*\),.*/\1=\2/p' "$h")
b=$(awk '/^#ifdef MN_DOXYGEN/ { on = 1 } on && /^#else/ { exit } on' "$h" |
    sed -n 's/^ *\(MN_[A-Z_]*\) = \(-*[0-9]*\),.*/\1=\2/p')
[ -n "$a" ] || { echo "FAIL: no MN_STATUS_LIST entries in $h"; exit 1; }
[ "$a" = "$b" ] || { printf 'FAIL: status lists differ\nX-macro:\n%s\nDoxygen:\n%s\n' "$a" "$b"; exit 1; }
echo "status documentation matches MN_STATUS_LIST ($(echo "$a" | wc -l) codes)"
