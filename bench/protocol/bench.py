"""Protocol benchmark (DESIGN §7): Python round trips against `mfgym serve` vs a bare pyzmq+msgpack
echo, and agent-steps/s with N agents per message on CrowdModelling2D-v0, next to in-process
TypeScript stepping of the same env.

    bash bench/protocol/run.sh                 # builds nothing: run `npx tsc -p .` first
    python3 bench/protocol/bench.py --seconds 1 --repeats 5 --sizes 1,64,4096,65536

Both servers run on free loopback ports for the duration of the run and are stopped at the end.
Each figure is the median of `--repeats` timed windows of `--seconds` (after a warm-up), with the
echo and the server windows interleaved so that load from elsewhere on the machine hits both.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "clients" / "python" / "src"))

import mfgym  # noqa: E402
from mfgym import Client  # noqa: E402
from mfgym.codec import encode_array  # noqa: E402

ENV_ID = "CrowdModelling2D-v0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ping(address: str, proc: subprocess.Popen, what: str, deadline: float = 60.0) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with Client(address, timeout=0.5) as c:
            try:
                if c.ping():
                    return
            except mfgym.MfgError:
                pass
    raise RuntimeError(f"{what} did not answer ping within {deadline} s")


def wait_raw(address: str, proc: subprocess.Popen, what: str, deadline: float = 30.0) -> None:
    """Waits until a raw echo sends a frame back (it answers anything, with the frame itself)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with Client(address, timeout=0.5) as c:
            try:
                c.call_raw("ping")
                return
            except mfgym.MfgError as e:
                # The echo sends the request back: not a reply map the client accepts, but an answer.
                if e.code == "MFG_ERR_PROTOCOL_MALFORMED":
                    return
    raise RuntimeError(f"{what} did not answer within {deadline} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def timed(fn, seconds: float) -> "tuple[int, float]":
    """Calls fn() repeatedly for about `seconds`; returns (calls, elapsed)."""
    n = 0
    t0 = time.perf_counter()
    deadline = t0 + seconds
    while True:
        fn()
        n += 1
        t = time.perf_counter()
        if t >= deadline:
            return n, t - t0


def round_trips(targets: dict, server_addr: str, seconds: float, repeats: int) -> dict:
    """Round trips/s of the same client code against each echo in `targets` and against the server."""
    from mfgym.codec import decode_tree

    clients = {name: Client(addr, timeout=30) for name, addr in targets.items()}
    srv = Client(server_addr, timeout=30)
    try:
        srv.hello()
        # Protocol 2.0: every request after hello carries the session token. An echo has no hello
        # to say, so its clients skip it and carry the server's token: the same bytes on the wire.
        for c in clients.values():
            c.server_info, c.session = {"echo": True}, srv.session
        h = srv.call("make", env_id=ENV_ID, num_agents=1, autoreset="next_step")["handle"]
        srv.call("reset", handle=h, seed=0)
        action = encode_array(np.array([2], dtype=np.int64))
        out = {}
        for case, fields in [("step", {"handle": h, "actions": action}), ("ping", {})]:
            # Echoes answer with a map the client decodes in full: the same work as for a result.
            fns = {name: (lambda c=c: decode_tree(c.call_raw(case, **fields))) for name, c in clients.items()}
            fns["server"] = lambda: srv.call(case, **fields)
            for fn in fns.values():
                timed(fn, 0.3)
            rates = {name: [] for name in fns}
            for _ in range(repeats):  # interleaved windows: load from elsewhere hits every target
                for name, fn in fns.items():
                    n, t = timed(fn, seconds)
                    rates[name].append(n / t)
            out[case] = {name: statistics.median(r) for name, r in rates.items()}
        srv.call("close", handle=h)
        return out
    finally:
        for c in clients.values():
            c.close()
        srv.close()


def agent_steps(server_addr: str, n: int, seconds: float, repeats: int) -> dict:
    env = mfgym.make_vec(ENV_ID, num_envs=n, address=server_addr, timeout=120, autoreset_mode="next_step")
    try:
        env.reset(seed=0)
        rng = np.random.default_rng(0)
        # Actions drawn beforehand: the window times the env, not the agent (no walls: all 5 legal).
        pool = [rng.integers(0, 5, size=n, dtype=np.int64) for _ in range(8)]
        k = [0]

        def step():
            env.step(pool[k[0] % 8])
            k[0] += 1

        timed(step, min(0.5, seconds))
        rates = []
        for _ in range(repeats):
            calls, t = timed(step, seconds)
            rates.append(calls * n / t)
        return {"n": n, "agent_steps_per_s": statistics.median(rates),
                "ms_per_step": 1000 * n / statistics.median(rates)}
    finally:
        env.close()


def in_process(sizes, seconds: float, repeats: int) -> dict:
    script = REPO / "dist" / "bench" / "protocol" / "in-process.js"
    if not script.exists():
        print(f"(in-process TypeScript figures skipped: {script} is missing; build with npx tsc -p .)")
        return {}
    cmd = [shutil.which("node") or "node", str(script), "--sizes", ",".join(map(str, sizes)),
           "--seconds", str(seconds), "--repeats", str(repeats)]
    res = subprocess.run(cmd, cwd=str(REPO), capture_output=True, text=True, timeout=900)
    if res.returncode != 0:
        print(f"(in-process TypeScript run failed: {res.stderr.strip()[-2000:]})")
        return {}
    out = {}
    for line in res.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            out[int(row["n"])] = row
    return out


def fmt(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one timed window")
    ap.add_argument("--repeats", type=int, default=5, help="timed windows per figure (median reported)")
    ap.add_argument("--sizes", default="1,64,4096,65536", help="agents per message")
    ap.add_argument("--no-ts", action="store_true", help="skip the in-process TypeScript column")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    server_js = Path(os.environ.get("MFGYM_SERVER_JS", str(REPO / "dist" / "src" / "cli" / "main.js")))
    if not server_js.exists():
        print(f"{server_js} is missing: run `npx tsc -p .` in {REPO} first", file=sys.stderr)
        return 2
    echo_addr = f"tcp://127.0.0.1:{free_port()}"
    server_addr = f"tcp://127.0.0.1:{free_port()}"
    echo = subprocess.Popen([sys.executable, str(HERE / "echo_server.py"), echo_addr])
    zmq_echo_js = REPO / "dist" / "bench" / "protocol" / "zeromq-echo.js"
    zmq_echo_addr = f"tcp://127.0.0.1:{free_port()}"
    zmq_echo = (subprocess.Popen([shutil.which("node") or "node", str(zmq_echo_js), zmq_echo_addr], cwd=str(REPO))
                if zmq_echo_js.exists() else None)
    server = subprocess.Popen([shutil.which("node") or "node", str(server_js), "serve", "--bind", server_addr],
                              cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ping(echo_addr, echo, "echo server")
        targets = {"python": echo_addr}
        if zmq_echo is not None:
            wait_raw(zmq_echo_addr, zmq_echo, "zeromq.js echo")
            targets["zeromq.js"] = zmq_echo_addr
        wait_ping(server_addr, server, "mfgym server")
        print(f"# protocol benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, pyzmq {__import__('zmq').__version__}, "
              f"numpy {np.__version__}, node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}")
        load = os.getloadavg()
        print(f"# each figure: median of {args.repeats} windows of {args.seconds} s; load average before the run "
              f"{load[0]:.2f} on {os.cpu_count()} cores (figures from a busy machine understate both columns)\n")

        rt = round_trips(targets, server_addr, args.seconds, args.repeats)
        print("## (a) single-agent round trips per second from Python (one request in flight)\n")
        node_col = "zeromq.js" in targets
        print("| request | bare pyzmq+msgpack echo (Python) |" + (" bare zeromq.js echo (Node) |" if node_col else "")
              + " mfgym serve | ratio to the Python echo (aim >= 0.8) |" + (" ratio to the zeromq.js echo |" if node_col else ""))
        print("|---|---:|" + ("---:|" if node_col else "") + "---:|---:|" + ("---:|" if node_col else ""))
        for name, label in [("step", f"step, N=1, {ENV_ID}"), ("ping", "ping")]:
            r = rt[name]
            row = f"| {label} | {r['python']:,.0f} /s |"
            if node_col:
                row += f" {r['zeromq.js']:,.0f} /s |"
            row += f" {r['server']:,.0f} /s | {r['server'] / r['python']:.2f} |"
            if node_col:
                row += f" {r['server'] / r['zeromq.js']:.2f} |"
            print(row)
        sys.stdout.flush()

        rows = [agent_steps(server_addr, n, args.seconds, args.repeats) for n in sizes]
        ts = {} if args.no_ts else in_process(sizes, args.seconds, args.repeats)
        print(f"\n## (b) agent-steps per second, {ENV_ID} (defaults: 10x10 torus, H=10, exact population, fixed mean field)\n")
        print("| N agents per message | Python over the socket | ms per step message | in-process TypeScript | socket / in-process |")
        print("|---:|---:|---:|---:|---:|")
        for r in rows:
            t = ts.get(r["n"])
            tsv = f"{fmt(t['agent_steps_per_s'])}/s" if t else "n/a"
            ratio = f"{r['agent_steps_per_s'] / t['agent_steps_per_s']:.2f}" if t else "n/a"
            print(f"| {r['n']:,} | {fmt(r['agent_steps_per_s'])}/s | {r['ms_per_step']:.3f} | {tsv} | {ratio} |")
        load = os.getloadavg()
        print(f"\n# load average after the run: {load[0]:.2f}")
        big = [r for r in rows if r["n"] == 65536]
        if big:
            v = big[0]["agent_steps_per_s"]
            print(f"\nN = 65536 over the socket: {v / 1e6:.2f} million agent-steps/s (aim >= 5)")
        return 0
    finally:
        stop(server)
        stop(echo)
        if zmq_echo is not None:
            stop(zmq_echo)


if __name__ == "__main__":
    sys.exit(main())
