#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium); install it when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then exit 0; fi
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "==> installing Debian's chromium (and CJK fonts for screenshots)"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-noto-cjk
