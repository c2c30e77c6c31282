"""Wire infos -> Gymnasium's forms (no server, no gymnasium needed): dtypes, _key masks, same_step."""

from __future__ import annotations

import numpy as np

from mfgym.env import single_info
from mfgym.infos import vector_infos


def test_masks_become_int8_and_every_key_gets_its_all_true_mask():
    wire = {"action_mask": np.array([[True, False], [True, True]]), "t": np.array([1, 1], dtype=np.int32),
            "illegal_action": np.array([False, True])}
    out = vector_infos(wire, 2)
    assert out["action_mask"].dtype == np.int8 and out["action_mask"].tolist() == [[1, 0], [1, 1]]
    assert out["t"].dtype == np.int64 and out["illegal_action"].dtype == np.bool_
    assert all(out[f"_{k}"].tolist() == [True, True] for k in ("action_mask", "t", "illegal_action"))
    assert wire["action_mask"].dtype == np.bool_  # the input is left as it was


def test_same_step_moves_the_ended_agents_illegal_flags_into_final_info():
    # agents 0 and 2 ended this step (and were reset); agent 0's last action was illegal, so was 1's.
    ended = np.array([True, False, True])
    wire = {"action_mask": np.ones((3, 2), bool), "t": np.array([0, 4, 0]), "illegal_action": np.array([True, True, False]),
            "final_obs": np.zeros((3, 2), np.int64), "_final_obs": ended,
            "final_info": {"action_mask": np.ones((3, 2), bool), "t": np.array([5, 0, 5])}, "_final_info": ended}
    out = vector_infos(wire, 3)
    assert out["illegal_action"].tolist() == [False, True, False] and out["_illegal_action"].tolist() == [False, True, False]
    fi = out["final_info"]
    assert fi["illegal_action"].tolist() == [True, False, False] and fi["_illegal_action"].tolist() == ended.tolist()
    assert fi["action_mask"].dtype == np.int8 and fi["_action_mask"].tolist() == ended.tolist() and fi["_t"].tolist() == ended.tolist()
    everyone = vector_infos({**wire, "_final_info": np.ones(3, bool)}, 3)
    assert "illegal_action" not in everyone and "_illegal_action" not in everyone  # as SyncVectorEnv: all infos are resets


def test_single_agent_info_has_a_bool_flag_and_an_int8_mask():
    info = single_info({"action_mask": np.array([[True, False, True]]), "t": np.array([2], np.int32),
                        "illegal_action": np.array([True])})
    assert info["illegal_action"] is True and type(info["t"]) is int
    assert info["action_mask"].dtype == np.int8 and info["action_mask"].tolist() == [1, 0, 1]
