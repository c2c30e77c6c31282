"""N agents of one served MFG environment stepped in one message, with gymnasium's vector semantics.

The N agents are one server session (``num_agents=N``); autoreset is done by the server in the mode
asked for (``next_step``, ``same_step`` or ``disabled``, gymnasium's AutoresetMode values). Seeds
follow gymnasium's vector envs: ``reset(seed=s)`` seeds agent i with ``s + i`` (so agent i replays
a single env reset with ``s + i``), a list gives each agent its own seed, and ``reset()`` derives the
seeds from ``np_random`` so that ``reset(seed=s); reset()`` is reproducible. ``np_random_seed`` is
SyncVectorEnv's: the tuple of the agents' seeds, kept by an unseeded reset.

Infos are in Gymnasium's vector form (see infos.py): ``action_mask`` int8 ``[N, A]``, ``t``,
``illegal_action`` (step only: bool ``[N]``, the agents whose action was illegal and acted as the
no-op), each with its ``_key`` mask, so Gymnasium's vector wrappers read them. Where an agent's
info on a call is a reset's (the autoreset step of next_step, a partial reset), it carries only a
reset's keys, as SyncVectorEnv gives it (infos.py).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from .base import VectorEnvBase
from .client import DEFAULT_TIMEOUT
from .codec import encode_tree
from .env import MAX_SEED, action_array, server_address, session_options
from .infos import STEP_ONLY_KEYS, only_for, vector_infos
from .session import ServerSession
from .spaces import batch_space, space_from_json

AUTORESET_MODES = ("next_step", "same_step", "disabled")


def _autoreset_value(mode: str) -> Any:
    """gymnasium.vector.AutoresetMode member when gymnasium has it (>= 1.1; values "NextStep", ...), else the string."""
    try:  # pragma: no cover - depends on the environment
        from gymnasium.vector import AutoresetMode
        return AutoresetMode[mode.upper()]
    except Exception:
        return mode


def _mode_name(mode: Any) -> str:
    """The wire name of an autoreset mode given as "next_step", "NextStep" or an AutoresetMode member."""
    raw = getattr(mode, "name", mode)
    key = str(raw).replace("_", "").lower()
    names = {m.replace("_", ""): m for m in AUTORESET_MODES}
    if key not in names:
        raise ValueError(f"autoreset_mode must be one of {AUTORESET_MODES}, got {mode!r}")
    return names[key]


class MfgVectorEnv(ServerSession, VectorEnvBase):
    """gymnasium.vector.VectorEnv (or the stand-in) over one N-agent server session."""

    def __init__(self, env_id: str, num_envs: int, address: Optional[str] = None,
                 timeout: Optional[float] = DEFAULT_TIMEOUT, autoreset_mode: Any = "next_step",
                 population: Optional[str] = None, mean_field: str = "fixed", env_kwargs: Optional[Dict[str, Any]] = None,
                 make_options: Optional[Dict[str, Any]] = None, render_mode: Optional[str] = None,
                 illegal_actions: Optional[str] = None, dtype: Optional[str] = None, out_of_bounds: Optional[str] = None):
        address = server_address(address)
        make_options = session_options(make_options, illegal_actions, dtype, out_of_bounds)
        mode = _mode_name(autoreset_mode)
        self.render_mode = render_mode
        self.closed = False
        made = self._open_session(address, timeout, env_id=env_id, env_kwargs=env_kwargs, num_agents=int(num_envs),
                                  population=population, mean_field=mean_field, autoreset=mode,
                                  make_options=make_options)
        self.env_id = made.get("env_id", env_id)
        self.num_envs = int(made.get("num_agents", num_envs))
        self.horizon = made.get("horizon")
        self.env_kwargs = made.get("kwargs", dict(env_kwargs or {}))
        self.autoreset_mode = mode
        self.metadata = {"render_modes": [], "autoreset_mode": _autoreset_value(mode)}
        self.spec = None
        self.single_observation_space = space_from_json(made["observation_space"])
        self.single_action_space = space_from_json(made["action_space"])
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        # next_step: the agents whose previous step ended, whose next step is their reset (SyncVectorEnv's _autoreset_envs)
        self._autoreset_envs = np.zeros(self.num_envs, dtype=np.bool_)
        self._agent_seeds: Tuple[int, ...] = (-1,) * self.num_envs  # -1: not seeded yet (Env.np_random_seed's "unknown")

    @property
    def np_random_seed(self) -> Tuple[int, ...]:  # type: ignore[override]
        """The agents' seeds, as SyncVectorEnv's tuple of its sub-envs' ``np_random_seed``."""
        return self._agent_seeds

    def _obs(self, obs: np.ndarray) -> np.ndarray:
        return np.asarray(obs, dtype=self.single_observation_space.dtype)

    def reset(self, *, seed: Union[None, int, Sequence[int]] = None,
              options: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
        n = self.num_envs
        wire_seed: Union[int, list]
        if seed is None:
            # One base seed; the server seeds agent i with (base + i) mod 2^53.
            wire_seed = int(self.np_random.integers(0, MAX_SEED + 1))
        elif isinstance(seed, (int, np.integer)):
            super().reset(seed=int(seed))
            wire_seed = int(seed)
        else:
            wire_seed = [int(s) for s in seed]
            if len(wire_seed) != n:
                raise ValueError(f"expected {n} seeds, got {len(wire_seed)}")
        fields: Dict[str, Any] = {"handle": self._handle, "seed": wire_seed}
        reset_mask = np.ones(n, dtype=np.bool_)
        if options:
            opts = dict(options)
            if "reset_mask" in opts:  # gymnasium's partial reset (autoreset disabled)
                reset_mask = _check_mask(opts["reset_mask"], n)
                opts["reset_mask"] = _encode_mask(reset_mask)
            fields["options"] = encode_tree(opts)
        r = self._client.call("reset", **fields)
        seeds = [(wire_seed + i) % (MAX_SEED + 1) for i in range(n)] if isinstance(wire_seed, int) else wire_seed
        if seed is not None or -1 in self._agent_seeds:
            self._agent_seeds = tuple(int(s) if m else old for s, m, old in zip(seeds, reset_mask, self._agent_seeds))
        self._autoreset_envs &= ~reset_mask
        infos = vector_infos(r.get("infos", {}), n)
        return self._obs(r["obs"]), (infos if reset_mask.all() else only_for(infos, reset_mask))

    def step(self, actions: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Dict[str, Any]]:
        r = self._client.call("step", handle=self._handle,
                              actions=action_array(actions, self.single_action_space, self.num_envs))
        terminated, truncated = np.asarray(r["terminated"], dtype=bool), np.asarray(r["truncated"], dtype=bool)
        infos = vector_infos(r.get("infos", {}), self.num_envs)
        if self._autoreset_envs.any():  # their info is their reset's: no step-only keys
            infos = only_for(infos, ~self._autoreset_envs, keys=STEP_ONLY_KEYS)
        if self.autoreset_mode == "next_step":
            self._autoreset_envs = terminated | truncated
        # float64 as every Gymnasium vector env batches rewards (SyncVectorEnv's np.float64 buffer); a
        # continuous game's float32 rewards widen exactly.
        return self._obs(r["obs"]), np.asarray(r["rewards"], dtype=np.float64), terminated, truncated, infos

    def close_extras(self, **kwargs: Any) -> None:
        self._close_session()

    def close(self, **kwargs: Any) -> None:
        if not getattr(self, "closed", False):
            self.close_extras(**kwargs)
        self.closed = True

    def __repr__(self) -> str:
        return f"<MfgVectorEnv {self.env_id} num_envs={self.num_envs} handle={self._handle}>"


def _check_mask(mask: Any, n: int) -> np.ndarray:
    """SyncVectorEnv's checks of ``options["reset_mask"]``, with its exception types."""
    if not isinstance(mask, np.ndarray):
        raise TypeError(f"`options['reset_mask']` must be a numpy array, got {type(mask)}")
    if mask.shape != (n,):
        raise ValueError(f"`options['reset_mask']` must have shape `({n},)`, got {mask.shape}")
    if mask.dtype != np.bool_:
        raise TypeError(f"`options['reset_mask']` must have `dtype=np.bool_`, got {mask.dtype}")
    if not mask.any():
        raise ValueError(f"`options['reset_mask']` must contain a boolean array with at least one True value, got reset_mask={mask}")
    return mask


def _encode_mask(mask: np.ndarray) -> Any:
    from .codec import encode_array
    return encode_array(mask, "|b1")


def make_vec(env_id: str, num_envs: int = 1, address: Optional[str] = None,
             timeout: Optional[float] = DEFAULT_TIMEOUT, *, autoreset_mode: Any = "next_step",
             population: Optional[str] = None, mean_field: str = "fixed", render_mode: Optional[str] = None,
             make_options: Optional[Dict[str, Any]] = None, env_kwargs: Optional[Dict[str, Any]] = None,
             illegal_actions: Optional[str] = None, dtype: Optional[str] = None, out_of_bounds: Optional[str] = None,
             **kwargs: Any) -> MfgVectorEnv:
    """``num_envs`` agents of ``env_id`` stepped together; extra keyword arguments are the env's kwargs.
    Also the ``vector_entry_point`` of the ``mfgym/<id>`` Gymnasium registrations. For continuous
    games (Box spaces, protocol 2.1) ``actions`` is an array [num_envs, *action_shape]; ``dtype``
    and ``out_of_bounds`` are as in :func:`mfgym.make`."""
    merged = {**(env_kwargs or {}), **kwargs}
    return MfgVectorEnv(env_id, num_envs, address, timeout, autoreset_mode=autoreset_mode, population=population,
                        mean_field=mean_field, env_kwargs=merged, make_options=make_options, render_mode=render_mode,
                        illegal_actions=illegal_actions, dtype=dtype, out_of_bounds=out_of_bounds)
