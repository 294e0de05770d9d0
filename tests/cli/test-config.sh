#!/bin/sh
# Run description files: --config expands to options; errors name the file and line.
set -eu
memnet=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

printf '# comment\n\ncommand = info   # trailing comment\n' > "$tmp/ok.cfg"
out=$("$memnet" info --config "$tmp/ok.cfg") || fail "valid config rejected"
echo "$out" | grep -q '^memnet_version=' || fail "info output missing memnet_version"

printf 'command = simulate\n' > "$tmp/wrong.cfg"
if "$memnet" info --config "$tmp/wrong.cfg" 2> "$tmp/err"; then fail "wrong command accepted"; fi
grep -q "wrong.cfg line 1" "$tmp/err" || fail "message does not name file and line: $(cat "$tmp/err")"

printf 'command = info\nnot a key value line\n' > "$tmp/bad.cfg"
if "$memnet" info --config "$tmp/bad.cfg" 2> "$tmp/err"; then fail "malformed line accepted"; fi
grep -q "bad.cfg line 2" "$tmp/err" || fail "message does not name line 2: $(cat "$tmp/err")"

if "$memnet" info --config "$tmp/missing.cfg" 2> "$tmp/err"; then fail "missing file accepted"; fi
grep -q "missing.cfg" "$tmp/err" || fail "message does not name the file"

# a key becomes an option: info rejects unknown options, naming them
printf 'bogus-option = 3\n' > "$tmp/opt.cfg"
if "$memnet" info --config "$tmp/opt.cfg" 2> "$tmp/err"; then fail "unknown option accepted"; fi
grep -q -- "--bogus-option" "$tmp/err" || fail "expanded option not passed through: $(cat "$tmp/err")"
echo "config tests passed"
