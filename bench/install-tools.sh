#!/usr/bin/env bash
# Installs what the load and cold-start measurements need and the machine may lack: wrk (Debian package).
set -euo pipefail
if ! command -v wrk >/dev/null; then
  echo "Installing wrk (apt-get)..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq wrk >/dev/null
fi
command -v node >/dev/null || { echo "Node.js 20+ is required (Azurite, the dev UserInfo endpoint, the seeding script)." >&2; exit 1; }
