#!/usr/bin/env bash
# The telemetry's cost per request on the Server: bench/load/run.sh on migrate and authenticate twice in a row, first
# with no exporter (nothing registered), then exporting traces and metrics over OTLP/HTTP to a do-nothing receiver on
# loopback (bench/worker/otlp-sink.mjs). Compare server_cpu_ms / requests between the two results folders.
#   bash bench/worker/telemetry-cost.sh     # results in bench/results/telemetry-{off,on}-<time>/
# Knobs: DURATION (10), MEMBERS and SESSIONS (500), as in bench/load/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
stamp=$(date -u +%Y%m%d-%H%M%S)
export DURATION=${DURATION:-10} MEMBERS=${MEMBERS:-500} SESSIONS=${SESSIONS:-500} ENDPOINTS="migrate authenticate-token"

RESULTS=bench/results/telemetry-off-$stamp bash bench/load/run.sh

port=$(free_port)
node bench/worker/otlp-sink.mjs "$port" >"bench/results/telemetry-sink-$stamp.json" &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_METRIC_EXPORT_INTERVAL=5000 \
  RESULTS=bench/results/telemetry-on-$stamp bash bench/load/run.sh
kill -TERM $sink; wait $sink 2>/dev/null || true

for f in off on; do
  python3 - "bench/results/telemetry-$f-$stamp/results.jsonl" "$f" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["target"] != "ours": continue
    n = r.get("requests") or r.get("total_requests")
    print(f'{sys.argv[2]:>3} {r["endpoint"]:<20} {n} requests, server CPU {r["server_cpu_ms"] / n:.3f} ms/request')
PY
done | tee "bench/results/telemetry-summary-$stamp.txt"
