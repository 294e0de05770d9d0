#!/bin/sh
# memnet meanfield on an L x L lattice between its left and right columns: unit-weight
# resistance R = (L-1)/L, Omega_N1 = R/(1+R), Tr(Omega~) = L^2 - 2L + 1 - Omega_N1 (contracted
# electrodes), and for equal g: G_eff = G_eff_mf = (1 + chi g) L/(L-1).
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
L=12
awk -v L=$L 'BEGIN { for (i = 0; i < L; i++) for (j = 0; j < L; j++) {
    if (j + 1 < L) print i*L+j, i*L+j+1; if (i + 1 < L) print i*L+j, (i+1)*L+j } }' > "$tmp/lat.txt"
src=$(awk -v L=$L 'BEGIN { s = ""; for (i = 0; i < L; i++) s = s (i ? "," : "") i*L; print s }')
dst=$(awk -v L=$L 'BEGIN { s = ""; for (i = 0; i < L; i++) s = s (i ? "," : "") i*L+L-1; print s }')
"$memnet" meanfield --help | grep -q "G_eff_mf" || fail "--help"
out=$("$memnet" meanfield --network "$tmp/lat.txt" --source "$src" --drain "$dst" --init 0.3 --chi 9)
echo "$out"
get() { echo "$out" | sed -n "s/^$1=//p"; }
check() { # name value expected reltol
    awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; s = b < 0 ? -b : b;
        exit !(d <= t * (s > 1e-300 ? s : 1)) }' || fail "$1 = $2, expected $3"
}
R=$(awk -v L=$L 'BEGIN { printf "%.17g", (L-1)/L }')
W=$(awk -v R=$R 'BEGIN { printf "%.17g", R/(1+R) }')
check Omega_N1 "$(get Omega_N1)" "$W" 1e-12
check trace_Omega "$(get trace_Omega)" "$(awk -v L=$L -v W=$W 'BEGIN { printf "%.17g", L*L-2*L+1-W }')" 1e-12
check trace_Omega2 "$(get trace_Omega2)" "$(awk -v L=$L -v W=$W 'BEGIN { printf "%.17g", L*L-2*L+1-W-W*(1-W) }')" 1e-12
check g_mean "$(get g_mean)" 0.3 1e-12
Gx=$(awk -v L=$L 'BEGIN { printf "%.17g", (1 + 9*0.3) * L/(L-1) }')
check G_eff "$(get G_eff)" "$Gx" 1e-12
check G_eff_mf "$(get G_eff_mf)" "$Gx" 1e-12
# <|Omega->|>: the L(L-1) row edges carry 1/L of the unit current, Omega->_i = (1/L)/(1+R); the
# (L-2)(L-1) rungs outside the electrodes carry none: mean = L / (2 (L-1) (2L-1))
OM=$(awk -v L=$L 'BEGIN { printf "%.17g", L/(2*(L-1)*(2*L-1)) }')
check Omega_mean "$(get Omega_mean)" "$OM" 1e-12
check outside_edges "$(get outside_edges)" "$(( 2 * (L - 1) ))" 0
# effective model of the lattice for miranda junctions (voltage source): G_min (1-W)/W and
# eta <|Omega->|>/W
out=$("$memnet" meanfield --network "$tmp/lat.txt" --source "$src" --drain "$dst" --junction miranda \
      --param Gmin=1e-3 --param Gmax=0.1 --param etaP=3)
get() { echo "$out" | sed -n "s/^$1=//p"; }
check eff.G_min "$(get eff.G_min)" "$(awk -v W=$W 'BEGIN { printf "%.17g", 1e-3*(1-W)/W }')" 1e-12
check eff.chi "$(get eff.chi)" 99 1e-12
check eff.eta_p "$(get eff.eta_p)" "$(awk -v W=$W -v om="$OM" 'BEGIN { printf "%.17g", 3*om/W }')" 1e-12
if "$memnet" meanfield --network "$tmp/lat.txt" --source "$src" --drain "$dst" --junction resistor 2> "$tmp/err"; then fail "resistor junction accepted"; fi
grep -q resistor "$tmp/err" || fail "message: $(cat "$tmp/err")"
# randomised estimate: <g> of a uniform state is exact whatever the diag estimate
out=$("$memnet" meanfield --network "$tmp/lat.txt" --source "$src" --drain "$dst" --init 0.3 --estimate 0.05 --seed 4)
echo "$out" | grep -q '^seed=4$' || fail "seed not printed"
check g_mean_random "$(get g_mean)" 0.3 1e-12
# non-uniform state correlated with the current paths (rows high, rungs low), so the weighting
# matters: the plain mean differs from <g> by ~40 standard errors at tolerance 0.003.
# --exact against an independent numpy computation of 000 eq. 25 (pinv of the contracted
# Laplacian); --estimate against --exact within 4 printed standard errors
awk 'BEGIN { srand(11) } { print ($2 - $1 == 1 ? 0.8 : 0.05) + 0.1 * rand() }' "$tmp/lat.txt" > "$tmp/g.txt"
gref=$(/usr/bin/python3 - "$L" "$tmp/g.txt" "$tmp/lat.txt" <<'PY'
import sys, numpy as np
L = int(sys.argv[1]); g = np.loadtxt(sys.argv[2]); E = np.loadtxt(sys.argv[3], dtype=int)
def node(v):  # left column -> source, right column -> drain (contracted)
    j = v % L
    return 0 if j == 0 else (1 if j == L - 1 else v + 2)
ids = sorted({node(v) for v in range(L * L)}); pos = {k: i for i, k in enumerate(ids)}
B = np.zeros((len(E), len(ids)))
for e, (u, v) in enumerate(E):
    a, b = pos[node(u)], pos[node(v)]
    if a != b: B[e, a] += 1; B[e, b] -= 1
Lp = np.linalg.pinv(B.T @ B)
bs = np.zeros(len(ids)); bs[pos[0]] = 1; bs[pos[1]] = -1
x = Lp @ bs; R = bs @ x
Ri = np.einsum('ij,jk,ik->i', B, Lp, B)      # leverage scores
Om = (B @ x) / (1 + R)                        # Omega->_i
w = Ri - Om**2 * (1 + R) - Om**2              # (Omega~^2)_ii
print("%.17g %.17g" % (w @ g / w.sum(), g.mean()))
PY
)
gexact=${gref% *}; gplain=${gref#* }
out=$("$memnet" meanfield --network "$tmp/lat.txt" --source "$src" --drain "$dst" --state "$tmp/g.txt" --chi 9 --exact)
check g_mean_exact "$(get g_mean)" "$gexact" 1e-10
out=$("$memnet" meanfield --network "$tmp/lat.txt" --source "$src" --drain "$dst" --state "$tmp/g.txt" --chi 9 --estimate 0.003 --seed 4)
gm=$(get g_mean); ge=$(get g_mean_err)
echo "non-uniform state: <g> exact $gexact (plain mean $gplain), estimate $gm +- $ge"
awk -v a="$gm" -v b="$gexact" -v e="$ge" 'BEGIN { d = a - b; if (d < 0) d = -d;
    exit !(e > 0 && e < 0.01 * b && d < 4 * e) }' || fail "estimated g_mean $gm +- $ge, exact $gexact"
# errors: bad state file, unknown option (exit 2), disconnected electrodes
printf '0.1\n0.2\n' > "$tmp/short.txt"
if "$memnet" meanfield --network "$tmp/lat.txt" --source 0 --drain 5 --state "$tmp/short.txt" 2> "$tmp/err"; then fail "short state accepted"; fi
grep -q "fewer" "$tmp/err" || fail "message: $(cat "$tmp/err")"
set +e
"$memnet" meanfield --bogus 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown option exit $rc"
echo "meanfield CLI tests passed"
