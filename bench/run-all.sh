#!/usr/bin/env bash
# Every measurement in bench/README.md, one after the other (never in parallel: they share 2 cores). ~20 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
STAMP=$(date -u +%Y%m%d-%H%M%S)
status=0
RESULTS=bench/results/bdn-$STAMP       bash bench/run-benchmarks.sh    || status=1
RESULTS=bench/results/load-$STAMP      bash bench/load/run.sh          || status=1
RESULTS=bench/results/sweep-$STAMP     bash bench/sweep/run.sh         || status=1
RESULTS=bench/results/coldstart-$STAMP bash bench/coldstart/run.sh     || status=1
echo "results: bench/results/*-$STAMP"
exit $status
