#!/usr/bin/env bash
# Interleaved wall-clock A/B of `lab eval` between a base checkout and this one:
#   scripts/shared-context-cli-ab.sh BASE_DIR ROUNDS -- LAB_EVAL_ARGS...
# runs base, this, base, this, ... and prints one line per run: which, seconds, exit status.
# Each run's table goes to $AB_OUT/<which>-<round>.txt (default: lab-ab under the system temp directory).
set -u
base="$1"; rounds="$2"; shift 3
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${AB_OUT:-${TMPDIR:-/tmp}/lab-ab}"; mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for which in base this; do
    dir="$base"; [ "$which" = this ] && dir="$here"
    t0=$(date +%s.%N)
    (cd "$dir" && node bin/lab.js eval "$@" >"$out/$which-$r.txt" 2>"$out/$which-$r.err")
    rc=$?
    t1=$(date +%s.%N)
    printf '%s round %s: %.1f s (exit %s, load %s)\n' "$which" "$r" "$(echo "$t1 - $t0" | bc)" "$rc" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
