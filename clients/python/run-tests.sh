#!/usr/bin/env bash
# Runs the Python client's tests under Debian's python3 against the freshly built server
# (conftest.py starts `node dist/src/cli/main.js serve` on a free loopback port).
# pytest exits non-zero when a test fails and 5 when none was collected; both fail this script.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
if [ $# -eq 0 ]; then set -- tests; fi
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@"
