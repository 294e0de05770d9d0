#!/bin/sh
# memnet potential, linear model (000 eq. 15): equilibria solve alpha x (1 - chi x) = k v, so for
# chi > 1/2 the transition is first order with folds at v = alpha (1 - chi)/k and alpha/(4 chi k).
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"
out=$("$memnet" potential --model linear --set chi=0.8 --set alpha=1.3 --set k=0.7 --v-min 0 --v-max 1 --steps 20)
get() { echo "$out" | sed -n "s/^$1=//p"; }
[ "$(get order)" = first-order ] || fail "order $(get order)"
awk -v a="$(get v_fold2)" 'BEGIN { b = 1.3/(4*0.8*0.7); d = a - b; exit !(d < 1e-9 && d > -1e-9) }' || fail "fold2"
awk -v a="$(get v_fold1)" 'BEGIN { b = 1.3*0.2/0.7; d = a - b; exit !(d < 1e-9 && d > -1e-9) }' || fail "fold1"
# every stable interior equilibrium in the file satisfies the quadratic
awk -F, 'NR > 1 && $3 == "stable" && $2 < 1 { r = 1.3*$2*(1 - 0.8*$2) - 0.7*$1; if (r > 1e-9 || r < -1e-9) bad = 1 }
    END { exit bad }' equilibria.csv || fail "equilibria"
# the potential curve: V(x) = alpha x^2/2 + (k v/chi) log(1 - chi x)
awk -F, 'NR > 1 { e = 1.3*$2*$2/2 + (0.7*$1/0.8)*log(1 - 0.8*$2); d = $3 - e; if (d > 1e-9 || d < -1e-9) bad = 1 }
    END { exit bad }' potential.csv || fail "potential"
[ "$(grep -vc '^#' sweep.csv)" -eq 22 ] || fail "sweep rows"
out=$("$memnet" potential --model linear --set chi=0.3 --v-min 0 --v-max 2)
[ "$(get order)" = continuous ] || fail "chi = 0.3 should be continuous"
# chi = 0.6 (issue 15 item 2): a narrow bistable window [0.4, 0.41667]; the Maxwell point, where
# V(x_lo) = V(1) with 000 eq. 15 and alpha = k = 1, is 0.4121498541 (solved independently)
out=$("$memnet" potential --model linear --set chi=0.6 --v-min 0 --v-max 1 --steps 10)
[ "$(get order)" = first-order ] || fail "chi = 0.6: order $(get order)"
awk -v a="$(get v_threshold)" 'BEGIN { d = a - 0.4121498541; exit !(d < 1e-9 && d > -1e-9) }' ||
    fail "chi = 0.6: v_threshold=$(get v_threshold), expected 0.4121498541"
# hillock defaults = 000 Fig. 3 (issue 15 item 5): first order, fold at the maximum of
# v*(g) = g (1-g) e^{-(1-g)}, g = (sqrt 5 - 1)/2: 0.16112; --preset 003 (g_max = 1/2): continuous
out=$("$memnet" potential --model hillock --v-min -0.5 --v-max 0.5 --steps 10)
[ "$(get order)" = first-order ] || fail "hillock default: order $(get order)"
awk -v a="$(get v_fold2)" 'BEGIN { g = (sqrt(5) - 1)/2; b = g*(1-g)*exp(g-1); d = a - b; exit !(d < 1e-9 && d > -1e-9) }' ||
    fail "hillock default: v_fold2=$(get v_fold2)"
out=$("$memnet" potential --model hillock --preset 003 --v-min -0.5 --v-max 0.5 --steps 10)
[ "$(get order)" = continuous ] && [ "$(get param.g_max)" = 0.5 ] || fail "hillock --preset 003: $(get order)"
out=$("$memnet" potential --model hillock --preset 003 --set g_max=0.9 --set a=1 --v-min -0.5 --v-max 0.5 --steps 10)
[ "$(get order)" = first-order ] || fail "--set after --preset"
if "$memnet" potential --model miranda --preset 003 --v-min 0 --v-max 1 2> err > /dev/null; then
    fail "--preset on miranda accepted"; fi
grep -q "hillock" err || fail "preset message: $(cat err)"
if "$memnet" potential --model linear --v-min 2 --v-max 1 2>/dev/null; then fail "bad range accepted"; fi
if "$memnet" potential --model linear --set chi=3 --v-min 0 --v-max 1 2> err; then fail "chi = 3 accepted"; fi
grep -q "chi = 3" err || fail "message: $(cat err)"
echo "potential CLI tests passed"
