"""Error replies become exceptions carrying the server's code, message and details."""

from __future__ import annotations

import time

import numpy as np
import pytest

import mfgym
from mfgym import Client
from mfgym.codec import encode_array
from conftest import free_port


def test_unknown_env(address):
    with pytest.raises(mfgym.RegistryError) as e:
        mfgym.make("NoSuchGame-v0", address=address)
    assert e.value.code == "MFG_ERR_REGISTRY_UNKNOWN_ENV" and "NoSuchGame-v0" in e.value.message


def test_bad_kwargs_name_the_kwarg(address):
    with pytest.raises(mfgym.RegistryError) as e:
        mfgym.make("CrowdModelling2D-v0", address=address, size="big")
    assert e.value.code == "MFG_ERR_REGISTRY_BAD_KWARGS" and "size" in str(e.value.message) + str(e.value.details)
    with pytest.raises(mfgym.RegistryError) as e:
        mfgym.make("LeftRight-v0", address=address, no_such_kwarg=1)
    assert e.value.code == "MFG_ERR_REGISTRY_BAD_KWARGS"


@pytest.mark.parametrize("action,reason", [(2, "range"), (-1, "range")])
def test_out_of_range_action(address, action, reason):
    env = mfgym.make("LeftRight-v0", address=address)
    try:
        env.reset(seed=0)
        with pytest.raises(mfgym.EnvError) as e:
            env.step(action)
        assert e.value.code == "MFG_ERR_ENV_BAD_ACTION"
        assert e.value.details.get("reason") == reason and e.value.details.get("agent") == 0
        obs, r, *_ = env.step(0)  # the env is still usable after a refused action
        assert obs.tolist() == [1, 1]
    finally:
        env.close()


def test_illegal_action_where_the_mask_forbids_it(address, crowd):
    # a wall right of (0,0): moving +x from there is illegal, and the mask says so; with
    # illegal_actions="error" it is refused (the default acts as stay: test_gymnasium.py).
    env = mfgym.make_vec("CrowdModelling2D-v0", num_envs=1, address=address, illegal_actions="error",
                         **crowd(5, 3, forbidden_cells=[[1, 0]], initial_cells=[[0, 0]]))
    try:
        obs, infos = env.reset(seed=0)
        assert obs.tolist() == [[0, 0, 0]]  # (y, x, t)
        assert infos["action_mask"].tolist() == [[True, True, True, False, True]]
        with pytest.raises(mfgym.EnvError) as e:
            env.step(np.array([3]))
        assert e.value.code == "MFG_ERR_ENV_BAD_ACTION" and e.value.details.get("reason") == "illegal"
    finally:
        env.close()


def test_wrong_action_shape_is_refused_by_the_server(client):
    made = client.call("make", env_id="LeftRight-v0", num_agents=2)
    client.call("reset", handle=made["handle"], seed=0)
    with pytest.raises(mfgym.EnvError) as e:
        client.call("step", handle=made["handle"], actions=encode_array(np.array([0, 0, 0])))
    assert e.value.code == "MFG_ERR_ENV_BAD_ACTION" and e.value.details.get("reason") == "shape"
    client.call("close", handle=made["handle"])


def test_another_connections_handle_is_forbidden(address):
    with Client(address) as owner, Client(address) as thief:
        h = owner.call("make", env_id="LeftRight-v0")["handle"]
        owner.call("reset", handle=h, seed=0)
        for op, fields in [("reset", {}), ("step", {"actions": encode_array(np.array([0]))}),
                           ("population_report", {}), ("close", {})]:
            with pytest.raises(mfgym.SessionError) as e:
                thief.call(op, handle=h, **fields)
            assert e.value.code == "MFG_ERR_SESSION_FORBIDDEN", op
        owner.call("step", handle=h, actions=encode_array(np.array([0])))  # the owner is unaffected
        owner.call("close", handle=h)


def test_step_after_close_and_close_is_idempotent(client):
    h = client.call("make", env_id="LeftRight-v0")["handle"]
    client.call("reset", handle=h, seed=0)
    assert client.call("close", handle=h) == {"closed": True}
    assert client.call("close", handle=h) == {"closed": True}
    with pytest.raises(mfgym.SessionError) as e:
        client.call("step", handle=h, actions=encode_array(np.array([0])))
    assert e.value.code == "MFG_ERR_SESSION_CLOSED"
    with pytest.raises(mfgym.SessionError) as e:
        client.call("close", handle="never-issued")
    assert e.value.code == "MFG_ERR_SESSION_UNKNOWN_HANDLE"


def test_step_before_reset_needs_reset(client):
    h = client.call("make", env_id="LeftRight-v0")["handle"]
    with pytest.raises(mfgym.EnvError) as e:
        client.call("step", handle=h, actions=encode_array(np.array([0])))
    assert e.value.code == "MFG_ERR_ENV_NEEDS_RESET"
    client.call("close", handle=h)


def test_protocol_level_errors(client):
    with pytest.raises(mfgym.ProtocolError) as e:
        client.call("teleport")
    assert e.value.code == "MFG_ERR_PROTOCOL_UNKNOWN_OP" and e.value.details.get("op") == "teleport"
    with pytest.raises(mfgym.ProtocolError) as e:
        client.call("make", env_id="LeftRight-v0", num_agnets=3)  # misspelt field
    assert e.value.code == "MFG_ERR_PROTOCOL_INVALID_REQUEST" and "num_agnets" in str(e.value.details)
    with pytest.raises(mfgym.ProtocolError) as e:
        client.call("hello", protocol="1.0")  # a 1.x client: no session tokens
    assert e.value.code == "MFG_ERR_PROTOCOL_VERSION"
    assert "2.1" in e.value.message and "1.0" in e.value.message
    assert e.value.details == {"client": "1.0", "server": "2.1"}
    client.send_raw(b"\xc1 not msgpack")
    reply = client.receive_raw()
    assert reply["ok"] is False and reply["id"] is None and reply["error"]["code"] == "MFG_ERR_PROTOCOL_MALFORMED"
    assert client.ping()  # the connection carries on


def test_bad_seeds(client):
    h = client.call("make", env_id="LeftRight-v0", num_agents=2)["handle"]
    for seed in (-1, 2**53, [1]):
        with pytest.raises(mfgym.MfgError) as e:
            client.call("reset", handle=h, seed=seed)
        assert e.value.code in ("MFG_ERR_SEED_INVALID", "MFG_ERR_ENV_BAD_OPTION"), seed
    client.call("reset", handle=h, seed=2**53 - 1)  # the largest seed is fine
    client.call("close", handle=h)


def test_timeouts_raise_and_are_configurable():
    port = free_port()  # nobody listens there: the request is queued and never answered
    with pytest.raises(mfgym.MfgTimeoutError) as e:
        mfgym.make("LeftRight-v0", address=f"tcp://127.0.0.1:{port}", timeout=0.2)
    assert isinstance(e.value, TimeoutError) and e.value.code == "MFG_ERR_CLIENT_TIMEOUT"
    assert e.value.details["timeout_s"] == 0.2 and e.value.details["op"] == "hello"


def test_late_replies_after_a_timeout_are_not_mistaken_for_the_next_one(address):
    with Client(address, timeout=20) as c:
        c.hello()
        rid = c.send("ping")  # pretend this one timed out: its reply is never read by wait()
        envs = c.call("list_envs")
        assert "envs" in envs and rid == 1


def test_curve_server_needs_its_public_key(tmp_path):
    """A server started with --curve-key-file encrypts: a client with its public key talks, one without gets nothing."""
    import json
    from conftest import start_server
    port = free_port()
    key_file = tmp_path / "server-key.json"
    proc = start_server(port, tmp_path / "server.log", ("--curve-key-file", str(key_file)))
    try:
        address = f"tcp://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not key_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        public = json.loads(key_file.read_text())["public_key"]
        assert (key_file.stat().st_mode & 0o777) == 0o600
        ok = False
        while not ok and time.monotonic() < deadline:
            with Client(address, timeout=0.5, curve_server_key=public) as c:
                try:
                    ok = c.ping()
                except mfgym.MfgTimeoutError:
                    pass
        assert ok
        with Client(address, timeout=0.5) as plain:
            with pytest.raises(mfgym.MfgTimeoutError):
                plain.ping()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
