#!/usr/bin/env bash
# BenchmarkDotNet micro-benchmarks (bench/SessionFunctions.Benchmarks), in process, short job, MemoryDiagnoser.
#   bash bench/run-benchmarks.sh                      # everything, ~6-8 minutes on 2 cores
#   bash bench/run-benchmarks.sh --filter '*Jwt*'     # one class (any BenchmarkDotNet arguments pass through)
#   bash bench/run-benchmarks.sh --list flat          # the benchmark names
# Builds into bench/.out (never into src/*/bin or obj) and runs in process (InProcessEmitToolchain; pass --out-of-process for the default toolchain), so it does not rebuild the
# src projects into their own folders while other work builds them. Results: bench/results/bdn-<time>/results/*.md
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
RESULTS=${RESULTS:-bench/results/bdn-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$RESULTS"
machine_info >"$RESULTS/machine.txt"
dotnet build bench/SessionFunctions.Benchmarks -c Release --artifacts-path bench/.out -v q -nologo >"$RESULTS/build.log" 2>&1 || { tail -30 "$RESULTS/build.log"; exit 1; }
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--filter '*')
dotnet bench/.out/bin/SessionFunctions.Benchmarks/release/SessionFunctions.Benchmarks.dll --artifacts "$RESULTS" "${args[@]}" | tee "$RESULTS/console.log"
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"
rm -f "$RESULTS/build.log"
