"""A single representative agent in a served MFG environment, with gymnasium.Env semantics.

The env is a one-agent session on the server (``num_agents=1``, autoreset disabled, as a
gymnasium.Env never resets itself). Seeding follows gymnasium: ``reset(seed=s)`` re-seeds
``np_random`` and sends ``s`` itself to the server (so the same seed means the same episode from
any client); ``reset()`` without a seed sends a seed drawn from ``np_random``, which makes
``reset(seed=s); reset()`` reproducible, as the env checker demands.

Every action in ``action_space`` is accepted: one that is illegal in the agent's state acts as the
game's no-op and ``info["illegal_action"]`` is True (``illegal_actions="error"`` refuses it instead
with MFG_ERR_ENV_BAD_ACTION). ``info["action_mask"]`` is an int8 array, the form
``action_space.sample(mask=...)`` takes.

The server is ``address=`` when given, else the ``MFGYM_ADDRESS`` environment variable, else
``tcp://127.0.0.1:5555``.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional, Tuple

import numpy as np

from .base import EnvBase, make_spec
from .client import DEFAULT_ADDRESS, DEFAULT_TIMEOUT
from .codec import encode_array, encode_tree
from .errors import EnvError
from .infos import single_agent_infos
from .session import ServerSession
from .spaces import space_from_json

MAX_SEED = 2**53 - 1
ADDRESS_ENV_VAR = "MFGYM_ADDRESS"


def server_address(address: Optional[str] = None) -> str:
    """``address`` if given, else $MFGYM_ADDRESS, else the default loopback endpoint."""
    return address or os.environ.get(ADDRESS_ENV_VAR) or DEFAULT_ADDRESS


def session_options(make_options: Optional[Dict[str, Any]], illegal_actions: Optional[str],
                    dtype: Optional[str] = None, out_of_bounds: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """make ``options`` with the named options folded in (None keeps the server's default):
    ``illegal_actions`` ("noop" | "error", finite games), ``dtype`` ("float32" | "float64") and
    ``out_of_bounds`` ("error" | "clip") of continuous games (protocol 2.1)."""
    named = {"illegal_actions": illegal_actions, "dtype": dtype, "out_of_bounds": out_of_bounds}
    allowed = {"illegal_actions": ("noop", "error"), "dtype": ("float32", "float64"), "out_of_bounds": ("error", "clip")}
    extra = {}
    for key, value in named.items():
        if value is None:
            continue
        if value not in allowed[key]:
            raise ValueError(f"{key} must be one of {allowed[key]}, got {value!r}")
        extra[key] = value
    if not extra:
        return make_options
    return {**(make_options or {}), **extra}


def action_array(actions: Any, space: Any, n: int) -> dict:
    """Batched actions -> wire array: int64 [n] for Discrete, the box dtype [n, *shape] for Box.

    Non-integer actions for a Discrete space are refused here (casting 1.5 to 1 would hide an
    agent bug); range checks are the server's, which knows the action mask. Box actions are only
    shaped and cast here: a batch of the wrong size travels in its own shape and a bool batch as
    |b1, so the server, the authority, names the error (shape, dtype; NaN and the bounds too).
    """
    a = np.asarray(actions)
    kind = type(space).__name__
    if kind in ("Discrete", "MultiDiscrete"):
        if a.dtype.kind == "b" or a.dtype.kind not in "iuf":
            raise EnvError("MFG_ERR_ENV_BAD_ACTION", f"actions must be integers, got dtype {a.dtype}",
                           {"dtype": str(a.dtype)})
        if a.dtype.kind == "f":
            if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
                raise EnvError("MFG_ERR_ENV_BAD_ACTION", "actions must be integers", {"dtype": str(a.dtype)})
        expected = (n,) + tuple(np.shape(space.nvec)) if kind == "MultiDiscrete" else (n,)
        return encode_array(a.reshape(expected), integer_wire_dtype(a))
    if a.dtype.kind == "b":
        return encode_array(a, "|b1")
    dtype = "<f4" if np.dtype(space.dtype) == np.float32 else "<f8"
    shape = (n,) + tuple(space.shape)
    return encode_array(a.reshape(shape) if a.size == int(np.prod(shape)) else a, dtype)


def integer_wire_dtype(a: np.ndarray) -> str:
    """The narrowest of the protocol's action dtypes (|u1, <i4, <i8) that holds every value exactly.

    Batches of thousands of agents mostly pick |u1: an eighth of the bytes of int64 to send and for
    the server to read. Values out of range for the game still travel unchanged, so the server's
    range check names them.
    """
    if a.size == 0:
        return "<i8"
    lo, hi = int(a.min()), int(a.max())
    if 0 <= lo and hi <= 255:
        return "|u1"
    if -(2**31) <= lo and hi < 2**31:
        return "<i4"
    return "<i8"


def single_obs(batched: np.ndarray, space: Any) -> Any:
    """Row 0 of a batched observation, in the space's exact type (Python int for Discrete)."""
    if type(space).__name__ == "Discrete":
        return int(batched.reshape(-1)[0])
    return np.asarray(batched[0], dtype=space.dtype)


def single_info(infos: Dict[str, Any], n: int = 1) -> Dict[str, Any]:
    """Per-agent info of agent 0: arrays with a leading agent axis lose it, ``t`` becomes an int,
    ``illegal_action`` a bool, ``action_mask`` an int8 array."""
    out: Dict[str, Any] = {}
    for k, v in single_agent_infos(infos).items():
        if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == n:
            v = v[0]
            if isinstance(v, np.generic):
                v = v.item()
        out[k] = v
    return out


class MfgEnv(ServerSession, EnvBase):
    """gymnasium.Env (or the stand-in) over one server session."""

    metadata: Dict[str, Any] = {"render_modes": []}

    def __init__(self, env_id: str, address: Optional[str] = None, timeout: Optional[float] = DEFAULT_TIMEOUT,
                 population: Optional[str] = None, mean_field: str = "fixed", env_kwargs: Optional[Dict[str, Any]] = None,
                 make_options: Optional[Dict[str, Any]] = None, render_mode: Optional[str] = None,
                 illegal_actions: Optional[str] = None, dtype: Optional[str] = None, out_of_bounds: Optional[str] = None):
        address = server_address(address)
        make_options = session_options(make_options, illegal_actions, dtype, out_of_bounds)
        self.render_mode = render_mode
        made = self._open_session(address, timeout, env_id=env_id, env_kwargs=env_kwargs, num_agents=1,
                                  population=population, mean_field=mean_field, autoreset="disabled",
                                  make_options=make_options)
        self.env_id = made.get("env_id", env_id)
        self.horizon = made.get("horizon")
        self.env_kwargs = made.get("kwargs", dict(env_kwargs or {}))
        self.observation_space = space_from_json(made["observation_space"])
        self.action_space = space_from_json(made["action_space"])
        self.spec = make_spec(self.env_id, make, {
            "env_id": self.env_id, "address": address, "timeout": timeout, "population": population,
            "mean_field": mean_field, "env_kwargs": dict(env_kwargs or {}), "make_options": make_options})

    def reset(self, *, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None) -> Tuple[Any, Dict[str, Any]]:
        super().reset(seed=seed)
        wire_seed = int(seed) if seed is not None else int(self.np_random.integers(0, MAX_SEED + 1))
        fields: Dict[str, Any] = {"handle": self._handle, "seed": wire_seed}
        if options:
            fields["options"] = encode_tree(options)
        r = self._client.call("reset", **fields)
        return single_obs(r["obs"], self.observation_space), single_info(r.get("infos", {}))

    def step(self, action: Any) -> Tuple[Any, float, bool, bool, Dict[str, Any]]:
        r = self._client.call("step", handle=self._handle, actions=action_array([action], self.action_space, 1))
        return (single_obs(r["obs"], self.observation_space), float(r["rewards"][0]), bool(r["terminated"][0]),
                bool(r["truncated"][0]), single_info(r.get("infos", {})))

    def close(self) -> None:
        """Closes the session and the connection; safe to call any number of times."""
        self._close_session()

    def __repr__(self) -> str:
        return f"<MfgEnv {self.env_id} handle={self._handle}>"


def make(env_id: str, address: Optional[str] = None, timeout: Optional[float] = DEFAULT_TIMEOUT, *,
         population: Optional[str] = None, mean_field: str = "fixed", render_mode: Optional[str] = None,
         make_options: Optional[Dict[str, Any]] = None, env_kwargs: Optional[Dict[str, Any]] = None,
         illegal_actions: Optional[str] = None, dtype: Optional[str] = None, out_of_bounds: Optional[str] = None,
         **kwargs: Any) -> MfgEnv:
    """One representative agent of ``env_id`` served at ``address`` (default: $MFGYM_ADDRESS, else
    tcp://127.0.0.1:5555). Also the entry point of the ``mfgym/<id>`` Gymnasium registrations.

    Keyword arguments other than the named ones are the env's own kwargs (validated by the server
    against the env's schema); ``env_kwargs=`` passes them as a dict instead. ``illegal_actions``:
    "noop" (the server's default) or "error". Continuous games (LinearQuadraticContinuous-v0,
    CrowdAversionND-v0, Flocking-v0; protocol 2.1) have Box spaces; ``dtype`` ("float32", the
    default, or "float64") is their observations' and rewards' dtype and ``out_of_bounds``
    ("error", the default, or "clip") what an action outside the Box does. ``population``: None
    (the server's default: "exact" for finite games; for continuous ones "exact" where the game
    has a closed form, else "particles"), "exact", "particles" or "generative".
    """
    merged = {**(env_kwargs or {}), **kwargs}
    return MfgEnv(env_id, address, timeout, population=population, mean_field=mean_field, env_kwargs=merged,
                  make_options=make_options, render_mode=render_mode, illegal_actions=illegal_actions,
                  dtype=dtype, out_of_bounds=out_of_bounds)
