#!/usr/bin/env bash
# The sweep at scale (bench/README.md §3b): SweepScaleTests with ORGANIZATIONS organizations (100 expired sessions each,
# next to their members over 32 partitions) on a private in-memory Azurite (ports 20000-20002, so the shared one is
# untouched), under the benchmark lock. Writes the test's detailed log and the load average before and after to OUT.
#   ORGANIZATIONS=1000 bash bench/sweep/scale.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ORGANIZATIONS=${ORGANIZATIONS:-1000}
FILTER=${FILTER:-FullyQualifiedName~SweepScaleTests.Expired_sessions_next_to_their_members}
OUT=${OUT:-bench/results/sweep-sharded-$(date -u +%Y%m%d)/scale-$ORGANIZATIONS-organizations.log}
mkdir -p "$(dirname "$OUT")"
# The test runs from a copy of the built tests, so a build in this checkout meanwhile cannot disturb it (build first:
# dotnet build tests/SessionFunctions.Tests -c Release).
mkdir -p bench/sweep/bin && bin=$(mktemp -d "$PWD/bench/sweep/bin/tests.XXXX") # under the repository: the tests find its root from their folder
cp -r tests/SessionFunctions.Tests/bin/Release/net10.0/. "$bin/"
azurite=node_modules/.bin/azurite
[ -x "$azurite" ] || azurite=/work/main/node_modules/.bin/azurite
"$azurite" --silent --inMemoryPersistence --blobPort 20000 --queuePort 20001 --tablePort 20002 \
  --skipApiVersionCheck --disableTelemetry >/tmp/sweep-scale-azurite.log 2>&1 &
azurite_pid=$!
trap 'kill "$azurite_pid" 2>/dev/null || true; rm -rf "$bin"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/20002) 2>/dev/null && break; sleep 0.2; done
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export SESSIONFUNCTIONS_TEST_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:20000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:20001/devstoreaccount1;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1;"
export SESSIONFUNCTIONS_SWEEP_ORGANIZATIONS=$ORGANIZATIONS
{
  echo "commit $(git rev-parse --short HEAD); start $(date -u +%FT%TZ); loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Sweep__Parallelism=${Sweep__Parallelism:-default} Sweep__Partitions=${Sweep__Partitions:-default}"
  dotnet test "$bin/SessionFunctions.Tests.dll" --filter "$FILTER" --logger "console;verbosity=detailed" || true
  echo "end $(date -u +%FT%TZ); loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT" 2>&1
grep -E "sweep due|Passed|Failed" "$OUT" || true
