#!/usr/bin/python3
"""Check that `memnet <command> --json` printed the same results as the key=value form.

usage: kvjson.py KV_FILE JSON_FILE [KEY=TYPE ...]
Every key of the key=value output must be in the JSON object and nothing else; numbers must be
JSON numbers equal to the printed value (nan/inf as null), comma lists of numbers arrays, and
the rest strings equal to the printed text. KEY=TYPE (int, float, str, list) asserts the JSON
type of a key. Parsed with the standard json module (strict: NaN/Infinity are rejected).
"""
import json
import math
import sys


def reject(name):
    raise ValueError("non-standard JSON constant " + name)


kv = {}
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if "=" in line:
        k, v = line.split("=", 1)
        assert k not in kv, "duplicate key " + k
        kv[k] = v
js = json.load(open(sys.argv[2]), parse_constant=reject)
assert isinstance(js, dict), type(js)
assert list(js) == list(kv), "keys differ: %s" % (set(js) ^ set(kv) or "order")


def num(text):
    try:
        return float(text)
    except ValueError:
        return None


for k, v in kv.items():
    j = js[k]
    if j is None:
        x = num(v)
        assert x is not None and not math.isfinite(x), (k, v)
    elif isinstance(j, bool):
        raise AssertionError("boolean for %s" % k)
    elif isinstance(j, (int, float)):
        assert num(v) == j, (k, v, j)
        if isinstance(j, int):
            assert v.lstrip("-").isdigit() and int(v) == j, (k, v, j)
    elif isinstance(j, list):
        parts = v.split(",") if v else []
        assert len(parts) == len(j), (k, v, j)
        for p, x in zip(parts, j):
            assert (p == x) if isinstance(x, str) else (num(p) == x), (k, p, x)
    else:
        assert isinstance(j, str) and j == v, (k, v, j)
for spec in sys.argv[3:]:
    k, t = spec.split("=")
    want = {"int": int, "float": (int, float), "str": str, "list": list}[t]
    assert isinstance(js[k], want) and not isinstance(js[k], bool), (k, js[k], t)
print("kvjson: %d keys agree" % len(kv))
