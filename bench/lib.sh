# Shared by bench/*/run.sh. Source it from the repository root.
#   bench_storage          sets BENCH_STORAGE (a connection string): a private in-memory Azurite on a free loopback port
#                          (default; BENCH_AZURITE=own), or the shared one on 10002 via scripts/azurite.sh (BENCH_AZURITE=shared).
#   bench_track PID        remembers a process this script started; bench_cleanup stops exactly those, newest first.
#   free_port              prints a free loopback TCP port.
#   wait_http URL [secs] [pid]  waits until URL answers 200 (fails early if pid exits).
#   machine_info           nproc, CPU model, RAM, load average, date, commit.
BENCH_PIDS=()
DEVSTORE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

bench_track() { BENCH_PIDS+=("$1"); }

bench_cleanup() {
  local i
  for ((i=${#BENCH_PIDS[@]}-1; i>=0; i--)); do
    kill "${BENCH_PIDS[i]}" 2>/dev/null || true
  done
  for ((i=${#BENCH_PIDS[@]}-1; i>=0; i--)); do
    wait "${BENCH_PIDS[i]}" 2>/dev/null || true
  done
  BENCH_PIDS=()
  if [ "${BENCH_SHARED_AZURITE:-0}" = 1 ]; then azurite_stop; fi
}

wait_http() {
  local url=$1 seconds=${2:-60} pid=${3:-} i
  for ((i=0; i<seconds*20; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then echo "process $pid exited before $url answered" >&2; return 1; fi
    sleep 0.05
  done
  echo "no 200 from $url within ${seconds}s" >&2
  return 1
}

bench_storage() {
  if [ "${BENCH_AZURITE:-own}" = shared ]; then
    source scripts/azurite.sh
    azurite_ensure --in-memory
    BENCH_SHARED_AZURITE=1
    BENCH_STORAGE="UseDevelopmentStorage=true"
    return
  fi
  source scripts/azurite.sh
  npm_install_if_needed
  local port; port=$(free_port)
  node_modules/.bin/azurite-table --silent --inMemoryPersistence --tableHost 127.0.0.1 --tablePort "$port" \
    --skipApiVersionCheck --disableTelemetry >"${BENCH_TMP:-/tmp}/azurite-$port.log" 2>&1 &
  bench_track $!
  BENCH_AZURITE_PID=$!
  local i
  for ((i=0; i<200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  BENCH_STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$DEVSTORE_KEY;TableEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
  echo "Azurite: private in-memory instance on 127.0.0.1:$port (pid $BENCH_AZURITE_PID)"
}

machine_info() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet -- src 2>/dev/null || echo ' (src has uncommitted changes)')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "ram: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "dotnet: $(dotnet --version)"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# VmHWM (peak RSS) and VmRSS of a process, in MiB: "hwm rss"
mem_mib() { awk '/VmHWM|VmRSS/ {printf "%.1f ", $2/1024}' "/proc/$1/status" 2>/dev/null; }

# CPU time (user + system) a process has used so far, in milliseconds.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
