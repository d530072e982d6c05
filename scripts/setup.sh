#!/usr/bin/env bash
# Installs everything kefu needs from the lock files: Python packages (uv.lock) into .venv,
# front-end libraries (package-lock.json) into kefu/static/vendor. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$(scripts/find-python.sh)
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x .tools/bin/uv ]; then
  echo "==> bootstrapping uv with $PY"
  "$PY" -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
echo "==> Python packages (uv.lock)"
.tools/bin/uv sync --frozen --quiet --python "$PY"

if ! command -v npm >/dev/null 2>&1; then
  echo "==> npm is missing: installing Debian's nodejs and npm"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> front-end libraries (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p kefu/static/vendor
cp node_modules/htmx.org/dist/htmx.min.js kefu/static/vendor/htmx.min.js
cp node_modules/echarts/dist/echarts.min.js kefu/static/vendor/echarts.min.js
cp node_modules/htmx.org/LICENSE kefu/static/vendor/htmx.LICENSE 2>/dev/null || true
cp node_modules/echarts/LICENSE kefu/static/vendor/echarts.LICENSE 2>/dev/null || true
mkdir -p var
