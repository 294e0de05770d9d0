#!/bin/sh
# The README's C example compiles (C11, -Wall -Wextra -Werror) against the public headers,
# links against libmemnet and prints the effective conductance of its triangle: two unit
# conductors in series (1/2 S) in parallel with one (1 S) give 1.5 S.
# usage: check-readme.sh README.md SRC_INCLUDE BUILD_INCLUDE LIBMEMNET CC...
set -eu
readme=$1 inc=$2 binc=$3 lib=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ { on = 1; next } on && /^```/ { exit } on' "$readme" > "$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "FAIL: no \`\`\`c block in $readme"; exit 1; }
lines=$(wc -l < "$tmp/example.c")
"$@" -std=c11 -Wall -Wextra -Werror -I"$inc" -I"$binc" "$tmp/example.c" "$lib" -lm \
    -Wl,-rpath,"$(dirname "$lib")" -o "$tmp/example" || { echo "FAIL: README example does not compile"; exit 1; }
out=$("$tmp/example") || { echo "FAIL: README example failed: $out"; exit 1; }
echo "$out" | grep -q '^G_eff = 1.5 S$' || { echo "FAIL: README example printed: $out"; exit 1; }
echo "README example ($lines lines): ok"
