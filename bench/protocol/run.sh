#!/usr/bin/env bash
# The protocol benchmark in one run: Python round trips vs a bare pyzmq+msgpack echo, and
# agent-steps/s at N = 1, 64, 4096, 65536 over the socket next to in-process TypeScript.
# Needs a build (npx tsc -p .); builds once if dist/ is missing. Extra args go to bench.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f dist/src/cli/main.js ] || [ ! -f dist/bench/protocol/in-process.js ] || [ ! -f dist/bench/protocol/zeromq-echo.js ]; then
  npx tsc -p . >/dev/null || true   # tsc emits JS even when some other file has type errors
fi
exec /usr/bin/python3 bench/protocol/bench.py "$@"
