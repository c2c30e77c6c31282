#!/usr/bin/env bash
# Runs the Python client's tests under Debian's python3 against the freshly built server.
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -m pytest -q tests
