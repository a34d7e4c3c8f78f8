#!/usr/bin/env bash
# Runs every test: installs and starts Azurite (in memory) when it is not already running, runs the xunit suite
# (unit tests, integration tests over real HTTP against the Server on Azurite, and the Azure Functions app, which the
# test project references: its generated functions.metadata and its services are tested), and prints one line:
# "tests: N passed, N failed, N skipped". Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/azurite.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The tests need the npm packages (the Node SDK, Azurite for the outage test) even when an Azurite already runs.
npm_install_if_needed || exit 1
azurite_ensure --in-memory || exit 1
trap azurite_stop EXIT

results=$(mktemp -d)
dotnet test tests/SessionFunctions.Tests -c Release --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" 2>&1 \
  | tee "$results/console.log" | grep -vE '^\s*$'
test_exit=${PIPESTATUS[0]}

# Counts come from the test run's own TRX report.
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    c = root.find("{*}ResultSummary/{*}Counters")
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # Skipped tests are results with outcome NotExecuted (the summary's notExecuted counter stays 0 for them).
    s += sum(1 for r in root.findall(".//{*}UnitTestResult") if r.get("outcome") == "NotExecuted")
print(p, f, s)
PY
)
passed=${passed:-0} failed=${failed:-0} skipped=${skipped:-0}
if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited $test_exit without a failed test in its report (build error?)"; fi

rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
