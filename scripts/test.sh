#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite under a virtual X display
# (3-D views need a real GL context; the offscreen platform has none).
# Extra arguments go to pytest. Exit code 5 (nothing collected) is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
.venv/bin/lint-imports || exit 1
xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then echo "test: pytest collected no tests: failing" >&2; exit 1; fi
exit $rc
