#!/bin/sh
# memnet generate nanoparticle --neighbours voronoi against scipy's Delaunay (check-voronoi.py)
# on films of several shapes and coverages; 77 (skipped) without numpy/scipy.
memnet=$1 py=$2 check=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for cfg in "100 100 0.65 1" "60 25 0.2 3" "30 80 0.5 5" "200 20 0.65 7"; do
    set -- $cfg
    "$memnet" generate nanoparticle --width "$1" --height "$2" --coverage "$3" --seed "$4" \
        --neighbours voronoi --keep all --out "$tmp/np.txt" --particles-out "$tmp/np.csv" \
        > "$tmp/np.kv" || fail "generate $cfg"
    grep -q '^# gen.neighbours=1$' "$tmp/np.txt" || fail "provenance gen.neighbours=1 missing ($cfg)"
    "$py" "$check" "$tmp/np.csv" "$tmp/np.txt" "$1" "$2" > "$tmp/out" 2>&1
    rc=$?
    [ $rc = 77 ] && exit 77
    [ $rc = 0 ] || { cat "$tmp/out"; fail "edges differ from scipy's Delaunay ($cfg)"; }
done
# the option's values, and a bad one named
"$memnet" generate nanoparticle --width 20 --height 20 --neighbours cutoff --out "$tmp/c.txt" \
    > /dev/null || fail "--neighbours cutoff"
"$memnet" generate nanoparticle --width 20 --height 20 --neighbours delaunay --out "$tmp/x.txt" \
    2> "$tmp/err" && fail "--neighbours delaunay accepted"
grep -q delaunay "$tmp/err" || fail "the bad --neighbours value is not named: $(cat "$tmp/err")"
exit 0
