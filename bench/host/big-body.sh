#!/usr/bin/env bash
# What an over-size request body costs in memory through the Functions host: for each app in APPS ("name=folder ...",
# folders of published Functions apps), starts a host on a private Azurite, sends N (3) unauthenticated POSTs of a
# SIZE-byte body (100,000,000) to migrate, and prints the answers and the peak resident memory (VmHWM) of the host and
# of its worker before and after. EXTRA_ENV adds app settings, e.g. EXTRA_ENV="FUNCTIONS_REQUEST_BODY_SIZE_LIMIT=1048576".
#   SF_HOST_DIR=$HOME/.cache/sf-host/host APPS="after=/tmp/app" flock /work/bench.lock bash bench/host/big-body.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${SF_HOST_DIR:?SF_HOST_DIR must name a Functions host folder (see scripts/test-host.sh)}" "${APPS:?APPS must name the apps to measure}"
source bench/lib.sh
source bench/host/host-lib.sh
BENCH_TMP=$(mktemp -d); trap 'bench_cleanup; rm -rf "$BENCH_TMP"' EXIT INT TERM
host_azurite
mkdir -p "$BENCH_TMP/key"
P=project-test-00000000-0000-4000-8000-000000000001
APP_ENV=(Sessions__ProjectId="$P" Sessions__ProjectSecret="secret-bench-aaaaaaaaaaaaaaaaaaaaaaaaaaaa" Sessions__UserInfoUrl="http://127.0.0.1:9/userinfo"
  Storage__ConnectionString="$STORAGE" Storage__TablePrefix="big" Signing__LocalKeyPath="$BENCH_TMP/key/signing-key.pem"
  Api__RateLimit__ProjectPermits=0 Api__RateLimit__ClientPermits=0 Sweep__Schedule="0 0 0 1 1 *" APPLICATIONINSIGHTS_CONNECTION_STRING= OTEL_EXPORTER_OTLP_ENDPOINT=)
head -c ${SIZE:-100000000} /dev/zero > "$BENCH_TMP/body"
hwm() { awk '/VmHWM/{print int($2/1024)}' "/proc/$1/status"; } # peak resident memory, MiB
for entry in $APPS; do
  name=${entry%%=*}; app=${entry#*=}
  HP=$(free_port); start_host "$HP" "$app" "${EXTRA_ENV:-}"; H=$HOST_PID; bench_track $H
  wait_http "http://127.0.0.1:$HP/v1/b2b/sessions/jwks/$P" 120 $H
  W=$(worker_of $H)
  b_h=$(hwm $H); b_w=$(hwm $W)
  codes=""
  for i in $(seq ${N:-3}); do
    codes+="$(curl -s -o /dev/null -w '%{http_code} ' -X POST -H 'content-type: application/json' --data-binary @"$BENCH_TMP/body" "http://127.0.0.1:$HP/v1/b2b/sessions/migrate") "
  done
  echo "$name: answers [$codes] host peak RSS ${b_h} -> $(hwm $H) MiB, worker ${b_w} -> $(hwm $W) MiB"
  kill $H; wait $H 2>/dev/null || true
done
