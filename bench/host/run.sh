#!/usr/bin/env bash
# What the Azure Functions host costs: the same API through a real Functions host + isolated worker versus the
# standalone Server, on one Azurite, in one interleaved run.
#   1. launch to first answer: the Server, and the host (with its worker: the app as `dotnet publish` makes it,
#      ReadyToRun, and as a plain build, JIT), alternating, STARTS times each; for the host also the worker's own
#      time from its launch (its /proc start time) to the first answer; and the CPU each process had spent by then.
#   2. CPU per request (user + system from /proc/<pid>/stat; host + worker together, and each) for migrate,
#      authenticate by token, by JWT and JWKS: wrk on CONNECTIONS connections, ROUNDS rounds, each round running every
#      endpoint on the Server and then on the host, so both see the same machine load.
#   SF_HOST_DIR=$HOME/.cache/sf-host/host bash bench/host/run.sh    # results in bench/results/host-<time>/
# Knobs: ROUNDS (3), DURATION (s per measured run, 8), WARMUP (s, 2), CONNECTIONS (16), STARTS (3), MEMBERS (1000),
# SESSIONS (1000), BENCH_AZURITE (own|shared: the host needs blob and queue too, so "own" starts a full Azurite),
# ENDPOINTS ("migrate authenticate-token authenticate-jwt jwks"), JIT_STARTS (1: also start the app as a plain build).
# Before/after: BEFORE_APP=<folder of the app published from another commit> adds the target "host-before" (a second
# host running that app) to every round and start-up series, alternating with "host", so both are measured in one run:
#   git archive <commit> | tar -x -C /tmp/before && dotnet publish /tmp/before/src/SessionFunctions.Functions -c Release -o /tmp/before-app
# HOST_ENV / BEFORE_HOST_ENV: app settings (NAME=value, space-separated) for the host target / the before host only, e.g.
#   BEFORE_APP=<this app, published again> HOST_ENV="DOTNET_gcServer=0"   measures a host setting against none.
# The host logs nothing to its console here (SF_HOST_CONSOLE_LOG=0), as in Azure. Stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
source bench/host/host-lib.sh
: "${SF_HOST_DIR:?SF_HOST_DIR must name a Functions host folder (see scripts/test-host.sh)}"
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-8} WARMUP=${WARMUP:-2} CONNECTIONS=${CONNECTIONS:-16} STARTS=${STARTS:-3}
MEMBERS=${MEMBERS:-1000} SESSIONS=${SESSIONS:-1000}
ENDPOINTS=${ENDPOINTS:-migrate authenticate-token authenticate-jwt jwks} JIT_STARTS=${JIT_STARTS:-1} BEFORE_APP=${BEFORE_APP:-}
HOST_ENV=${HOST_ENV:-} BEFORE_HOST_ENV=${BEFORE_HOST_ENV:-}
[ -z "$BEFORE_APP" ] || [ -f "$BEFORE_APP/functions.metadata" ] || { echo "BEFORE_APP=$BEFORE_APP holds no Functions app" >&2; exit 2; }
RESULTS=${RESULTS:-bench/results/host-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out/host
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
trap 'bench_cleanup; rm -rf "$BENCH_TMP"' EXIT INT TERM
export WRK_THREADS=1
bash bench/install-tools.sh >/dev/null
machine_info >"$RESULTS/machine.txt"
echo "host: rounds $ROUNDS, ${DURATION}s runs after ${WARMUP}s warm-up, $CONNECTIONS connections, $STARTS starts; shared machine (other agents' builds and tests ran meanwhile)" >>"$RESULTS/machine.txt"

echo "Building the Server, the Functions app (publish: ReadyToRun) and the app as a plain build (JIT)..."
dotnet build src/SessionFunctions.Server -c Release -o "$OUT/server" -v q -nologo >"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
dotnet publish src/SessionFunctions.Functions -c Release -o "$OUT/app-r2r" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
dotnet build src/SessionFunctions.Functions -c Release -o "$OUT/app-jit" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }

host_azurite

UI_PORT=$(free_port)
node scripts/dev-userinfo.mjs "$UI_PORT" >"$BENCH_TMP/userinfo.log" 2>&1 &
bench_track $!
# seed.mjs also seeds a baseline; here a stub answers for it.
STUB_PORT=$(free_port)
node -e 'require("http").createServer((q,s)=>{q.resume();q.on("end",()=>{s.setHeader("content-type","application/json");s.end("{\"tokens\":[],\"jwts\":[]}")})}).listen(+process.argv[1],"127.0.0.1")' "$STUB_PORT" &
bench_track $!

PROJECT="project-test-$(python3 -c 'import uuid; print(uuid.uuid4())')"
SECRET="secret-bench-$(head -c 24 /dev/urandom | base64 | tr '/+' '_-' | tr -d '=\n')"
AUTH="Basic $(printf '%s:%s' "$PROJECT" "$SECRET" | base64 -w0)"
PREFIX="benchhost$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$BENCH_TMP/key" "$BENCH_TMP/secrets"
# Both serve the same project, tables and signing key, so one seeding serves both.
APP_ENV=(Sessions__ProjectId="$PROJECT" Sessions__ProjectSecret="$SECRET" Sessions__UserInfoUrl="http://127.0.0.1:$UI_PORT/userinfo"
  Storage__ConnectionString="$STORAGE" Storage__TablePrefix="$PREFIX" Signing__LocalKeyPath="$BENCH_TMP/key/signing-key.pem"
  Api__RateLimit__ProjectPermits=0 Api__RateLimit__ClientPermits=0 Sweep__Schedule="0 0 0 1 1 *"
  APPLICATIONINSIGHTS_CONNECTION_STRING= OTEL_EXPORTER_OTLP_ENDPOINT=)

start_server() { # port -> SERVER_PID
  env "${APP_ENV[@]}" dotnet "$OUT/server/SessionFunctions.Server.dll" --urls "http://127.0.0.1:$1" --contentRoot "$OUT/server" >>"$BENCH_TMP/server.log" 2>&1 &
  SERVER_PID=$!
}
now_ms() { date +%s%3N; }
# A process's start, in ms since the epoch, from /proc (10 ms resolution).
started_ms() { python3 -c 'import os,sys; hz=os.sysconf("SC_CLK_TCK"); st=int(open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")",1)[1].split()[19]); bt=int([l for l in open("/proc/stat") if l.startswith("btime")][0].split()[1]); print(int((bt+st/hz)*1000))' "$1"; }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }
first_answer() { # url pid -> ms when it first answered 200
  for _ in $(seq 3000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && { now_ms; return 0; }
    kill -0 "$2" 2>/dev/null || { echo "process $2 exited" >&2; return 1; }
    sleep 0.02
  done
  return 1
}

# The Server makes the signing key on its first start; everything after finds it.
PORT=$(free_port); start_server "$PORT"; wait_http "http://127.0.0.1:$PORT/v1/b2b/sessions/jwks/$PROJECT" 90 $SERVER_PID; stop $SERVER_PID

echo "1. Launch to first answer, alternating ($STARTS each)..."
STARTUP="$RESULTS/startup.jsonl"; : >"$STARTUP"
for i in $(seq "$STARTS"); do
  PORT=$(free_port); t0=$(now_ms); start_server "$PORT"
  t1=$(first_answer "http://127.0.0.1:$PORT/v1/b2b/sessions/jwks/$PROJECT" $SERVER_PID)
  c=$(cpu_ms $SERVER_PID)
  echo "{\"target\":\"server\",\"run\":$i,\"first_answer_ms\":$((t1 - t0)),\"cpu_ms_to_first_answer\":$c}" | tee -a "$STARTUP"; stop $SERVER_PID
  apps=("r2r=$PWD/$OUT/app-r2r"); [ -n "$BEFORE_APP" ] && apps+=("before=$BEFORE_APP"); [ "$JIT_STARTS" = 1 ] && apps+=("jit=$PWD/$OUT/app-jit")
  for entry in "${apps[@]}"; do
    app=${entry%%=*}
    env_of=HOST_ENV; [ "$app" = before ] && env_of=BEFORE_HOST_ENV
    PORT=$(free_port); t0=$(now_ms); start_host "$PORT" "${entry#*=}" "${!env_of}"
    t1=$(first_answer "http://127.0.0.1:$PORT/v1/b2b/sessions/jwks/$PROJECT" $HOST_PID)
    w=$(worker_of $HOST_PID); ws=$(started_ms "$w"); wc=$(cpu_ms "$w"); hc=$(cpu_ms $HOST_PID)
    echo "{\"target\":\"host\",\"app\":\"$app\",\"run\":$i,\"first_answer_ms\":$((t1 - t0)),\"worker_launch_to_first_answer_ms\":$((t1 - ws)),\"worker_cpu_ms_to_first_answer\":$wc,\"cpu_ms_to_first_answer\":$hc}" | tee -a "$STARTUP"
    stop $HOST_PID
  done
done

echo "2. CPU per request..."
S_PORT=$(free_port); start_server "$S_PORT"; bench_track $SERVER_PID
H_PORT=$(free_port); start_host "$H_PORT" "$PWD/$OUT/app-r2r" "$HOST_ENV"; bench_track $HOST_PID; H_PID=$HOST_PID
wait_http "http://127.0.0.1:$S_PORT/v1/b2b/sessions/jwks/$PROJECT" 90 $SERVER_PID
wait_http "http://127.0.0.1:$H_PORT/v1/b2b/sessions/jwks/$PROJECT" 120 $H_PID
WORKER_PID=$(worker_of $H_PID)
if [ -n "$BEFORE_APP" ]; then
  B_PORT=$(free_port); start_host "$B_PORT" "$BEFORE_APP" "$BEFORE_HOST_ENV"; bench_track $HOST_PID; B_PID=$HOST_PID
  wait_http "http://127.0.0.1:$B_PORT/v1/b2b/sessions/jwks/$PROJECT" 120 $B_PID
  B_WORKER_PID=$(worker_of $B_PID)
fi
echo "loadavg before the load runs: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"
node bench/load/seed.mjs "http://127.0.0.1:$S_PORT" "$PROJECT" "$SECRET" "http://127.0.0.1:$UI_PORT" "http://127.0.0.1:$STUB_PORT" \
  "$MEMBERS" "$SESSIONS" 1 "$BENCH_TMP" | tee -a "$RESULTS/machine.txt"

LOAD="$RESULTS/load.jsonl"; : >"$LOAD"
run() { # endpoint target url method path bodies pids...
  local name=$1 target=$2 url=$3 method=$4 path=$5 bodies=$6; shift 6
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 5s -s bench/load/bodies.lua "$url" -- "$method" "$path" "$bodies" "$AUTH" >/dev/null
  local before=() after=() p
  for p in "$@"; do before+=("$(cpu_ms "$p")"); done
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency -s bench/load/bodies.lua "$url" -- "$method" "$path" "$bodies" "$AUTH" >"$BENCH_TMP/wrk.txt"
  for p in "$@"; do after+=("$(cpu_ms "$p")"); done
  local cpu=() i; for i in "${!before[@]}"; do cpu+=($((after[i] - before[i]))); done
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); cpu=[int(x) for x in sys.argv[5:]]; r.update(endpoint=sys.argv[2], target=sys.argv[3], round=int(sys.argv[4]), cpu_ms=cpu, cpu_ms_total=sum(cpu)); print(json.dumps(r))' \
    "$(grep '^RESULT ' "$BENCH_TMP/wrk.txt" | cut -d' ' -f2-)" "$name" "$target" "$round" "${cpu[@]}" | tee -a "$LOAD"
}
for round in $(seq "$ROUNDS"); do
  for e in $ENDPOINTS; do
    case $e in
      migrate) m=POST p=/v1/b2b/sessions/migrate b="$BENCH_TMP/migrate.bodies" ;;
      authenticate-token) m=POST p=/v1/b2b/sessions/authenticate b="$BENCH_TMP/authn-token.bodies" ;;
      authenticate-jwt) m=POST p=/v1/b2b/sessions/authenticate b="$BENCH_TMP/authn-jwt.bodies" ;;
      jwks) m=GET p="/v1/b2b/sessions/jwks/$PROJECT" b=- ;;
    esac
    run $e server "http://127.0.0.1:$S_PORT" $m "$p" "$b" $SERVER_PID
    # Alternate which host goes first from round to round, so neither always follows the Server.
    if [ -n "$BEFORE_APP" ] && [ $((round % 2)) = 0 ]; then run $e host-before "http://127.0.0.1:$B_PORT" $m "$p" "$b" $B_PID $B_WORKER_PID; fi
    run $e host "http://127.0.0.1:$H_PORT" $m "$p" "$b" $H_PID $WORKER_PID
    if [ -n "$BEFORE_APP" ] && [ $((round % 2)) = 1 ]; then run $e host-before "http://127.0.0.1:$B_PORT" $m "$p" "$b" $B_PID $B_WORKER_PID; fi
  done
done
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"
python3 bench/host/summarize.py "$RESULTS" | tee "$RESULTS/summary.md"
