#!/usr/bin/env bash
# Azurite (blob 10000, queue 10001, table 10002: the tables hold the data, the queue carries the sweep's work on the
# Functions runtime and in its tests) for local runs and tests. Source this file, then:
#   azurite_ensure [--in-memory]   install Azurite from package-lock.json if needed; start it unless ports 10002 and
#                                   10001 already answer (only the queue service when just the table one does).
#                                   Sets AZURITE_STARTED=1 when this shell started it.
#   azurite_stop                    stop it again, only if this shell started it.
AZURITE_PORT=10002
AZURITE_QUEUE_PORT=10001
AZURITE_BLOB_PORT=10000
AZURITE_STARTED=0
AZURITE_PID=""
_repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

npm_install_if_needed() {
  if [ ! -x "$_repo_root/node_modules/.bin/azurite" ] || [ "$_repo_root/package-lock.json" -nt "$_repo_root/node_modules/.package-lock.json" ]; then
    echo "Installing Azurite (npm ci)..."
    (cd "$_repo_root" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "npm ci failed" >&2; return 1; }
  fi
}

azurite_ensure() {
  local services=(azurite --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT")
  local wait_port=$AZURITE_QUEUE_PORT # ours in both cases (a Table service may be someone else's)
  if _port_open "$AZURITE_PORT"; then
    if _port_open "$AZURITE_QUEUE_PORT"; then
      echo "Azurite: using the Table and Queue services already listening on 127.0.0.1:$AZURITE_PORT and :$AZURITE_QUEUE_PORT"
      return 0
    fi
    echo "Azurite: a Table service listens on 127.0.0.1:$AZURITE_PORT; starting the Queue service beside it"
    services=(azurite-queue --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT")
  fi
  npm_install_if_needed || return 1
  local persistence=(--location "$_repo_root/.azurite")
  [ "${1:-}" = "--in-memory" ] && persistence=(--inMemoryPersistence)
  "$_repo_root/node_modules/.bin/${services[0]}" --silent "${persistence[@]}" "${services[@]:1}" \
    --skipApiVersionCheck --disableTelemetry >"${TMPDIR:-/tmp}/sessionfunctions-azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    if _port_open "$wait_port"; then AZURITE_STARTED=1; echo "Azurite: started ${services[0]} (pid $AZURITE_PID)"; return 0; fi
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
