#!/usr/bin/env bash
# Sweep scaling: time and table round trips to sweep E expired sessions among N live ones.
#   bash bench/sweep/run.sh                         # N in {100,1000}, E in {0,10,100,500}, median of 3; ~2 minutes
#   LIVE=100,1000,3000 EXPIRED=0,10,100,500 REPEATS=3 bash bench/sweep/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
LIVE=${LIVE:-100,1000} EXPIRED=${EXPIRED:-0,10,100,500} REPEATS=${REPEATS:-3}
RESULTS=${RESULTS:-bench/results/sweep-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
trap 'bench_cleanup; rm -rf "$BENCH_TMP"' EXIT INT TERM
machine_info | tee "$RESULTS/machine.txt"
dotnet build bench/sweep/SweepBench -c Release --artifacts-path "$OUT" -v q -nologo >"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
bench_storage
dotnet "$OUT/bin/SweepBench/release/SweepBench.dll" "$BENCH_STORAGE" "$LIVE" "$EXPIRED" "$REPEATS" | tee "$RESULTS/sweep.txt"
