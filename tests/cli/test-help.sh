#!/bin/sh
# memnet help CMD, memnet info's dependency versions, the man page, and the exit codes
# docs/cli.md states, the same for the same error in every command: an unknown model name is a
# usage error (2) in simulate, meanfield, fit and potential; `generate` warns on stderr when the
# network does not span between its electrodes.
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${MEMNET_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"

# help CMD == CMD --help, for every command memnet --help lists; the man page names each
cmds=$("$memnet" --help | sed -n 's/^  \([a-z]*\)  .*/\1/p')
[ "$(echo "$cmds" | wc -w)" -ge 10 ] || fail "memnet --help lists too few commands: $cmds"
for c in $cmds; do
    "$memnet" help "$c" > a.txt 2>&1 || fail "memnet help $c: exit $?"
    "$memnet" "$c" --help > b.txt 2>&1 || fail "memnet $c --help: exit $?"
    cmp -s a.txt b.txt || fail "memnet help $c differs from memnet $c --help"
    grep -q "^usage: memnet $c" a.txt || fail "memnet help $c: no usage line"
    grep -q "^\.B $c\$" "$src/tools/memnet.1" || fail "man page lacks command $c"
done
"$memnet" help nosuch > /dev/null 2> err; [ $? -eq 2 ] || fail "memnet help nosuch: not 2"
grep -q nosuch err || fail "memnet help nosuch: message does not name it"
"$memnet" help > out || fail "memnet help: exit $?"
grep -q '^commands:' out || fail "memnet help does not list the commands"
if command -v groff > /dev/null; then
    groff -man -Tutf8 -ww "$src/tools/memnet.1" > /dev/null 2> groff.err
    [ -s groff.err ] && fail "man page: groff warnings: $(cat groff.err)"
fi

# info: the libraries in use (run-time versions; on a build machine they equal the headers')
"$memnet" info > info.kv || fail "memnet info: exit $?"
for k in memnet_version cholmod_version sundials_version blas openmp build_type compiler library; do
    grep -q "^$k=." info.kv || fail "memnet info: no $k= line"
done
v=$(sed -n 's/^cholmod_version=//p' info.kv)
echo "$v" | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+$' || fail "cholmod_version=$v"
[ "$v" = "$(sed -n 's/^cholmod_header_version=//p' info.kv)" ] || fail "CHOLMOD run-time $v != header"
[ "$(sed -n 's/^sundials_version=//p' info.kv)" = "$(sed -n 's/^sundials_header_version=//p' info.kv)" ] ||
    fail "SUNDIALS run-time version != header"
"$memnet" info --json > info.json || fail "memnet info --json"
/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["cholmod_version"]' info.json ||
    fail "info --json"

# an unknown model: exit 2 (usage error) in every command that takes a model name
printf '0 1\n1 2\n' > line.txt
printf 't,V,G\n0,1,1e-3\n1,1,1.1e-3\n2,1,1.2e-3\n3,1,1.3e-3\n4,1,1.4e-3\n5,1,1.5e-3\n6,1,1.6e-3\n7,1,1.7e-3\n8,1,1.8e-3\n' > d.csv
check2() { # NAME CMD...
    name=$1; shift
    "$memnet" "$@" > /dev/null 2> err; rc=$?
    [ $rc -eq 2 ] || fail "$name: unknown model exits $rc, expected 2: $(cat err)"
    grep -q 'unknown.*"nosuch"' err || fail "$name: message does not name the model: $(cat err)"
}
check2 simulate simulate --network line.txt --model nosuch --source 0 --drain 2 --waveform dc:1 \
    --t-end 1 --dt-out 1 --out x.csv
check2 "simulate --mix" simulate --network line.txt --mix miranda:1,nosuch:1 --source 0 --drain 2 \
    --waveform dc:1 --t-end 1 --dt-out 1 --out x.csv
check2 meanfield meanfield --network line.txt --source 0 --drain 2 --junction nosuch
check2 fit fit --data d.csv --model nosuch
check2 potential potential --model nosuch --v-min 0 --v-max 1
"$memnet" models nosuch > /dev/null 2>&1; [ $? -eq 2 ] || fail "models nosuch: not 2"

# generate: a network that does not span warns on stderr (and still exits 0 with spanning=0);
# one that spans says nothing there
"$memnet" generate nanowire --wires 60 --length 10 --width 60 --height 60 --seed 3 --out s.mn \
    > s.kv 2> s.err || fail "generate (sparse): exit $?"
grep -q '^spanning=0$' s.kv || fail "sparse network spans?"
grep -q 'warning: the network does not span between its electrodes left and right' s.err ||
    fail "no warning for a network that does not span: $(cat s.err)"
"$memnet" generate nanowire --wires 600 --length 10 --width 60 --height 60 --seed 3 --out d.mn \
    > d.kv 2> d.err || fail "generate (dense): exit $?"
grep -q '^spanning=1$' d.kv || fail "dense network does not span"
[ -s d.err ] && fail "a spanning network warned: $(cat d.err)"
echo "help, info, man page, exit codes and the spanning warning ok"
