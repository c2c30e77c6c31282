"""Every reply the server sends, and every request this client sends, matches protocol/schemas/*.json.

Replies are checked raw (before the client decodes arrays), with the small validator in
schema_check.py. The arrays' byte lengths are checked against dtype and shape too (PROTOCOL.md §4).
"""

from __future__ import annotations

import numpy as np
import pytest

import mfgym
from mfgym import Client
from mfgym.codec import encode_array, pack, unpack

ITEMSIZE = {"<f8": 8, "<f4": 4, "<i8": 8, "<i4": 4, "|u1": 1, "|b1": 1}


class RecordingClient(Client):
    """A Client that keeps (request, raw reply) pairs."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.log = []

    def call_raw(self, op, **fields):
        rid = self.send(op, **fields)
        reply = self.wait(rid, op)
        session = {} if op == "hello" else {"session": self.session}
        request = unpack(pack({"v": mfgym.PROTOCOL_VERSION, "id": rid, "op": op, **session, **fields}))
        self.log.append((op, request, reply))
        return reply


def arrays_in(x, path="$"):
    if isinstance(x, dict):
        if set(x) == {"dtype", "shape", "data"}:
            yield path, x
        else:
            for k, v in x.items():
                yield from arrays_in(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from arrays_in(v, f"{path}[{i}]")


def drive_every_op(c: RecordingClient, crowd):
    c.hello()
    c.ping()
    c.list_envs()
    for mode in ("next_step", "same_step"):
        made = c.call("make", env_id="LeftRight-v0", num_agents=3, mean_field="fictitious", autoreset=mode,
                      population="exact", kwargs={}, options={"update_every": 0})
        h = made["handle"]
        c.call("reset", handle=h, seed=1)
        c.call("reset", handle=h, seed=[1, 2, 3])
        c.call("reset", handle=h, seed=None, options={"reset_mask": encode_array(np.array([True, False, True]))})
        for _ in range(3):  # crosses an episode end, so same_step replies carry final_obs/final_info
            c.call("step", handle=h, actions=encode_array(np.array([0, 1, 0], dtype=np.int64)))
        c.call("step", handle=h, actions=encode_array(np.array([1, 1, 0], dtype=np.int32)))
        c.call("population_update", handle=h)
        c.call("population_report", handle=h)
        c.call("close", handle=h)
        c.call("close", handle=h)
    made = c.call("make", env_id="CrowdModelling2D-v0", num_agents=5, kwargs=crowd(4, 2))
    c.call("reset", handle=made["handle"], seed=0)
    c.call("step", handle=made["handle"], actions=encode_array(np.full(5, 2, dtype=np.uint8)))
    c.call("close", handle=made["handle"])
    # error replies of several kinds
    for op, fields in [("make", {"env_id": "Nope-v0"}), ("make", {"env_id": "LeftRight-v0", "kwargs": {"x": 1}}),
                       ("step", {"handle": "nope", "actions": encode_array(np.array([0]))}), ("teleport", {}),
                       ("reset", {"handle": made["handle"], "seed": -3}), ("make", {})]:
        with pytest.raises(mfgym.MfgError):
            c.call(op, **fields)


def test_replies_and_requests_match_the_schemas(address, schemas, crowd):
    with RecordingClient(address, timeout=20) as c:
        drive_every_op(c, crowd)
        log = c.log
    seen_ok, seen_err = set(), 0
    for op, request, reply in log:
        if reply.get("ok") is True:
            errs = schemas.errors(reply, f"{op}.reply.json")
            seen_ok.add(op)
        else:
            errs = schemas.errors(reply, "error.reply.json")
            seen_err += 1
        assert errs == [], f"{op} reply: {errs}\n{reply!r}"[:2000]
        if reply.get("ok") is True:  # our own well-formed requests follow the request schemas too
            assert schemas.errors(request, "request.json") == []
            assert schemas.errors(request, f"{op}.request.json") == [], op
        for path, arr in arrays_in(reply):
            n = int(np.prod(arr["shape"])) if arr["shape"] else 1
            assert len(arr["data"]) == n * ITEMSIZE[arr["dtype"]], f"{op} {path}"
    assert seen_ok == {"hello", "ping", "list_envs", "make", "reset", "step", "population_update",
                       "population_report", "close"}
    assert seen_err == 6
    # same_step replies at the episode end carried the final_* keys the schema describes
    assert any(op == "step" and "final_obs" in r["result"]["infos"] for op, _, r in log if r.get("ok"))


def test_error_codes_are_in_the_generated_table(address, crowd):
    import json
    from conftest import REPO
    codes = set(json.loads((REPO / "protocol" / "errors.json").read_text())["codes"])
    with RecordingClient(address, timeout=20) as c:
        drive_every_op(c, crowd)
        got = {r["error"]["code"] for _, _, r in c.log if r.get("ok") is False}
    assert got and got <= codes, got - codes
