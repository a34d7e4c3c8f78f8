#!/usr/bin/env bash
# Runs the Functions app end to end on a real Azure Functions host: builds the app, starts full Azurite (blob, queue,
# table) unless one already answers on 10000-10002, a stand-in UserInfo provider, an OTLP receiver and the host from
# $SF_HOST_DIR (function logging on, host and worker exporting telemetry to that receiver), then runs the black-box tests
# in tests/SessionFunctions.Tests/Host against it over HTTP: every route runs its own function, unknown paths and other
# verbs a catch-all, telemetry names each route's function and template, the timer and the queue function sweep
# expired sessions and keep live ones, bad input (an over-size body among it) gets Stytch's envelope. Stops exactly
# what it started. Extra arguments go to `dotnet test`. Prints "host tests: N passed, N failed, N skipped"; exits
# non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ -z "${SF_HOST_DIR:-}" ] || [ ! -f "${SF_HOST_DIR}/Microsoft.Azure.WebJobs.Script.WebHost.dll" ]; then
  cat >&2 <<'EOF'
SF_HOST_DIR must name a folder holding an Azure Functions host (Microsoft.Azure.WebJobs.Script.WebHost.dll, 4.x).
Build one from public source (about 3 minutes; needs the three repositories as bare git directories):
  MIRROR=<folder with Azure+azure-functions-host/repo, Azure+azure-webjobs-sdk/repo, Azure+azure-webjobs-sdk-extensions/repo> \
    bash ../shared/functions-host/build-host.sh        # -> $HOME/.cache/sf-host/host
then: SF_HOST_DIR=$HOME/.cache/sf-host/host bash scripts/test-host.sh
EOF
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sf-test-host.XXXXXX")
PIDS=()
HOST_PID=""
cleanup() {
  # The host stops its worker; should the worker outlive it, stop that process too (the host's child, by its id).
  local workers=""; [ -n "$HOST_PID" ] && workers=$(pgrep -P "$HOST_PID" 2>/dev/null)
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[$i]}" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for pid in $workers; do kill "$pid" 2>/dev/null; done
  [ "${KEEP_WORK:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 150); do port_open "$1" && return 0; sleep 0.2; done; return 1; }

echo "Building the Functions app..."
dotnet build src/SessionFunctions.Functions -c Release -o "$WORK/app" -nologo -v q -clp:NoSummary >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log"; exit 1; }

# Full Azurite: the host needs blob (locks, timer status) and queue as well as table storage.
if port_open 10000 && port_open 10001 && port_open 10002; then
  BLOB=10000 QUEUE=10001 TABLE=10002
  echo "Azurite: using the one already listening on 10000-10002"
else
  source scripts/azurite.sh && npm_install_if_needed || exit 1
  BLOB=$(free_port) QUEUE=$(free_port) TABLE=$(free_port)
  node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$BLOB" --queueHost 127.0.0.1 --queuePort "$QUEUE" --tableHost 127.0.0.1 --tablePort "$TABLE" \
    >"$WORK/azurite.log" 2>&1 &
  PIDS+=($!)
  wait_port "$TABLE" && wait_port "$QUEUE" && wait_port "$BLOB" || { echo "Azurite did not start:"; cat "$WORK/azurite.log"; exit 1; }
  echo "Azurite: started on $BLOB/$QUEUE/$TABLE (pid ${PIDS[-1]})"
fi
KEY=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==
STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$BLOB/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE/devstoreaccount1;"

# An OTLP/HTTP receiver that keeps what the host and its worker export, for the telemetry test.
OTLP_PORT=$(free_port)
node bench/worker/otlp-sink.mjs "$OTLP_PORT" "$WORK/otlp.bin" >"$WORK/otlp.log" 2>&1 &
PIDS+=($!)
wait_port "$OTLP_PORT" || { echo "the OTLP receiver did not start"; exit 1; }

USERINFO_PORT=$(free_port)
node scripts/dev-userinfo.mjs "$USERINFO_PORT" >"$WORK/userinfo.log" 2>&1 &
PIDS+=($!)
wait_port "$USERINFO_PORT" || { echo "dev-userinfo did not start"; exit 1; }

PORT=$(free_port)
PROJECT="project-test-$(python3 -c 'import uuid; print(uuid.uuid4())')"
SECRET="secret-test-$(openssl rand -hex 16)"
PREFIX="host$(openssl rand -hex 4)"
mkdir -p "$WORK/secrets"
echo "Starting the Functions host from $SF_HOST_DIR on 127.0.0.1:$PORT..."
(cd "$SF_HOST_DIR" && exec env -u CONTAINER_NAME \
  AzureWebJobsScriptRoot="$WORK/app" FUNCTIONS_WORKER_RUNTIME=dotnet-isolated AzureWebJobsStorage="$STORAGE" \
  AzureWebJobsSecretStorageType=files FUNCTIONS_SECRETS_PATH="$WORK/secrets" AZURE_FUNCTIONS_ENVIRONMENT=Development \
  ASPNETCORE_URLS="http://127.0.0.1:$PORT" DOTNET_ROLL_FORWARD=Major FUNCTIONS_REQUEST_BODY_SIZE_LIMIT=1048576 \
  AzureFunctionsJobHost__logging__logLevel__Function=Information \
  Sessions__ProjectId="$PROJECT" Sessions__ProjectSecret="$SECRET" Sessions__UserInfoUrl="http://127.0.0.1:$USERINFO_PORT/userinfo" \
  Storage__ConnectionString="$STORAGE" Storage__TablePrefix="$PREFIX" Signing__LocalKeyPath="$WORK/signing-key.pem" \
  Sweep__Schedule="*/5 * * * * *" APPLICATIONINSIGHTS_CONNECTION_STRING= \
  OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf AzureFunctionsJobHost__telemetryMode=OpenTelemetry \
  dotnet Microsoft.Azure.WebJobs.Script.WebHost.dll) >"$WORK/host.log" 2>&1 &
HOST_PID=$!
PIDS+=($HOST_PID)
# The port opens before the worker has indexed the functions: wait for a route to answer with JSON.
ready=0
for _ in $(seq 1 240); do
  if curl -s -m 5 "http://127.0.0.1:$PORT/v1/b2b/sessions/jwks/$PROJECT" 2>/dev/null | grep -q '"keys"'; then ready=1; break; fi
  kill -0 "${PIDS[-1]}" 2>/dev/null || break
  sleep 0.5
done
[ "$ready" = 1 ] || { echo "The host did not answer; the end of its log:"; tail -50 "$WORK/host.log"; exit 1; }
echo "Host ready."

results="$WORK/results"
SF_HOST_URL="http://127.0.0.1:$PORT" SF_HOST_LOG="$WORK/host.log" SF_HOST_APP="$WORK/app" SF_HOST_PROJECT_ID="$PROJECT" \
SF_HOST_SECRET="$SECRET" SF_HOST_USERINFO="http://127.0.0.1:$USERINFO_PORT" SF_HOST_STORAGE="$STORAGE" SF_HOST_TABLE_PREFIX="$PREFIX" \
SF_HOST_OTLP_FILE="$WORK/otlp.bin" \
  dotnet test tests/SessionFunctions.Tests -c Release --filter "FullyQualifiedName~SessionFunctions.Tests.Host." \
  --logger "trx;LogFileName=host.trx" --results-directory "$results" "$@" 2>&1 | grep -vE '^\s*$'
test_exit=${PIPESTATUS[0]}
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find("{*}ResultSummary/{*}Counters")
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("notExecuted", 0))
print(p, f, s)
PY
)
passed=${passed:-0} failed=${failed:-0} skipped=${skipped:-0}
if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited $test_exit without a failed test in its report (build error?)"; fi
if [ "$failed" -ne 0 ]; then cp "$WORK/host.log" "${TMPDIR:-/tmp}/sf-test-host-last.log"; echo "host log: ${TMPDIR:-/tmp}/sf-test-host-last.log"; fi
echo "host tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
