#!/usr/bin/env bash
# Set up (idempotent) and open Loss Lab. Extra arguments go to `losslab`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m app "$@"
fi
exec .venv/bin/python -m app "$@"
