#!/usr/bin/env bash
# Load test over real HTTP on loopback: SessionFunctions.Server (Release) on Azurite, against a bare ASP.NET Core
# baseline (bench/Baseline) doing the same unavoidable I/O, endpoint by endpoint, with wrk.
#
#   bash bench/load/run.sh                      # about 5 minutes; results in bench/results/load-<time>/
#   DURATION=15 CONNECTIONS=32 bash bench/load/run.sh
#
# Knobs: DURATION (s per measured run, 12), WARMUP (s, 3), CONNECTIONS (64), THREADS (wrk threads, 1),
# MEMBERS (2000), SESSIONS (2000), SAMPLES (requests read for X-Request-Cost, 20), BENCH_AZURITE (own|shared),
# ENDPOINTS (which to load: "migrate authenticate-token authenticate-jwt jwks"), and CONTENT_ROOT=cwd to start the
# Server without --contentRoot, i.e. from a working directory without its appsettings.json (log levels then default
# to Information for every category, as they do for any deployment whose working directory is not the app's), and
# RATE_LIMITS=default to keep the Server's default Api__RateLimit__* (by default they are turned off here: one load
# generator on one address would otherwise measure the per-client limit, not the service), and SIGNING_MODE=Wrapped
# to sign in Wrapped mode (Signing__Mode=Wrapped, a local PEM as the wrapping key) instead of the local PEM key.
# Every process it starts is stopped at the end, and every table it made is dropped.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh

DURATION=${DURATION:-12} WARMUP=${WARMUP:-3} CONNECTIONS=${CONNECTIONS:-64} THREADS=${THREADS:-1}
MEMBERS=${MEMBERS:-2000} SESSIONS=${SESSIONS:-2000} SAMPLES=${SAMPLES:-20}
RESULTS=${RESULTS:-bench/results/load-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
export WRK_THREADS=$THREADS

bash bench/install-tools.sh
machine_info | tee "$RESULTS/machine.txt"
echo "load: ${DURATION}s runs after ${WARMUP}s warm-up, $CONNECTIONS connections, $THREADS wrk thread(s), $MEMBERS members, $SESSIONS sessions; Azurite: ${BENCH_AZURITE:-own}; rate limits: ${RATE_LIMITS:-off}; content root: ${CONTENT_ROOT:-app directory}; signing: ${SIGNING_MODE:-Local}" >>"$RESULTS/machine.txt"

echo "Building the Server and the baseline (Release, into $OUT)..."
dotnet build src/SessionFunctions.Server -c Release --artifacts-path "$OUT" -v q -nologo >"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
dotnet build bench/Baseline -c Release --artifacts-path "$OUT" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }

PREFIX="bench$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
BASE_DELETED=0
cleanup() {
  set +e
  if [ "$BASE_DELETED" = 0 ] && [ -n "${BASE_URL:-}" ]; then
    curl -s -o /dev/null -X DELETE "$BASE_URL/tables" && echo "Dropped the tables of this run ($PREFIX*)."
  fi
  bench_cleanup
  rm -rf "$BENCH_TMP"
}
trap cleanup EXIT INT TERM

bench_storage

UI_PORT=$(free_port)
node scripts/dev-userinfo.mjs "$UI_PORT" >"$BENCH_TMP/userinfo.log" 2>&1 &
UI_PID=$!
bench_track $UI_PID

PROJECT="project-test-$(python3 -c 'import uuid; print(uuid.uuid4())')"
RATE_LIMIT_ENV=(Api__RateLimit__ProjectPermits=0 Api__RateLimit__ClientPermits=0)
[ "${RATE_LIMITS:-off}" = default ] && RATE_LIMIT_ENV=()
# SIGNING_MODE=Wrapped signs with a key the Server makes and stores wrapped (a local PEM stands in for Key Vault).
SIGNING_ENV=()
[ "${SIGNING_MODE:-Local}" = Wrapped ] && SIGNING_ENV=(Signing__Mode=Wrapped Signing__WrappingKeyPath="$BENCH_TMP/key/wrapping-key.pem")
CONTENT_ROOT_ARGS=(--contentRoot "$PWD/$OUT/bin/SessionFunctions.Server/release")
[ "${CONTENT_ROOT:-}" = cwd ] && CONTENT_ROOT_ARGS=()
SECRET="secret-bench-$(head -c 24 /dev/urandom | base64 | tr '/+' '_-' | tr -d '=\n')"
AUTH="Basic $(printf '%s:%s' "$PROJECT" "$SECRET" | base64 -w0)"
API_PORT=$(free_port)
API_URL="http://127.0.0.1:$API_PORT"
Sessions__ProjectId=$PROJECT Sessions__ProjectSecret=$SECRET Sessions__UserInfoUrl="http://127.0.0.1:$UI_PORT/userinfo" \
Storage__ConnectionString=$BENCH_STORAGE Storage__TablePrefix=$PREFIX Signing__LocalKeyPath="$BENCH_TMP/key/signing-key.pem" \
Api__ExposeRequestCosts=true \
  env "${RATE_LIMIT_ENV[@]}" "${SIGNING_ENV[@]}" dotnet "$OUT/bin/SessionFunctions.Server/release/SessionFunctions.Server.dll" --urls "$API_URL" \
    "${CONTENT_ROOT_ARGS[@]}" >"$RESULTS/server.log" 2>&1 &
SERVER_PID=$!
bench_track $SERVER_PID

BASE_PORT=$(free_port)
BASE_URL="http://127.0.0.1:$BASE_PORT"
BASE_STORAGE=$BENCH_STORAGE BASE_PREFIX="${PREFIX}base" BASE_USERINFO="http://127.0.0.1:$UI_PORT/userinfo" \
BASE_ALSO_DROP="${PREFIX}Organizations,${PREFIX}Members,${PREFIX}SessionExpiry,${PREFIX}SigningKeys" \
  dotnet "$OUT/bin/Baseline/release/Baseline.dll" --urls "$BASE_URL" >"$BENCH_TMP/baseline.log" 2>&1 &
BASE_PID=$!
bench_track $BASE_PID

wait_http "$API_URL/v1/b2b/sessions/jwks/$PROJECT" 90 $SERVER_PID || { tail -20 "$RESULTS/server.log"; exit 1; }
wait_http "$BASE_URL/jwks" 90 $BASE_PID
echo "Server pid $SERVER_PID on $API_URL (tables $PREFIX*), baseline pid $BASE_PID on $BASE_URL, UserInfo on :$UI_PORT"
echo "server RSS after start (MiB, hwm rss): $(mem_mib $SERVER_PID)" | tee -a "$RESULTS/machine.txt"

echo "Seeding $MEMBERS members, $SESSIONS sessions (+$SAMPLES for cost samples)..."
node bench/load/seed.mjs "$API_URL" "$PROJECT" "$SECRET" "http://127.0.0.1:$UI_PORT" "$BASE_URL" "$MEMBERS" "$SESSIONS" "$SAMPLES" "$BENCH_TMP" | tee -a "$RESULTS/machine.txt"

RESULT_LINES="$RESULTS/results.jsonl"
: >"$RESULT_LINES"
# run NAME TARGET PID URL METHOD PATH BODIES AUTH
# Besides wrk's figures, records the CPU time the target server, Azurite and the UserInfo stand-in used during the
# measured run (from /proc/<pid>/stat), so the cost per request can be split between our process and the emulator.
ENDPOINTS=${ENDPOINTS:-migrate authenticate-token authenticate-jwt jwks}
run() {
  case " $ENDPOINTS " in *" $1 "*) ;; *) return 0 ;; esac
  local name=$1 target=$2 pid=$3 url=$4 method=$5 path=$6 bodies=$7 auth=$8
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 5s -s bench/load/bodies.lua "$url" -- "$method" "$path" "$bodies" "$auth" >/dev/null
  local log="$RESULTS/wrk-$name-$target.txt"
  local c0=$(cpu_ms "$pid") a0=$(cpu_ms "${BENCH_AZURITE_PID:-0}") u0=$(cpu_ms "$UI_PID")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency -s bench/load/bodies.lua "$url" -- "$method" "$path" "$bodies" "$auth" >"$log"
  local c1=$(cpu_ms "$pid") a1=$(cpu_ms "${BENCH_AZURITE_PID:-0}") u1=$(cpu_ms "$UI_PID")
  local result; result=$(grep '^RESULT ' "$log" | cut -d' ' -f2-)
  local mem; mem=($(mem_mib "$pid"))
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(endpoint=sys.argv[2], target=sys.argv[3], hwm_mib=float(sys.argv[4]), rss_mib=float(sys.argv[5]), server_cpu_ms=int(sys.argv[6]), azurite_cpu_ms=int(sys.argv[7]), userinfo_cpu_ms=int(sys.argv[8]), loadavg=sys.argv[9]); print(json.dumps(r))' \
    "$result" "$name" "$target" "${mem[0]}" "${mem[1]}" $((c1 - c0)) $((a1 - a0)) $((u1 - u0)) "$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULT_LINES"
  echo "  $name / $target: $(tail -1 "$RESULT_LINES")"
}

echo "Load: ${DURATION}s per run after ${WARMUP}s warm-up, $CONNECTIONS connections, $THREADS wrk thread(s)"
run migrate            ours     $SERVER_PID "$API_URL"  POST /v1/b2b/sessions/migrate      "$BENCH_TMP/migrate.bodies"          "$AUTH"
run migrate            baseline $BASE_PID   "$BASE_URL" POST /migrate                      "$BENCH_TMP/migrate.bodies"          ""
run authenticate-token ours     $SERVER_PID "$API_URL"  POST /v1/b2b/sessions/authenticate "$BENCH_TMP/authn-token.bodies"      "$AUTH"
run authenticate-token baseline $BASE_PID   "$BASE_URL" POST /authenticate                 "$BENCH_TMP/base-authn-token.bodies" ""
run authenticate-jwt   ours     $SERVER_PID "$API_URL"  POST /v1/b2b/sessions/authenticate "$BENCH_TMP/authn-jwt.bodies"        "$AUTH"
run authenticate-jwt   baseline $BASE_PID   "$BASE_URL" POST /authenticate-jwt             "$BENCH_TMP/base-authn-jwt.bodies"   ""
run jwks               ours     $SERVER_PID "$API_URL"  GET  "/v1/b2b/sessions/jwks/$PROJECT" - ""
run jwks               baseline $BASE_PID   "$BASE_URL" GET  /jwks                         -                                    ""

echo "Reading X-Request-Cost on $SAMPLES fresh requests per endpoint..."
COSTS="$RESULTS/costs.jsonl"
for e in $ENDPOINTS; do case $e in
  migrate)            node bench/load/costs.mjs migrate            "$API_URL/v1/b2b/sessions/migrate"      POST "$BENCH_TMP/sample-migrate.bodies"     "$AUTH" ;;
  authenticate-token) node bench/load/costs.mjs authenticate-token "$API_URL/v1/b2b/sessions/authenticate" POST "$BENCH_TMP/sample-authn-token.bodies" "$AUTH" ;;
  authenticate-jwt)   node bench/load/costs.mjs authenticate-jwt   "$API_URL/v1/b2b/sessions/authenticate" POST "$BENCH_TMP/sample-authn-jwt.bodies"   "$AUTH" ;;
  jwks)               node bench/load/costs.mjs jwks               "$API_URL/v1/b2b/sessions/jwks/$PROJECT" GET - - "$SAMPLES" ;;
esac; done | tee "$COSTS"

echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS/machine.txt"
echo "server peak RSS (VmHWM): $(mem_mib $SERVER_PID | cut -d' ' -f1) MiB; baseline: $(mem_mib $BASE_PID | cut -d' ' -f1) MiB" | tee -a "$RESULTS/machine.txt"
echo "server log lines written during the run: $(wc -l <"$RESULTS/server.log")" >>"$RESULTS/machine.txt"

curl -s -o /dev/null -X DELETE "$BASE_URL/tables" && BASE_DELETED=1 && echo "Dropped the tables of this run ($PREFIX*)."
python3 bench/load/summarize.py "$RESULTS" | tee "$RESULTS/summary.md"
[ "${KEEP_LOG:-0}" = 1 ] || rm -f "$RESULTS/server.log"  # its line count is in machine.txt
