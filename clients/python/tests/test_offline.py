"""Client pieces that need no server: the array codec, spaces, error mapping, the schema checker."""

from __future__ import annotations

import msgpack
import numpy as np
import pytest

from mfgym import EnvError, MfgError, ProtocolError, RegistryError, SessionError
from mfgym.codec import decode_array, decode_tree, encode_array, pack, unpack
from mfgym.env import action_array
from mfgym.errors import error_from_reply
from mfgym.spaces import Box, Discrete, MultiDiscrete, batch_space, space_from_json


@pytest.mark.parametrize("dtype", ["<f8", "<f4", "<i8", "<i4", "|u1", "|b1"])
def test_array_round_trip_keeps_dtype_shape_and_values(dtype):
    rng = np.random.default_rng(7)
    a = (rng.random((3, 4, 2)) * 100).astype(np.dtype(dtype))
    m = unpack(pack({"a": encode_array(a)}))["a"]
    assert m["dtype"] == dtype and m["shape"] == [3, 4, 2]
    assert len(m["data"]) == a.size * a.itemsize
    b = decode_array(m)
    assert b.dtype == a.dtype and b.shape == a.shape and np.array_equal(a, b)
    b[0, 0, 0] = 0  # decoded arrays are ordinary writable arrays


def test_arrays_travel_little_endian_whatever_the_host_order():
    big = np.array([1, 256, -2], dtype=">i8")
    m = encode_array(big)
    assert m["dtype"] == "<i8"
    assert m["data"] == np.array([1, 256, -2], dtype="<i8").tobytes()
    assert m["data"][:8] == b"\x01" + b"\x00" * 7


def test_unsupported_dtypes_are_refused_both_ways():
    with pytest.raises(TypeError):
        encode_array(np.zeros(2, dtype=np.complex128))
    with pytest.raises(ValueError):
        decode_array({"dtype": ">f8", "shape": [1], "data": b"\x00" * 8})


def test_decode_tree_finds_arrays_inside_infos():
    infos = {"action_mask": encode_array(np.ones((2, 3), bool)), "final_info": {"t": encode_array(np.arange(2))},
             "note": "x"}
    out = decode_tree(unpack(pack(infos)))
    assert out["action_mask"].dtype == np.bool_ and out["action_mask"].shape == (2, 3)
    assert np.array_equal(out["final_info"]["t"], [0, 1]) and out["note"] == "x"


def test_space_json_forms_match_the_typescript_to_json():
    d = space_from_json({"type": "Discrete", "n": 5, "start": 0}, use_gymnasium=False)
    assert isinstance(d, Discrete) and d.n == 5 and d.dtype == np.int64
    md = space_from_json({"type": "MultiDiscrete", "nvec": [10, 10, 11]}, use_gymnasium=False)
    assert isinstance(md, MultiDiscrete) and md.shape == (3,) and md.dtype == np.int64
    box = space_from_json({"type": "Box", "shape": [2], "dtype": "float32", "low": ["-inf", -1], "high": ["inf", 1]},
                          use_gymnasium=False)
    assert isinstance(box, Box) and box.dtype == np.float32
    assert box.low[0] == -np.inf and box.high[0] == np.inf and box.low[1] == -1 and box.high[1] == 1


def test_stand_in_spaces_sample_inside_themselves_with_gymnasium_dtypes_and_seeding():
    d = Discrete(5, seed=3)
    xs = [d.sample() for _ in range(200)]
    assert all(type(x) is np.int64 and x in d for x in xs) and set(int(x) for x in xs) == {0, 1, 2, 3, 4}
    again = Discrete(5, seed=3)
    assert [again.sample() for _ in range(5)] == xs[:5]
    assert 5 not in d and -1 not in d and 1.0 not in d and True not in d
    assert int(Discrete(5, seed=0).sample(mask=np.array([0, 0, 1, 0, 0], np.int8))) == 2
    md = MultiDiscrete([2, 3, 4], seed=1)
    s = md.sample()
    assert s.dtype == np.int64 and s in md and np.array([1, 2, 4]) not in md
    box = Box(np.array([-1.0, 0.0, -np.inf]), np.array([1.0, np.inf, np.inf]), dtype=np.float32, seed=2)
    for _ in range(50):
        v = box.sample()
        assert v.dtype == np.float32 and v in box
    assert np.array([2.0, 0, 0], np.float32) not in box


def test_batch_space_stacks_like_gymnasium():
    assert batch_space(Discrete(5), 3) == MultiDiscrete([5, 5, 5])
    b = batch_space(MultiDiscrete([10, 10, 11]), 4)
    assert b.shape == (4, 3) and np.array_equal(b.nvec[3], [10, 10, 11])
    bb = batch_space(Box(-1.0, 1.0, shape=(2,), dtype=np.float32), 4)
    assert bb.shape == (4, 2) and bb.dtype == np.float32


def test_actions_are_encoded_with_the_wire_dtype_and_non_integers_refused():
    d = Discrete(5)
    m = action_array(np.int64(3), d, 1)
    assert m["dtype"] == "|u1" and m["shape"] == [1] and decode_array(m)[0] == 3
    m = action_array(np.array([1, 2, 3], np.int32), d, 3)
    assert m["dtype"] == "|u1" and list(decode_array(m)) == [1, 2, 3]
    # values the game will refuse still travel exactly, in the narrowest dtype that holds them
    m = action_array([-1, 300], d, 2)
    assert m["dtype"] == "<i4" and list(decode_array(m)) == [-1, 300]
    m = action_array([2**40], d, 1)
    assert m["dtype"] == "<i8" and decode_array(m)[0] == 2**40
    m = action_array(np.array([2.0]), d, 1)
    assert m["dtype"] == "|u1" and decode_array(m)[0] == 2
    with pytest.raises(EnvError) as e:
        action_array([1.5], d, 1)
    assert e.value.code == "MFG_ERR_ENV_BAD_ACTION"
    with pytest.raises(EnvError):
        action_array(["a"], d, 1)
    box = Box(-1.0, 1.0, shape=(2,), dtype=np.float32)
    m = action_array(np.zeros((3, 2)), box, 3)
    assert m["dtype"] == "<f4" and m["shape"] == [3, 2]


def test_error_replies_map_to_classes_by_area_and_keep_code_message_details():
    cases = {
        "MFG_ERR_PROTOCOL_UNKNOWN_OP": ProtocolError,
        "MFG_ERR_SESSION_FORBIDDEN": SessionError,
        "MFG_ERR_ENV_BAD_ACTION": EnvError,
        "MFG_ERR_REGISTRY_UNKNOWN_ENV": RegistryError,
        "MFG_ERR_INTERNAL": MfgError,
    }
    for code, cls in cases.items():
        e = error_from_reply({"code": code, "message": "m", "details": {"field": "x"}})
        assert type(e) is cls and e.code == code and e.message == "m" and e.details == {"field": "x"}
        assert code in str(e)


def test_messages_are_msgpack_maps_with_bin_payloads():
    frame = pack({"v": "1.0", "id": 0, "op": "step", "actions": encode_array(np.array([1]))})
    raw = msgpack.unpackb(frame, raw=True)
    assert isinstance(raw[b"actions"][b"data"], bytes)  # bin, not str
    assert unpack(frame)["op"] == "step"


def test_schema_checker_rejects_what_the_schemas_forbid(schemas):
    good = {"v": "1.0", "id": 3, "ok": False, "error": {"code": "MFG_ERR_INTERNAL", "message": "x", "details": {}}}
    assert schemas.errors(good, "error.reply.json") == []
    assert schemas.errors({**good, "id": None}, "error.reply.json") == []
    assert schemas.errors({**good, "id": -1}, "error.reply.json")
    assert schemas.errors({**good, "extra": 1}, "error.reply.json")
    assert schemas.errors({**good, "error": {"code": "oops", "message": "x", "details": {}}}, "error.reply.json")
    arr = encode_array(np.zeros(2))
    step = {"v": "2.0", "id": 1, "op": "step", "session": "s", "handle": "h", "actions": arr}
    assert schemas.errors(step, "step.request.json") == []
    assert schemas.errors({k: v for k, v in step.items() if k != "session"}, "step.request.json")  # 2.0: token required
    assert schemas.errors({**step, "actions": {**arr, "data": "not bytes"}}, "step.request.json")
    assert schemas.errors({**step, "actions": {**arr, "dtype": ">f8"}}, "step.request.json")


def test_autoreset_modes_accept_gymnasium_spellings():
    from enum import Enum
    from mfgym.vector_env import _mode_name

    class AutoresetMode(Enum):  # gymnasium >= 1.1's values
        NEXT_STEP = "NextStep"
        SAME_STEP = "SameStep"
        DISABLED = "Disabled"

    assert [_mode_name(m) for m in AutoresetMode] == ["next_step", "same_step", "disabled"]
    assert [_mode_name(m) for m in ("NextStep", "same_step", "Disabled")] == ["next_step", "same_step", "disabled"]
    with pytest.raises(ValueError):
        _mode_name("sometimes")


def test_single_agent_views_have_the_types_gymnasium_expects():
    from mfgym.env import single_info, single_obs
    assert type(single_obs(np.array([[4]], dtype=np.int64), Discrete(5))) is int
    assert type(single_obs(np.array([4], dtype=np.int64), Discrete(5))) is int
    o = single_obs(np.array([[1, 2, 3]], dtype=np.int64), MultiDiscrete([3, 3, 4]))
    assert o.dtype == np.int64 and o.shape == (3,) and o in MultiDiscrete([3, 3, 4])
    b = single_obs(np.array([[0.5, -1.0]], dtype=np.float64), Box(-2.0, 2.0, shape=(2,), dtype=np.float32))
    assert b.dtype == np.float32 and b.shape == (2,)
    info = single_info({"action_mask": np.array([[True, False]]), "t": np.array([3], dtype=np.int64), "note": "x"})
    assert info["action_mask"].tolist() == [True, False] and type(info["t"]) is int and info["t"] == 3
    assert info["note"] == "x"
