"""Wire infos -> the forms Gymnasium's agents, wrappers and reference vector env use.

- ``action_mask`` (``|b1`` on the wire) becomes ``np.int8``: ``Discrete.sample(mask=...)`` takes an
  int8 mask (gymnasium/spaces/discrete.py), so ``action_space.sample(mask=info["action_mask"])``
  works as it does for Gymnasium's own masked envs (Taxi, ...).
- ``t`` becomes int64 and ``illegal_action`` bool, the dtypes ``SyncVectorEnv`` gives the same
  per-env values.
- Vector infos get Gymnasium's ``_key`` masks (``vector_env.VectorEnv._add_info``): every key is
  paired with a bool array over the N envs saying which envs carry it. The per-agent keys are
  present for every agent (all true); inside ``final_info`` the masks are ``_final_info``.
  Wrappers such as ``gymnasium.wrappers.vector.DictInfoToList`` read those masks.
- same_step autoreset, on a step where some agents' episodes ended: their ``illegal_action`` (a
  fact about the step that ended the episode) moves into ``final_info``, and the top-level keys
  describe the new episode's reset for them, as SyncVectorEnv does (the reset info has no
  ``illegal_action``: its mask is false for those agents, and the key is absent if all ended).
"""

from __future__ import annotations

from typing import Any, Dict

import numpy as np

_DTYPES = {"action_mask": np.int8, "t": np.int64, "illegal_action": np.bool_}


def _typed(infos: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in infos.items():
        if k in _DTYPES and isinstance(v, np.ndarray):
            v = v.astype(_DTYPES[k])
        elif k == "final_info" and isinstance(v, dict):
            v = _typed(v)
        out[k] = v
    return out


def single_agent_infos(infos: Dict[str, Any]) -> Dict[str, Any]:
    """Batched wire infos of a one-agent session, typed (the agent axis is dropped by the caller)."""
    return _typed(infos)


def vector_infos(infos: Dict[str, Any], n: int) -> Dict[str, Any]:
    """Wire infos of N agents in Gymnasium's vector form: typed arrays plus their ``_key`` masks."""
    out = _typed(infos)
    everyone = np.ones(n, dtype=np.bool_)
    if "_final_info" in out and isinstance(out.get("final_info"), dict) and "illegal_action" in out:
        ended = np.asarray(out["_final_info"], dtype=np.bool_)
        flags = out.pop("illegal_action")
        out["final_info"]["illegal_action"] = flags & ended
        if not ended.all():
            out["illegal_action"] = flags & ~ended
            out["_illegal_action"] = ~ended
    for k in [k for k in out if not k.startswith("_")]:
        if k == "final_info" and isinstance(out[k], dict):
            ended = np.asarray(out.get("_final_info", everyone), dtype=np.bool_)
            inner = out[k]
            for j in [j for j in inner if not j.startswith("_")]:
                inner.setdefault(f"_{j}", ended.copy())
        out.setdefault(f"_{k}", everyone.copy())
    return out
