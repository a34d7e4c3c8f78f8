#!/usr/bin/env bash
# Runs the whole service locally: Azurite (installed from npm and started if it is not running), a local RSA
# signing key (created on first run), a stand-in legacy UserInfo endpoint, and the API on http://127.0.0.1:7071.
# Needs only the .NET 10 SDK and Node.js; no Azure account. Ctrl+C stops everything this script started.
#
#   bash scripts/run-local.sh               the API on SessionFunctions.Server (Kestrel)
#   bash scripts/run-local.sh --functions   the Azure Functions app under Core Tools (`func start`), which must be
#                                           installed; adds Azurite's Blob and Queue services the Functions host needs
#                                           and creates local.settings.json from local.settings.example.json if missing
#
# Overridable: PORT (7071), USERINFO_PORT (7070), and any setting, e.g. Sessions__UserInfoUrl to use a real provider.
set -euo pipefail
FUNCTIONS=0
for arg in "$@"; do
  case "$arg" in
    --functions) FUNCTIONS=1 ;;
    *) echo "usage: bash scripts/run-local.sh [--functions]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
source scripts/azurite.sh

PORT=${PORT:-7071}
USERINFO_PORT=${USERINFO_PORT:-7070}
mkdir -p .local
[ -s .local/project-secret ] || ( umask 077; printf 'secret-test-%s' "$(head -c 30 /dev/urandom | base64 | tr '/+' '_-' | tr -d '=\n')" > .local/project-secret )

export Sessions__ProjectId=${Sessions__ProjectId:-project-test-00000000-0000-4000-8000-000000000001}
export Sessions__ProjectSecret=${Sessions__ProjectSecret:-$(cat .local/project-secret)}
export Storage__ConnectionString=${Storage__ConnectionString:-UseDevelopmentStorage=true}
export Signing__LocalKeyPath=${Signing__LocalKeyPath:-$PWD/.local/signing-key.pem}
export Rbac__PolicyPath=${Rbac__PolicyPath-$PWD/examples/rbac-policy.json} # the README's example policy (roles editor, viewer, billing); set it empty for Stytch's defaults only

children=()
cleanup() { for p in "${children[@]}"; do kill "$p" 2>/dev/null || true; done; azurite_stop; }
trap cleanup EXIT INT TERM

if [ "$FUNCTIONS" = 1 ] && ! command -v func >/dev/null; then
  echo "--functions runs the app with Azure Functions Core Tools v4 ('func'), which is not on PATH." >&2
  echo "Install it (https://learn.microsoft.com/azure/azure-functions/functions-run-local), or run without --functions: the Server serves the same API." >&2
  exit 1
fi

azurite_ensure
if [ "$FUNCTIONS" = 1 ]; then
  # The Functions host keeps its own state (timer schedules, locks) in Blob and Queue storage.
  for service in blob:10000 queue:10001; do
    if ! _port_open "${service#*:}"; then
      "node_modules/.bin/azurite-${service%%:*}" --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry &
      children+=($!)
    fi
  done
  [ -f local.settings.json ] || cp local.settings.example.json local.settings.json
fi
if [ -z "${Sessions__UserInfoUrl:-}" ]; then
  node scripts/dev-userinfo.mjs "$USERINFO_PORT" &
  children+=($!)
  export Sessions__UserInfoUrl="http://127.0.0.1:$USERINFO_PORT/userinfo"
fi

cat <<INFO

  API:        http://127.0.0.1:$PORT
  project_id: $Sessions__ProjectId
  secret:     in .local/project-secret (unless Sessions__ProjectSecret is set)
  UserInfo:   $Sessions__UserInfoUrl
  JWKS:       http://127.0.0.1:$PORT/v1/b2b/sessions/jwks/$Sessions__ProjectId

INFO
if [ "$FUNCTIONS" = 1 ]; then
  # Core Tools builds the project and reads local.settings.json from the repository root; the settings exported above
  # (project id and secret, storage, signing key, UserInfo) take precedence over its values.
  (cd src/SessionFunctions.Functions && exec func start --port "$PORT") &
  children+=($!)
  wait "${children[-1]}"
  exit
fi
# Built, then started directly (not through 'dotnet run', which would not pass Ctrl+C on to the server).
dotnet build src/SessionFunctions.Server -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet src/SessionFunctions.Server/bin/Release/net10.0/SessionFunctions.Server.dll --urls "http://127.0.0.1:$PORT" &
children+=($!)
wait "${children[-1]}"
