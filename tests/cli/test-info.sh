#!/bin/sh
# memnet info: --json carries the key=value lines; the version agrees with --version.
set -u
memnet=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$memnet" info > "$tmp/a.kv" || fail "info"
"$memnet" info --json > "$tmp/a.json" || fail "info --json"
/usr/bin/python3 "$here/kvjson.py" "$tmp/a.kv" "$tmp/a.json" memnet_version=str \
    memnet_version_number=int > /dev/null || fail "--json differs from key=value"
[ "memnet $(sed -n 's/^memnet_version=//p' "$tmp/a.kv")" = "$("$memnet" --version)" ] || fail "version"
"$memnet" info --bogus > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: not exit 2"
# --json comes after --config expansion too
printf 'json =\n' > "$tmp/c.cfg"
"$memnet" info --config "$tmp/c.cfg" | /usr/bin/python3 -c 'import json, sys; json.load(sys.stdin)' ||
    fail "json = in a config file"
echo "info CLI tests passed"
