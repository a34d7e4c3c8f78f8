#!/usr/bin/env bash
# Azurite (Table service only) for local runs and tests. Source this file, then:
#   azurite_ensure [--in-memory]   install Azurite from package-lock.json if needed; start it unless port 10002
#                                   already answers. Sets AZURITE_STARTED=1 when this shell started it.
#   azurite_stop                    stop it again, only if this shell started it.
AZURITE_PORT=10002
AZURITE_STARTED=0
AZURITE_PID=""
_repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

npm_install_if_needed() {
  if [ ! -x "$_repo_root/node_modules/.bin/azurite-table" ] || [ "$_repo_root/package-lock.json" -nt "$_repo_root/node_modules/.package-lock.json" ]; then
    echo "Installing Azurite (npm ci)..."
    (cd "$_repo_root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "npm ci failed" >&2; return 1; }
  fi
}

azurite_ensure() {
  if _port_open "$AZURITE_PORT"; then
    echo "Azurite: using the Table service already listening on 127.0.0.1:$AZURITE_PORT"
    return 0
  fi
  npm_install_if_needed || return 1
  local persistence=(--location "$_repo_root/.azurite")
  [ "${1:-}" = "--in-memory" ] && persistence=(--inMemoryPersistence)
  "$_repo_root/node_modules/.bin/azurite-table" --silent "${persistence[@]}" --tableHost 127.0.0.1 \
    --tablePort "$AZURITE_PORT" --skipApiVersionCheck --disableTelemetry >"${TMPDIR:-/tmp}/sessionfunctions-azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    if _port_open "$AZURITE_PORT"; then AZURITE_STARTED=1; echo "Azurite: started on 127.0.0.1:$AZURITE_PORT (pid $AZURITE_PID)"; return 0; fi
    kill -0 "$AZURITE_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "Azurite did not start; its log:" >&2
  cat "${TMPDIR:-/tmp}/sessionfunctions-azurite.log" >&2
  return 1
}

azurite_stop() {
  if [ "$AZURITE_STARTED" = 1 ] && [ -n "$AZURITE_PID" ]; then
    kill "$AZURITE_PID" 2>/dev/null
    wait "$AZURITE_PID" 2>/dev/null
    AZURITE_STARTED=0
  fi
}
