# Shared by bench/host/*.sh (source it after bench/lib.sh, with BENCH_TMP and SF_HOST_DIR set):
#   host_azurite        full Azurite (blob, queue, table: the host keeps its locks in blobs and timers' state), private
#                       and in memory, or with BENCH_AZURITE=shared the one on 10000-10002; sets STORAGE.
#   start_host PORT APP-DIR [EXTRA]   a Functions host serving the app in APP-DIR, with APP_ENV (the caller's settings)
#                       and EXTRA (NAME=value, space-separated); logs to $BENCH_TMP/host.log; sets HOST_PID.
#   worker_of PID       the host's worker process.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

host_azurite() {
  if [ "${BENCH_AZURITE:-own}" = shared ] && port_open 10000 && port_open 10001 && port_open 10002; then
    BLOB=10000 QUEUE=10001 TABLE=10002
  else
    source scripts/azurite.sh && npm_install_if_needed
    BLOB=$(free_port) QUEUE=$(free_port) TABLE=$(free_port)
    node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --blobHost 127.0.0.1 \
      --blobPort "$BLOB" --queueHost 127.0.0.1 --queuePort "$QUEUE" --tableHost 127.0.0.1 --tablePort "$TABLE" >"$BENCH_TMP/azurite.log" 2>&1 &
    bench_track $!
    for _ in $(seq 200); do port_open "$TABLE" && port_open "$BLOB" && port_open "$QUEUE" && break; sleep 0.1; done
  fi
  STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$DEVSTORE_KEY;BlobEndpoint=http://127.0.0.1:$BLOB/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE/devstoreaccount1;"
}

start_host() { # port app-dir [extra env, space-separated] -> HOST_PID
  local extra=(); read -r -a extra <<<"${3:-}"
  mkdir -p "$BENCH_TMP/secrets"
  (cd "$SF_HOST_DIR" && exec env -u CONTAINER_NAME "${APP_ENV[@]}" ${extra[@]+"${extra[@]}"} AzureWebJobsScriptRoot="$2" FUNCTIONS_WORKER_RUNTIME=dotnet-isolated \
    AzureWebJobsStorage="$STORAGE" AzureWebJobsSecretStorageType=files FUNCTIONS_SECRETS_PATH="$BENCH_TMP/secrets" \
    AZURE_FUNCTIONS_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$1" DOTNET_ROLL_FORWARD=Major SF_HOST_CONSOLE_LOG=0 \
    dotnet Microsoft.Azure.WebJobs.Script.WebHost.dll) >>"$BENCH_TMP/host.log" 2>&1 &
  HOST_PID=$!
}

worker_of() { pgrep -P "$1" -f SessionFunctions.Functions.dll | head -1; }
