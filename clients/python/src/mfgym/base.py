"""The base classes the envs derive from: gymnasium's when importable, stand-ins otherwise.

The stand-ins copy the parts of gymnasium's contract that agents and the env checker rely on:
``reset(seed=...)`` re-seeds ``np_random`` exactly as ``gymnasium.utils.seeding.np_random`` does
(PCG64 over a SeedSequence), ``np_random`` is created lazily from OS entropy when never seeded,
``unwrapped`` is the env itself, and ``close()`` may be called any number of times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

import numpy as np

from .spaces import HAS_GYMNASIUM


def np_random(seed: Optional[int] = None) -> "tuple[np.random.Generator, int]":
    """gymnasium.utils.seeding.np_random: a PCG64 Generator and the seed's entropy."""
    if seed is not None and not (isinstance(seed, (int, np.integer)) and seed >= 0):
        raise ValueError(f"seed must be a non-negative int or None, got {seed!r}")
    seq = np.random.SeedSequence(None if seed is None else int(seed))
    return np.random.Generator(np.random.PCG64(seq)), int(seq.entropy)


class _Seeded:
    _np_random: Optional[np.random.Generator] = None
    _np_random_seed: Optional[int] = None

    @property
    def np_random(self) -> np.random.Generator:
        if self._np_random is None:
            self._np_random, self._np_random_seed = np_random()
        return self._np_random

    @np_random.setter
    def np_random(self, value: np.random.Generator) -> None:
        self._np_random = value
        self._np_random_seed = -1

    @property
    def np_random_seed(self) -> int:
        if self._np_random_seed is None:
            self._np_random, self._np_random_seed = np_random()
        return self._np_random_seed

    @property
    def unwrapped(self) -> Any:
        return self

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> bool:
        self.close()  # type: ignore[attr-defined]
        return False


class StandInEnv(_Seeded):
    """Same surface as gymnasium.Env."""

    metadata: Dict[str, Any] = {"render_modes": []}
    render_mode: Optional[str] = None
    spec: Any = None
    observation_space: Any
    action_space: Any

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None) -> Any:
        if seed is not None:
            self._np_random, self._np_random_seed = np_random(seed)

    def render(self) -> Any:
        return None

    def close(self) -> None:
        pass


class StandInVectorEnv(_Seeded):
    """Same surface as gymnasium.vector.VectorEnv."""

    metadata: Dict[str, Any] = {}
    render_mode: Optional[str] = None
    spec: Any = None
    closed: bool = False
    num_envs: int
    observation_space: Any
    action_space: Any
    single_observation_space: Any
    single_action_space: Any

    def reset(self, *, seed: Any = None, options: Optional[dict] = None) -> Any:
        if seed is not None and not isinstance(seed, (list, tuple, np.ndarray)):
            self._np_random, self._np_random_seed = np_random(seed)

    def render(self) -> Any:
        return None

    def close(self, **kwargs: Any) -> None:
        if not self.closed:
            self.close_extras(**kwargs)
        self.closed = True

    def close_extras(self, **kwargs: Any) -> None:
        pass


@dataclass
class EnvSpec:
    """Stand-in for gymnasium.envs.registration.EnvSpec: enough to rebuild the env (``spec.make()``)."""

    id: str
    entry_point: Callable[..., Any]
    kwargs: Dict[str, Any] = field(default_factory=dict)
    nondeterministic: bool = False
    max_episode_steps: Optional[int] = None

    def make(self, **kwargs: Any) -> Any:
        return self.entry_point(**{**self.kwargs, **kwargs})


if HAS_GYMNASIUM:  # pragma: no cover - depends on the environment
    import gymnasium as _gym
    from gymnasium.vector import VectorEnv as _GymVectorEnv

    EnvBase: Any = _gym.Env
    VectorEnvBase: Any = _GymVectorEnv
else:
    EnvBase = StandInEnv
    VectorEnvBase = StandInVectorEnv


def make_spec(env_id: str, entry_point: Callable[..., Any], kwargs: Dict[str, Any]) -> Any:
    """gymnasium's EnvSpec when available (so env checkers can call ``spec.make()``), else the stand-in."""
    if HAS_GYMNASIUM:  # pragma: no cover - depends on the environment
        from gymnasium.envs.registration import EnvSpec as GymEnvSpec
        try:
            return GymEnvSpec(id=env_id, entry_point=entry_point, kwargs=kwargs, nondeterministic=False,
                              disable_env_checker=True)
        except Exception:  # an id gymnasium's grammar rejects: no spec, as for unregistered envs
            return None
    return EnvSpec(env_id, entry_point, kwargs)
