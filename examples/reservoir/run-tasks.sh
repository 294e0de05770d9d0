#!/bin/sh
# Every reservoir task of docs/reservoir.md on one nanowire network, with its figure.
#
#   examples/reservoir/run-tasks.sh BUILD_DIR OUT_DIR [WIRES [EXTRA OPTIONS...]]
#
# WIRES defaults to 3000 (5 input and 3 output electrodes, as in docs/reservoir.md); the
# extra options go to every `memnet reservoir` call (e.g. --n-probes 4, --delays 2).
# Writes OUT_DIR/TASK.txt (key=value results), OUT_DIR/TASK.csv and OUT_DIR/TASK.png; needs
# Debian's /usr/bin/python3 with numpy and matplotlib for the figures.
set -eu
build=$1
out=$2
wires=${3:-3000}
shift 2
[ $# -gt 0 ] && shift
memnet="$build/tools/memnet"
mkdir -p "$out"
for task in sine-square sine-double mackey-glass narma10 memory digits; do
    "$memnet" reservoir "$task" --wires "$wires" --out "$out/$task.csv" "$@" > "$out/$task.txt"
    printf '%-13s %s\n' "$task" "$(grep -E '^(score|baseline|reservoir_cpu_seconds|reservoir_wall_seconds)=' "$out/$task.txt" | tr '\n' ' ')"
done
/usr/bin/python3 "$(dirname "$0")/plot-reservoir.py" "$out"
