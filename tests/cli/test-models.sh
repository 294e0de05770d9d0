#!/bin/sh
# memnet models: key=value listing of every model with states, parameters, units, defaults and
# ranges (the defaults checked here are the papers' values: 003 Table 1 and sec. 5.2,
# 004 Fig. 3); one model by name; the table; errors.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
has() { grep -qx -- "$1" "$tmp/out" || fail "missing line '$1'"; }

"$memnet" models > "$tmp/out" || fail "memnet models failed"
has 'models=miranda,hillock,strukov_hp,strukov_cb,filament,resistor,atomic_switch,tunnel_switch,vteam'
has 'atomic_switch.params=V_set,V_reset,lambda_crit,lambda_max,b,lambda_eps,unipolar,G_on,G_off'
has 'tunnel_switch.s_max.default=5'
has 'vteam.k_off.default=0.0005'
grep -q '^memnet_version=' "$tmp/out" || fail "no memnet_version line"
has 'miranda.params=k_p,k_d,eta_p,eta_d,G_min,G_max,unipolar'
has 'miranda.k_p.default=0.0005'
has 'miranda.k_d.default=0.05'
has 'miranda.eta_p.unit=1/V'
has 'miranda.G_max.default=1'
has 'miranda.exact_step=1'
has 'hillock.params=mu,kappa,alpha,beta,T,g_max,unipolar'
has 'hillock.mu.default=3.46e-05'
has 'hillock.kappa.default=0.038'
has 'hillock.T.default=20'
has 'hillock.g_max.default=0.5'
has 'hillock.needs_length=1'
has 'strukov_hp.window.default=joglekar'
has 'strukov_hp.window.choices=none,joglekar,biolek,prodromakis'
has 'strukov_cb.Roff.default=16000'
has 'strukov_cb.gamma.default=10'
has 'filament.states=d,w,bridged'
has 'filament.events=2'
has 'filament.ET.default=10'
has 'filament.IT.default=0.01'
has 'filament.Gon.default=10'
has 'filament.beta.default=200'
has 'resistor.states='
# every parameter of every model has kind, unit, default and description lines
for m in miranda hillock strukov_hp strukov_cb filament resistor atomic_switch tunnel_switch vteam; do
  params=$(sed -n "s/^$m\.params=//p" "$tmp/out" | tr ',' ' ')
  [ -n "$params" ] || fail "$m has no params line"
  for p in $params; do
    for k in kind unit default description; do
      grep -q "^$m\.$p\.$k=" "$tmp/out" || fail "$m.$p.$k missing"
    done
  done
done

"$memnet" models filament > "$tmp/out" || fail "memnet models filament failed"
has 'models=filament'
if grep -q '^miranda\.' "$tmp/out"; then fail "other models listed"; fi

"$memnet" models --table hillock > "$tmp/out" || fail "--table failed"
grep -q 'g_max' "$tmp/out" || fail "table lacks g_max"

"$memnet" models --names > "$tmp/out"
[ "$(wc -l < "$tmp/out")" -eq 9 ] || fail "--names does not give 9 lines"

"$memnet" models --help > "$tmp/out" || fail "--help failed"
grep -q '^usage: memnet models' "$tmp/out" || fail "--help lacks usage"

set +e
"$memnet" models nosuchmodel > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown model: exit $rc, expected 2 (a bad argument is a usage error)"
grep -q 'nosuchmodel' "$tmp/err" || fail "message does not name the model: $(cat "$tmp/err")"
set +e
"$memnet" models --bogus > /dev/null 2> "$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown option: exit $rc, expected 2"
grep -q -- '--bogus' "$tmp/err" || fail "message does not name the option"

printf 'command = models\ntable =\n' > "$tmp/m.cfg"
"$memnet" models --config "$tmp/m.cfg" miranda > "$tmp/out" || fail "--config failed"
grep -q 'eta_d' "$tmp/out" || fail "--config table lacks eta_d"
echo "models CLI tests passed"
