#!/usr/bin/env bash
# Prints the path of a Python 3.12+ interpreter: $KEFU_PYTHON, python3.13/3.12 on PATH,
# python3 if new enough, or one under pyenv.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for cand in "${KEFU_PYTHON:-}" python3.13 python3.12 python3; do
  [ -n "$cand" ] || continue
  if p=$(command -v "$cand" 2>/dev/null) && ok "$p"; then echo "$p"; exit 0; fi
done
root=$( (pyenv root 2>/dev/null) || echo "$HOME/.pyenv")
for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
  if ok "$p"; then echo "$p"; exit 0; fi
done
echo "kefu needs Python 3.12 or newer; none was found (set KEFU_PYTHON=/path/to/python3.12)." >&2
exit 1
