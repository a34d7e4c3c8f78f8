#!/usr/bin/env bash
# Attest beside migrate in one interleaved run (migrate, attest; attest, migrate; ...) on one Server (Release) over real
# HTTP: Server CPU time per request from /proc/<pid>/stat, throughput, and the X-Request-Cost of every request.
#
#   bash bench/attest/run.sh                    # about 2-4 minutes; results in bench/results/attest-<time>/
#   ROUNDS=6 PER_ROUND=300 CONCURRENCY=16 bash bench/attest/run.sh
#
# Migrate goes through the dev UserInfo endpoint (scripts/dev-userinfo.mjs); attest through a provider whose JWKS and
# RS256 tokens bench/attest/drive.mjs serves and signs itself. Storage: BENCH_AZURITE=shared uses the Azurite on 10002.
# Every process it starts is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh

RESULTS=${RESULTS:-bench/results/attest-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
trap 'set +e; bench_cleanup; rm -rf "$BENCH_TMP"' EXIT INT TERM
machine_info | tee "$RESULTS/machine.txt"

dotnet build src/SessionFunctions.Server -c Release --artifacts-path "$OUT" -v q -nologo >"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
bench_storage

UI_PORT=$(free_port); JWKS_PORT=$(free_port); API_PORT=$(free_port)
node scripts/dev-userinfo.mjs "$UI_PORT" >"$BENCH_TMP/userinfo.log" 2>&1 &
bench_track $!
PROJECT="project-test-$(python3 -c 'import uuid; print(uuid.uuid4())')"
SECRET="secret-bench-$(head -c 24 /dev/urandom | base64 | tr '/+' '_-' | tr -d '=\n')"
ISSUER="http://127.0.0.1:$JWKS_PORT/"
PREFIX="bench$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
Sessions__ProjectId=$PROJECT Sessions__ProjectSecret=$SECRET Sessions__UserInfoUrl="http://127.0.0.1:$UI_PORT/userinfo" \
Sessions__Providers__idp__Issuer=$ISSUER Sessions__Providers__idp__Audience=bench-api \
Sessions__Providers__idp__JwksUrl="http://127.0.0.1:$JWKS_PORT/jwks" \
Storage__ConnectionString=$BENCH_STORAGE Storage__TablePrefix=$PREFIX Signing__LocalKeyPath="$BENCH_TMP/key/signing-key.pem" \
Api__ExposeRequestCosts=true Api__RateLimit__ProjectPermits=0 Api__RateLimit__ClientPermits=0 \
  dotnet "$OUT/bin/SessionFunctions.Server/release/SessionFunctions.Server.dll" --urls "http://127.0.0.1:$API_PORT" \
    --contentRoot "$PWD/$OUT/bin/SessionFunctions.Server/release" >"$BENCH_TMP/server.log" 2>&1 &
SERVER_PID=$!
bench_track $SERVER_PID
wait_http "http://127.0.0.1:$API_PORT/v1/b2b/sessions/jwks/$PROJECT"

SERVER_PID=$SERVER_PID API_URL="http://127.0.0.1:$API_PORT" PROJECT=$PROJECT SECRET=$SECRET ISSUER=$ISSUER JWKS_PORT=$JWKS_PORT \
USERINFO_URL="http://127.0.0.1:$UI_PORT/userinfo" node bench/attest/drive.mjs | tee "$RESULTS/attest.jsonl"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"
