#!/usr/bin/env bash
# Install, migrate SQLite under ./var (or $KEFU_VAR_DIR), load the demo company (once), then
# serve on $KEFU_ADDR (default 127.0.0.1:8000) with a background worker for tasks and the
# schedule. Ctrl+C (or SIGTERM) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ADDR=${KEFU_ADDR:-127.0.0.1:8000}
VAR=${KEFU_VAR_DIR:-var}
KEFU=.venv/bin/kefu
mkdir -p "$VAR"

$KEFU migrate --noinput
$KEFU demo --seed 1 --if-empty --url "http://$ADDR"

pids=()
stop() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

$KEFU worker >>"$VAR/worker.log" 2>&1 &
pids+=($!)
echo "==> worker started (log: $VAR/worker.log)"
$KEFU serve "$ADDR" &
pids+=($!)
wait -n "${pids[@]}"
