#!/usr/bin/env bash
# Runs the Python client's tests under Debian's python3 against the freshly built server
# (conftest.py starts `node dist/src/cli/main.js serve` on a free loopback port).
# pytest exits non-zero when a test fails and 5 when none was collected; both fail this script.
#
# Gymnasium 1.4.0 and PettingZoo (pure Python) live in ../shared/python beside the repository
# (a fresh clone in CI has shared/ next to it); with them on PYTHONPATH the client subclasses
# the real gymnasium.Env / VectorEnv and tests/test_gymnasium.py runs Gymnasium's own checks.
# Without them the stand-in classes are tested and test_gymnasium.py skips, except in CI
# (CI=true), where a missing ../shared/python fails here instead of skipping silently.
set -euo pipefail
cd "$(dirname "$0")"
SHARED_PY="$(cd ../.. && pwd)/../shared/python"
if [ -d "$SHARED_PY/gymnasium" ]; then
  export PYTHONPATH="$(cd "$SHARED_PY" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
elif [ "${CI:-}" = "true" ]; then
  echo "run-tests.sh: $SHARED_PY/gymnasium is missing; CI must test against real Gymnasium" >&2
  exit 1
fi
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
if [ $# -eq 0 ]; then set -- tests; fi
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@"
