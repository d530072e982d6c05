#!/usr/bin/env bash
# Install, migrate SQLite under ./var, load the demo company (once) and serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/kefu migrate --noinput
.venv/bin/kefu demo --seed 1 --if-empty
exec .venv/bin/kefu serve "${KEFU_ADDR:-127.0.0.1:8000}"
