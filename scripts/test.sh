#!/usr/bin/env bash
# Set up (idempotent), run the safety nets (import layering, ruff, mypy) and
# the whole test suite under a virtual X display (3-D views need a real GL
# context; the offscreen platform has none). Extra arguments go to pytest.
# Exit code 5 (nothing collected) is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
# The real CIFAR-10 for the data tests: CI lays shared/ beside the clone.
export LOSSLAB_TEST_CIFAR=${LOSSLAB_TEST_CIFAR:-$(cd .. && pwd)/shared/data/cifar-10-batches-py}
.venv/bin/lint-imports || exit 1
.venv/bin/ruff check . || exit 1
.venv/bin/mypy || exit 1
xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then echo "test: pytest collected no tests: failing" >&2; exit 1; fi
exit $rc
