#!/usr/bin/env bash
# The directory import against creating the same members through the HTTP API one request at a time, in one run, on
# the same Azurite: HTTP_ROWS members over HTTP, then MEMBERS members by import (spread over ORGANIZATIONS organizations),
# then HTTP_ROWS over HTTP again (interleaved, so both sides see the same machine load). With BEFORE_REF (a git ref),
# the import as it was at that ref also imports the first BEFORE_MEMBERS of those members (into its own tables),
# between the two, for a before/after in the same run. Per-row figures: wall time, and CPU time of our processes (Server + client for HTTP;
# the import process), from /proc/<pid>/stat, and Azurite's.
# Usage (from the repository root): flock /work/bench.lock bash bench/import/run.sh
#   [MEMBERS=100000 HTTP_ROWS=10000 ORGANIZATIONS=20 BEFORE_REF= BEFORE_MEMBERS=20000]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
trap bench_cleanup EXIT

MEMBERS=${MEMBERS:-100000} HTTP_ROWS=${HTTP_ROWS:-10000} ORGANIZATIONS=${ORGANIZATIONS:-20} BEFORE_REF=${BEFORE_REF:-} BEFORE_MEMBERS=${BEFORE_MEMBERS:-20000}
RESULTS=${RESULTS:-bench/results/import-$(date -u +%Y%m%d-%H%M%S)}
OUT=bench/.out
mkdir -p "$RESULTS"
BENCH_TMP=$(mktemp -d)
machine_info | tee "$RESULTS/machine.txt"
echo "import: $MEMBERS members in $ORGANIZATIONS organizations; HTTP: 2 x $HTTP_ROWS members one request at a time; Azurite: ${BENCH_AZURITE:-own}" | tee -a "$RESULTS/machine.txt"

echo "Building the Server and the CLI (Release, into $OUT)..."
dotnet build src/SessionFunctions.Server -c Release --artifacts-path "$OUT" -v q -nologo >"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
dotnet build src/SessionFunctions.Cli -c Release --artifacts-path "$OUT" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
if [ -n "$BEFORE_REF" ]; then
  mkdir -p "$BENCH_TMP/before"
  git archive "$BEFORE_REF" | tar -x -C "$BENCH_TMP/before"
  echo "before: the import at $BEFORE_REF ($(git rev-parse --short "$BEFORE_REF"))" | tee -a "$RESULTS/machine.txt"
  dotnet build "$BENCH_TMP/before/src/SessionFunctions.Cli" -c Release --artifacts-path "$BENCH_TMP/before-out" -v q -nologo >>"$BENCH_TMP/build.log" 2>&1 || { tail -30 "$BENCH_TMP/build.log"; exit 1; }
fi
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
import_run() { # import_run NAME CLI ROWS [TablePrefix]: organizations (when another prefix), then ROWS members, timed
  local start end u s m before_azurite file=$BENCH_TMP/members.jsonl
  if [ -n "${4:-}" ]; then Storage__TablePrefix=$4 dotnet "$2" import organizations "$BENCH_TMP/organizations.jsonl" >/dev/null; fi
  if [ "$3" != "$MEMBERS" ]; then file=$BENCH_TMP/members-$3.jsonl; head -n "$3" "$BENCH_TMP/members.jsonl" >"$file"; fi
  start=$(date +%s.%N); before_azurite=$(azurite_cpu)
  Storage__TablePrefix=${4:-$PREFIX} /usr/bin/time -f '%U %S %M' -o "$BENCH_TMP/import-time" dotnet "$2" import members "$file" >"$RESULTS/$1.txt" 2>&1 || true
  end=$(date +%s.%N)
  read -r u s m < <(tail -1 "$BENCH_TMP/import-time")
  echo "$1: $3 rows in $(python3 -c "print(f'{$end-$start:.3f}')") s; cpu ms: import $(python3 -c "print(int(($u+$s)*1000))"), azurite $(( $(azurite_cpu) - before_azurite )); peak RSS $((m / 1024)) MiB; loadavg $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS/results.txt"
  tail -1 "$RESULTS/$1.txt" | tee -a "$RESULTS/results.txt"
}
if [ -n "$BEFORE_REF" ]; then import_run import-before "$BENCH_TMP/before-out/bin/SessionFunctions.Cli/release/SessionFunctions.Cli.dll" "$BEFORE_MEMBERS" "${PREFIX}b"; fi
import_run import "$CLI" "$MEMBERS"
http_round 2 "$HTTP_ROWS"
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"

python3 - "$RESULTS/results.txt" <<'PY' | tee -a "$RESULTS/results.txt"
import re, sys
text = open(sys.argv[1]).read()
http = [(int(n), float(s), int(a), int(b), int(z)) for n, s, a, b, z in re.findall(r"http round \d+: (\d+) rows in ([\d.]+) s; cpu ms: server (\d+), client (\d+), azurite (\d+)", text)]
http_rows = sum(h[0] for h in http); http_seconds = sum(h[1] for h in http); http_cpu = sum(h[2] + h[3] for h in http); http_az = sum(h[4] for h in http)
print(f"per row: HTTP {1000 * http_seconds / http_rows:.3f} ms wall, {http_cpu / http_rows:.3f} ms CPU (server + client), {http_az / http_rows:.3f} ms Azurite CPU")
for name, rows, seconds, cpu, az in re.findall(r"^(import(?:-before)?): (\d+) rows in ([\d.]+) s; cpu ms: import (\d+), azurite (\d+)", text, re.M):
    rows, seconds, cpu, az = int(rows), float(seconds), int(cpu), int(az)
    print(f"{name}: {1000 * seconds / rows:.3f} ms wall, {cpu / rows:.3f} ms CPU, {az / rows:.3f} ms Azurite CPU per row; "
          f"{(http_seconds / http_rows) / (seconds / rows):.1f}x faster than HTTP by wall time, {(http_cpu / http_rows) / (cpu / rows):.1f}x by CPU of our processes,"
          f" {((http_cpu + http_az) / http_rows) / ((cpu + az) / rows):.1f}x by CPU including Azurite's"
          f" (HTTP {http_rows} rows, per row times {rows}: {rows * http_seconds / http_rows:.0f} s vs {seconds:.0f} s)")
PY

# A private Azurite (the default) is in memory and goes with the run; with BENCH_AZURITE=shared the tables $PREFIX* stay.
echo "results: $RESULTS"
