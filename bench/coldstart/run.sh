#!/usr/bin/env bash
# Cold start: process start of the Release Server -> first 200 on JWKS, RUNS times per variant (median reported).
#   bash bench/coldstart/run.sh            # ~1-2 minutes
# Variants: "release" (dotnet build -c Release, as run-local.sh runs it), "release, CreateTables=false" (the tables
# exist, as Bicep deploys them: no start-up table round trips), and "ReadyToRun" (dotnet publish
# -p:PublishReadyToRun=true of the same sources into bench/.out; no src change), and "baseline" (bench/Baseline).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
RUNS=${RUNS:-7}
RESULTS=${RESULTS:-bench/results/coldstart-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
BASE_URL=""
cleanup() { set +e; bench_cleanup; rm -rf "$BENCH_TMP"; }
trap cleanup EXIT INT TERM
machine_info | tee "$RESULTS/machine.txt"

dotnet build src/SessionFunctions.Server -c Release --artifacts-path "$OUT" -v q -nologo >"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
dotnet build bench/Baseline -c Release --artifacts-path "$OUT" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
R2R=1
dotnet publish src/SessionFunctions.Server -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  --artifacts-path "$OUT/r2r" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { R2R=0; echo "ReadyToRun publish failed (see below); skipping that variant"; tail -5 "$BENCH_TMP/build.log"; }

bench_storage
PREFIX="cold$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PROJECT="project-test-$(python3 -c 'import uuid; print(uuid.uuid4())')"
export Sessions__ProjectId=$PROJECT Sessions__ProjectSecret="secret-bench-0123456789abcdef" Sessions__UserInfoUrl="http://127.0.0.1:9/userinfo"
export Storage__ConnectionString=$BENCH_STORAGE Storage__TablePrefix=$PREFIX Signing__LocalKeyPath="$BENCH_TMP/key/signing-key.pem"
SERVER_DIR="$PWD/$OUT/bin/SessionFunctions.Server/release"
R2R_DIR="$PWD/$OUT/r2r/publish/SessionFunctions.Server/release_linux-x64"
JWKS="/v1/b2b/sessions/jwks/$PROJECT"
{
  node bench/coldstart/coldstart.mjs "release" "$RUNS" "$JWKS" -- dotnet "$SERVER_DIR/SessionFunctions.Server.dll" --contentRoot "$SERVER_DIR"
  Storage__CreateTables=false node bench/coldstart/coldstart.mjs "release, Storage__CreateTables=false" "$RUNS" "$JWKS" -- dotnet "$SERVER_DIR/SessionFunctions.Server.dll" --contentRoot "$SERVER_DIR"
  if [ "$R2R" = 1 ]; then
    node bench/coldstart/coldstart.mjs "ReadyToRun publish" "$RUNS" "$JWKS" -- dotnet "$R2R_DIR/SessionFunctions.Server.dll" --contentRoot "$R2R_DIR"
    Storage__CreateTables=false node bench/coldstart/coldstart.mjs "ReadyToRun publish, Storage__CreateTables=false" "$RUNS" "$JWKS" -- dotnet "$R2R_DIR/SessionFunctions.Server.dll" --contentRoot "$R2R_DIR"
  fi
  BASE_STORAGE=$BENCH_STORAGE BASE_PREFIX="${PREFIX}base" node bench/coldstart/coldstart.mjs "baseline (bench/Baseline)" "$RUNS" /jwks -- dotnet "$PWD/$OUT/bin/Baseline/release/Baseline.dll"
} | tee "$RESULTS/coldstart.jsonl"
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS/machine.txt"
