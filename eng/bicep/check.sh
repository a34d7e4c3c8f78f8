#!/usr/bin/env bash
# Builds and lints infra/*.bicep with the Bicep CLI from NuGet. Fails on any error or warning.
# Needs only the .NET SDK: the Bicep CLI is restored through eng/bicep/bicep.proj into the NuGet global packages
# folder ($NUGET_PACKAGES, else ~/.nuget/packages).
#
# Usage (from anywhere, usually the repo root): bash eng/bicep/check.sh
set -euo pipefail

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
proj="$here/bicep.proj"
cd "$root"

fail() { echo "bicep: $*" >&2; exit 1; }

# The package holding the CLI binary for this machine.
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64 | Linux/amd64) rid=linux-x64 ;;
  Linux/aarch64 | Linux/arm64) rid=linux-arm64 ;;
  Darwin/x86_64) rid=osx-x64 ;;
  Darwin/arm64) rid=osx-arm64 ;;
  *) fail "no Bicep CLI package known for $(uname -s)/$(uname -m)" ;;
esac
version="$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$proj" | head -n1)"
[[ -n "$version" ]] || fail "no <BicepVersion> in $proj"
package="azure.bicep.commandline.$rid"

# 1. Restore (downloads the package once; later runs are a no-op).
if ! restore_log="$(dotnet restore "$proj" -p:BicepRid="$rid" 2>&1)"; then
  echo "$restore_log" >&2
  fail "dotnet restore $proj failed"
fi

# 2. Locate the binary in the NuGet global packages folder.
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/$package/$version/tools/bicep"
if [[ ! -f "$bicep" ]]; then
  # A nuget.config may move the global packages folder (globalPackagesFolder); ask NuGet where it is.
  packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p' | head -n1)"
  bicep="${packages%/}/$package/$version/tools/bicep"
fi
[[ -f "$bicep" ]] || fail "Bicep CLI not found at $bicep after restore"
[[ -x "$bicep" ]] || chmod +x "$bicep"

# 3. Build and lint. Diagnostics look like: path(line,col) : Warning rule-id: message
mapfile -t files < <(find infra -name '*.bicep' -type f | sort)
[[ -f infra/main.bicep ]] || fail "infra/main.bicep not found"

problems=0
report() { # $1 = step name, $2 = exit code, $3 = combined output
  local step="$1" rc="$2" out="$3" count
  count="$(grep -cE '\) : (Warning|Error) ' <<<"$out" || true)"
  if [[ -n "$out" ]]; then printf '%s\n' "$out" >&2; fi
  if ((rc != 0 || count > 0)); then
    echo "bicep: $step: exit code $rc, $count warning(s)/error(s)" >&2
    problems=$((problems + (count > 0 ? count : 1)))
  fi
}

set +e
out="$("$bicep" build infra/main.bicep --stdout 2>&1 >/dev/null)"
report "build infra/main.bicep" $? "$out"
for f in "${files[@]}"; do
  out="$("$bicep" lint "$f" 2>&1)"
  report "lint $f" $? "$out"
done
set -e

if ((problems > 0)); then
  fail "FAILED with $problems problem(s) (Bicep CLI $version)"
fi
echo "bicep: build and lint clean (${#files[@]} files, Bicep CLI $version)"
