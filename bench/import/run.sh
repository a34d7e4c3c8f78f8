#!/usr/bin/env bash
# The directory import against creating the same members through the HTTP API one request at a time, in one run, on
# the same Azurite: HTTP_ROWS members over HTTP, then MEMBERS members by import (spread over ORGANIZATIONS organizations),
# then HTTP_ROWS over HTTP again (interleaved, so both sides see the same machine load). Per-row figures: wall time, and
# CPU time of our processes (Server + client for HTTP; the import process), from /proc/<pid>/stat.
# Usage (from the repository root): bash bench/import/run.sh   [MEMBERS=100000 HTTP_ROWS=1000 ORGANIZATIONS=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
trap bench_cleanup EXIT

MEMBERS=${MEMBERS:-100000} HTTP_ROWS=${HTTP_ROWS:-1000} ORGANIZATIONS=${ORGANIZATIONS:-20}
RESULTS=${RESULTS:-bench/results/import-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
machine_info | tee "$RESULTS/machine.txt"
echo "import: $MEMBERS members in $ORGANIZATIONS organizations; HTTP: 2 x $HTTP_ROWS members one request at a time; Azurite: ${BENCH_AZURITE:-own}" | tee -a "$RESULTS/machine.txt"

echo "Building the Server and the CLI (Release, into $OUT)..."
dotnet build src/SessionFunctions.Server -c Release --artifacts-path "$OUT" -v q -nologo >"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
dotnet build src/SessionFunctions.Cli -c Release --artifacts-path "$OUT" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
bench_storage

PROJECT="project-test-$(cat /proc/sys/kernel/random/uuid)"
SECRET="secret-bench-$(head -c 24 /dev/urandom | base64 | tr '/+' '_-' | tr -d '=\n')"
PREFIX="imp$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export Sessions__ProjectId=$PROJECT Sessions__ProjectSecret=$SECRET Sessions__UserInfoUrl="https://legacy.example/userinfo" \
  Storage__ConnectionString=$BENCH_STORAGE Storage__TablePrefix=$PREFIX Signing__LocalKeyPath="$BENCH_TMP/key/signing-key.pem"
API_PORT=$(free_port); API_URL="http://127.0.0.1:$API_PORT"
dotnet "$OUT/bin/SessionFunctions.Server/release/SessionFunctions.Server.dll" --urls "$API_URL" \
  --contentRoot "$PWD/$OUT/bin/SessionFunctions.Server/release" >"$RESULTS/server.log" 2>&1 &
SERVER_PID=$!; bench_track $SERVER_PID
wait_http "$API_URL/v1/b2b/sessions/jwks/$PROJECT" 90 $SERVER_PID || { tail -20 "$RESULTS/server.log"; exit 1; }

python3 - "$BENCH_TMP" "$MEMBERS" "$ORGANIZATIONS" <<'PY'
import json, sys
tmp, members, organizations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f"{tmp}/organizations.jsonl", "w") as f:
    f.write(json.dumps({"organization_name": "HTTP side", "organization_slug": "bench-http"}) + "\n")
    for o in range(organizations):
        f.write(json.dumps({"organization_name": f"Org {o}", "organization_slug": f"bench-org-{o}"}) + "\n")
with open(f"{tmp}/members.jsonl", "w") as f:
    for i in range(members):
        f.write(json.dumps({"organization_id": f"bench-org-{i % organizations}", "email_address": f"user{i}@corp.example",
                            "external_id": f"ext-{i}", "name": f"User {i}"}) + "\n")
PY
CLI="$OUT/bin/SessionFunctions.Cli/release/SessionFunctions.Cli.dll"
dotnet "$CLI" import organizations "$BENCH_TMP/organizations.jsonl" | tee "$RESULTS/organizations.txt"

AZ_PID=${BENCH_AZURITE_PID:-}
azurite_cpu() { if [ -n "$AZ_PID" ]; then cpu_ms "$AZ_PID"; else echo 0; fi; }
http_round() { # http_round N FIRST
  local before_server before_client seconds client_cpu before_azurite
  before_server=$(cpu_ms $SERVER_PID); before_azurite=$(azurite_cpu)
  /usr/bin/time -f '%U %S' -o "$BENCH_TMP/client-time" python3 bench/import/http_create.py "$API_URL" "$PROJECT" "$SECRET" bench-http "$2" "$HTTP_ROWS" >"$BENCH_TMP/http-seconds"
  seconds=$(cat "$BENCH_TMP/http-seconds")
  client_cpu=$(tail -1 "$BENCH_TMP/client-time" | awk '{printf "%d", ($1 + $2) * 1000}')
  echo "http round $1: $HTTP_ROWS rows in $seconds s; cpu ms: server $(( $(cpu_ms $SERVER_PID) - before_server )), client $client_cpu, azurite $(( $(azurite_cpu) - before_azurite )); loadavg $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS/results.txt"
}

: >"$RESULTS/results.txt"
http_round 1 0
START=$(date +%s.%N); BEFORE_AZURITE=$(azurite_cpu)
/usr/bin/time -f '%U %S %M' -o "$BENCH_TMP/import-time" dotnet "$CLI" import members "$BENCH_TMP/members.jsonl" >"$RESULTS/import.txt" 2>&1 || true
END=$(date +%s.%N)
read -r U S M < <(tail -1 "$BENCH_TMP/import-time")
echo "import: $MEMBERS rows in $(python3 -c "print(f'{$END-$START:.3f}')") s; cpu ms: import $(python3 -c "print(int(($U+$S)*1000))"), azurite $(( $(azurite_cpu) - BEFORE_AZURITE )); peak RSS $((M / 1024)) MiB; loadavg $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS/results.txt"
tail -1 "$RESULTS/import.txt" | tee -a "$RESULTS/results.txt"
http_round 2 "$HTTP_ROWS"
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"

python3 - "$RESULTS/results.txt" <<'PY' | tee -a "$RESULTS/results.txt"
import re, sys
text = open(sys.argv[1]).read()
http = [(int(n), float(s), int(a), int(b), int(z)) for n, s, a, b, z in re.findall(r"http round \d+: (\d+) rows in ([\d.]+) s; cpu ms: server (\d+), client (\d+), azurite (\d+)", text)]
rows, seconds, cpu, az = re.search(r"import: (\d+) rows in ([\d.]+) s; cpu ms: import (\d+), azurite (\d+)", text).groups()
rows, seconds, cpu, az = int(rows), float(seconds), int(cpu), int(az)
http_rows = sum(h[0] for h in http); http_seconds = sum(h[1] for h in http); http_cpu = sum(h[2] + h[3] for h in http); http_az = sum(h[4] for h in http)
print(f"per row: HTTP {1000 * http_seconds / http_rows:.2f} ms wall, {http_cpu / http_rows:.2f} ms CPU (server + client), {http_az / http_rows:.2f} ms Azurite CPU; "
      f"import {1000 * seconds / rows:.3f} ms wall, {cpu / rows:.3f} ms CPU, {az / rows:.3f} ms Azurite CPU")
print(f"import is {(http_seconds / http_rows) / (seconds / rows):.1f}x faster by wall time, {(http_cpu / http_rows) / (cpu / rows):.1f}x by CPU of our processes,"
      f" {((http_cpu + http_az) / http_rows) / ((cpu + az) / rows):.1f}x by CPU including Azurite's"
      f" (HTTP extrapolated from {http_rows} rows to {rows}: {rows * http_seconds / http_rows:.0f} s vs {seconds:.0f} s)")
PY

# A private Azurite (the default) is in memory and goes with the run; with BENCH_AZURITE=shared the tables $PREFIX* stay.
echo "results: $RESULTS"
