#!/bin/sh
# memnet cb: S_c of 002 eq. 11 and switching of the n = 1000 circuit just above / below it.
set -eu
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fail() { echo "FAIL: $*"; exit 1; }
"$memnet" cb --help | grep -q "S_c" || fail "--help"
args="--n 1000 --Ron 100 --Roff 1600 --Rref 1000 --Rint 300 --alpha 1 --gamma 1"
# S_c = alpha gamma ((Roff + Rref)/Ron - Rref^2/(Ron (Rint + Rref))) = 26 - 10000/1300
Sc=$(awk 'BEGIN { printf "%.17g", 26 - 1000000/(100*1300) }')
out=$("$memnet" cb $args --S 10)
echo "$out" | grep -q "^S_c=" || fail "no S_c"
got=$(echo "$out" | sed -n 's/^S_c=//p')
awk -v a="$got" -v b="$Sc" 'BEGIN { d = a - b; exit !(d < 1e-12 && d > -1e-12) }' || fail "S_c $got vs $Sc"
above=$(awk -v s="$Sc" 'BEGIN { printf "%.17g", 1.01*s }')
below=$(awk -v s="$Sc" 'BEGIN { printf "%.17g", 0.99*s }')
w1=$("$memnet" cb $args --S "$above" --t-end 60 2>/dev/null | sed -n 's/^w_sim_eq34=//p')
w0=$("$memnet" cb $args --S "$below" --t-end 60 2>/dev/null | sed -n 's/^w_sim_eq34=//p')
[ "$w1" = 0 ] || fail "above S_c: mean w = $w1, expected 0"
[ "$w0" = 1 ] || fail "below S_c: mean w = $w0, expected 1"
# the generic network simulation, when this build has the stepper
g1=$("$memnet" cb $args --S "$above" --t-end 60 2>/dev/null | sed -n 's/^w_sim=//p')
if [ -n "$g1" ]; then
    g0=$("$memnet" cb $args --S "$below" --t-end 60 2>/dev/null | sed -n 's/^w_sim=//p')
    awk -v a="$g1" 'BEGIN { exit !(a < 1e-6 && a > -1e-6) }' || fail "w_sim above S_c = $g1"
    awk -v a="$g0" 'BEGIN { exit !(a - 1 < 1e-6 && a - 1 > -1e-6) }' || fail "w_sim below S_c = $g0"
fi
if "$memnet" cb $args 2>/dev/null; then fail "missing --S accepted"; fi
if "$memnet" cb --n 10 --Ron 100 --Roff 50 --Rref 1 --Rint 1 --alpha 1 --gamma 1 --S 1 2> /tmp/cb-err.$$; then fail "Roff < Ron accepted"; fi
grep -q "R_off = 50" /tmp/cb-err.$$ || fail "message: $(cat /tmp/cb-err.$$)"
rm -f /tmp/cb-err.$$
# issue 15 item 7: eq. 12 is labelled a formula; the run's own sensitivity d<w>/dS is measured.
# alpha = -1 from w = 1: the run converges to the homogeneous fixed point psi = (-(chi - rho) +
# sqrt((chi - rho)^2 + 4 xi s))/(2 xi), s = S/(alpha gamma), whose derivative in closed form is
# 1/(alpha gamma sqrt((chi - rho)^2 + 4 xi s)) (xi = 159, chi - rho = 1.5, s = 20)
out=$("$memnet" cb --n 50 --Ron 100 --Roff 16000 --Rref 100 --Rint 100 --alpha -1 --gamma 1 --S -20 --quiet)
echo "$out" | grep -q '^susceptibility_eq12_formula=' || fail "no susceptibility_eq12_formula"
sens=$(echo "$out" | sed -n 's/^sensitivity_sim=//p')
awk -v a="$sens" 'BEGIN { b = -1/sqrt(2.25 + 4*159*20); d = (a - b)/b; exit !(d < 1e-5 && d > -1e-5) }' ||
    fail "sensitivity_sim=$sens, closed form $(awk 'BEGIN { print -1/sqrt(2.25 + 4*159*20) }')"
echo "cb CLI tests passed"
