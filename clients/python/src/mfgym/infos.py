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
- same_step autoreset, on a step where some agents' episodes ended: their step-only keys
  (``illegal_action``, a fact about the step that ended the episode) move into ``final_info``, and
  the top-level keys describe the new episode's reset for them, as SyncVectorEnv does (the reset
  info has no ``illegal_action``: its mask is false for those agents, and the key is absent if all
  ended). ``final_obs`` is an object array of the ended agents' observations (None elsewhere), the
  form ``VectorEnv._add_info`` gives it.
- Agents whose info on this call is a reset's (next_step's autoreset step, a partial reset) carry
  only the reset's keys, as SyncVectorEnv's ``_add_info`` over the envs that reset: for the others a
  key's mask is false and its value zero (``only_for``).
"""

from __future__ import annotations

from typing import Any, Dict

import numpy as np

STEP_ONLY_KEYS = ("illegal_action",)  # info keys a step has and a reset has not

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


def _object_rows(batched: np.ndarray, present: np.ndarray) -> np.ndarray:
    rows = np.full(len(present), None, dtype=object)
    for i in np.flatnonzero(present):
        rows[i] = batched[i]
    return rows


def _only_for(values: np.ndarray, holders: np.ndarray) -> np.ndarray:
    """values where holders, zero elsewhere (the np.zeros SyncVectorEnv starts a key's batch from)."""
    out = np.array(values, copy=True)
    out[~holders] = 0
    return out


def only_for(infos: Dict[str, Any], holders: np.ndarray, keys: Any = None) -> Dict[str, Any]:
    """Vector infos in which only the ``holders`` agents carry ``keys`` (default: every key): their
    masks become ``holders`` and the others' values zero; a key nobody holds is dropped."""
    out = dict(infos)
    for k in [k for k in infos if not k.startswith("_") and k != "final_info" and k != "final_obs"]:
        if keys is not None and k not in keys:
            continue
        if not holders.any():
            out.pop(k, None)
            out.pop(f"_{k}", None)
            continue
        out[k] = _only_for(infos[k], holders)
        out[f"_{k}"] = holders & np.asarray(infos.get(f"_{k}", holders), dtype=np.bool_)
    return out


def vector_infos(infos: Dict[str, Any], n: int, step_only: Any = STEP_ONLY_KEYS) -> Dict[str, Any]:
    """Wire infos of N agents in Gymnasium's vector form: typed arrays plus their ``_key`` masks.
    ``step_only``: the keys a step's info has and a reset's has not (same_step moves them into
    ``final_info`` for the agents that ended)."""
    out = _typed(infos)
    everyone = np.ones(n, dtype=np.bool_)
    if "_final_info" in out and isinstance(out.get("final_info"), dict):
        ended = np.asarray(out["_final_info"], dtype=np.bool_)
        for key in [k for k in step_only if k in out]:
            flags = out.pop(key)
            out["final_info"][key] = _only_for(flags, ended)
            if not ended.all():
                out[key] = _only_for(flags, ~ended)
                out[f"_{key}"] = ~ended
    if isinstance(out.get("final_obs"), np.ndarray) and out["final_obs"].dtype != object and "_final_obs" in out:
        out["final_obs"] = _object_rows(out["final_obs"], np.asarray(out["_final_obs"], dtype=np.bool_))
    for k in [k for k in out if not k.startswith("_")]:
        if k == "final_info" and isinstance(out[k], dict):
            ended = np.asarray(out.get("_final_info", everyone), dtype=np.bool_)
            inner = only_for(out[k], ended)
            for j in [j for j in inner if not j.startswith("_")]:
                inner.setdefault(f"_{j}", ended.copy())
            out[k] = inner
        out.setdefault(f"_{k}", everyone.copy())
    return out
