#!/bin/sh
# memnet generate segments: a random network's --wires-out file read back gives the same edge
# list and electrodes; a hand-made star of three wires crossing at one point gives 3 junctions
# at (2, 2) (read from the native file); bad files fail with the line number and value.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$memnet" generate nanowire --wires 400 --width 8 --height 8 --length 1.5 --seed 5 \
    --wires-out "$tmp/w.csv" --out "$tmp/a.txt" > "$tmp/a.kv"
"$memnet" generate segments --file "$tmp/w.csv" --width 8 --height 8 --out "$tmp/b.txt" \
    > "$tmp/b.kv"
grep -v '^#' "$tmp/a.txt" > "$tmp/a.e"
grep -v '^#' "$tmp/b.txt" > "$tmp/b.e"
cmp -s "$tmp/a.e" "$tmp/b.e" || fail "edge lists differ after the round trip"
[ -s "$tmp/a.e" ] || fail "empty edge list"
for k in nodes edges source drain junctions wires spanning; do
    a=$(grep "^$k=" "$tmp/a.kv") b=$(grep "^$k=" "$tmp/b.kv")
    [ "$a" = "$b" ] || fail "$k: $a vs $b"
done
grep -q '^generator=segments$' "$tmp/b.kv" || fail "generator= missing"
grep -q "gen.segments_file=$tmp/w.csv" "$tmp/b.txt" || fail "provenance without the file"

# the star: three wires through (2, 2), blank-separated with a comment and a header
printf '# star\nx1 y1 x2 y2\n0 0 4 4\n0 4 4 0\n2 0 2 4\n' > "$tmp/star.txt"
"$memnet" generate segments --file "$tmp/star.txt" --width 4 --height 4 --keep all \
    --out "$tmp/s.txt" > "$tmp/s.kv"
grep -q '^junctions=3$' "$tmp/s.kv" || fail "star: $(cat "$tmp/s.kv")"
grep -q '^wires=3$' "$tmp/s.kv" || fail "star wires"

# bad input
printf '0,0,1,1\n0,0,1,zz\n' > "$tmp/bad.csv"
if "$memnet" generate segments --file "$tmp/bad.csv" --out "$tmp/c.txt" 2> "$tmp/err"; then
    fail "a bad value was accepted"
fi
grep -q 'line 2: y2 "zz" is not a number' "$tmp/err" || fail "message: $(cat "$tmp/err")"
printf '0,0,1,1\n3,3,3,3\n' > "$tmp/zero.csv"
if "$memnet" generate segments --file "$tmp/zero.csv" --out "$tmp/c.txt" 2> "$tmp/err"; then
    fail "a zero-length segment was accepted"
fi
grep -q 'line 2: zero-length segment' "$tmp/err" || fail "message: $(cat "$tmp/err")"
set +e
"$memnet" generate segments --out "$tmp/c.txt" 2> "$tmp/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "no --file: exit $rc"
grep -q -- '--file F is required' "$tmp/err" || fail "message: $(cat "$tmp/err")"
"$memnet" generate segments --help | grep -q 'x1,y1,x2,y2' || fail "help"
echo "ok"
