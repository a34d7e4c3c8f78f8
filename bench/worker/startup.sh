#!/usr/bin/env bash
# The Functions worker's start-up cost without the Functions host (which cannot run here), ReadyToRun vs not, and its
# GC mode: publishes bench/worker/WorkerStartup both ways and runs each RUNS times per GC mode against Azurite.
#   bash bench/worker/startup.sh            # results in bench/results/worker-startup-<time>/
# Knobs: RUNS (5), BURST (requests after start-up, 2000).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
RUNS=${RUNS:-5} BURST=${BURST:-2000}
RESULTS=${RESULTS:-bench/results/worker-startup-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out/worker-startup
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
trap 'bench_cleanup; rm -rf "$BENCH_TMP"' EXIT INT TERM
machine_info >"$RESULTS/machine.txt"
bench_storage

for mode in jit r2r; do
  r2r=false; [ "$mode" = r2r ] && r2r=true
  dotnet publish bench/worker/WorkerStartup -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=$r2r \
    -o "$OUT/$mode" -v q -nologo >"$BENCH_TMP/publish-$mode.log" 2>&1 || { tail -30 "$BENCH_TMP/publish-$mode.log"; exit 1; }
done

for i in $(seq "$RUNS"); do
  for mode in jit r2r; do
    for gc in 0 1; do
      PREFIX="wsb$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
      line=$(DOTNET_gcServer=$gc BURST=$BURST Sessions__ProjectId="project-test-00000000-0000-4000-8000-000000000001" \
        Sessions__ProjectSecret="secret-bench-startup-only" Sessions__UserInfoUrl="http://127.0.0.1:9/userinfo" \
        Storage__ConnectionString="$BENCH_STORAGE" Storage__TablePrefix="$PREFIX" Signing__LocalKeyPath="$BENCH_TMP/key.pem" \
        "$OUT/$mode/WorkerStartup")
      python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(mode=sys.argv[2], run=int(sys.argv[3])); print(json.dumps(r))' "$line" "$mode" "$i" | tee -a "$RESULTS/startup.jsonl"
    done
  done
done
