"""Fixtures: a real mfgym server process for the whole session, and connections to it.

The server is the repository's built CLI (``node dist/src/cli/main.js serve``) on a free loopback
port; it must be built first (``npx tsc -p .`` or ``npm test``, whose pretest builds). A missing
build is an error, not a skip: these tests are the acceptance of the protocol.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))  # import the client from source, installed or not
sys.path.insert(0, str(HERE))

from mfgym import Client, MfgError  # noqa: E402
from schema_check import SchemaStore  # noqa: E402

REPO = HERE.parents[2]
# MFGYM_SERVER_JS points the tests at another build of the server CLI (same `serve --bind` interface).
SERVER_JS = Path(os.environ.get("MFGYM_SERVER_JS", str(REPO / "dist" / "src" / "cli" / "main.js")))
SCHEMAS = REPO / "protocol" / "schemas"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log_path: Path, extra_args: tuple = ()) -> subprocess.Popen:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: cannot start the mfgym server")
    if not SERVER_JS.exists():
        raise RuntimeError(f"{SERVER_JS} is missing: build the server first (npx tsc -p . in {REPO})")
    log = open(log_path, "wb")
    return subprocess.Popen([node, str(SERVER_JS), "serve", "--bind", f"tcp://127.0.0.1:{port}", *extra_args],
                            cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_until_ready(proc: subprocess.Popen, address: str, log_path: Path, deadline_s: float = 60.0) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline_s:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        with Client(address, timeout=0.5) as c:
            try:
                if c.ping():
                    return
            except MfgError:
                pass
    raise RuntimeError(f"server did not answer ping within {deadline_s} s:\n{log_path.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: the server closes cleanly
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server():
    """(address, process, log path) of a server that lives for the whole test session."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    log_dir = Path(tempfile.mkdtemp(prefix="mfgym-pytest-"))
    log_path = log_dir / "server.log"
    proc = start_server(port, log_path)
    try:
        wait_until_ready(proc, address, log_path)
        yield address, proc, log_path
    finally:
        stop_server(proc)
        if os.environ.get("MFGYM_KEEP_SERVER_LOG"):
            print(f"server log kept at {log_path}", file=sys.stderr)
        else:
            shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def address(server):
    return server[0]


@pytest.fixture
def client(address):
    with Client(address, timeout=20.0) as c:
        yield c


@pytest.fixture(scope="session")
def schemas():
    if not SCHEMAS.is_dir():
        raise RuntimeError(f"{SCHEMAS} is missing")
    return SchemaStore(SCHEMAS)


@pytest.fixture(scope="session")
def crowd(address):
    """kwargs for a small CrowdModelling2D-v0: crowd(size, horizon) -> dict, whatever the horizon kwarg's name."""
    with Client(address, timeout=20) as c:
        props = {e["id"]: e for e in c.list_envs()}["CrowdModelling2D-v0"]["kwargs_schema"]["properties"]
    key = "H" if "H" in props else "horizon"

    def kwargs(size: int, horizon: int, **more):
        return {"size": size, key: horizon, **more}

    return kwargs
