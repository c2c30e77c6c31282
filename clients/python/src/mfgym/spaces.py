"""Spaces rebuilt from their wire form.

With gymnasium importable, ``space_from_json`` returns gymnasium's own spaces, so agents written
for gymnasium see nothing unusual. Without it, the small classes below stand in with the parts of
the same API an agent uses (``shape``, ``dtype``, ``seed``, ``sample``, ``contains`` / ``in``,
``np_random``), with gymnasium's dtypes: Discrete samples are ``np.int64`` scalars, MultiDiscrete
samples int64 arrays, Box samples arrays of the box's dtype.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

try:  # pragma: no cover - depends on the environment
    import gymnasium as _gym
    import gymnasium.spaces as _gym_spaces
except ImportError:  # gymnasium is optional
    _gym = None
    _gym_spaces = None

HAS_GYMNASIUM = _gym is not None


class Space:
    """Base of the stand-in spaces: a seeded numpy Generator, as gymnasium.spaces.Space."""

    def __init__(self, shape: tuple, dtype: Any, seed: Optional[int] = None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._np_random: Optional[np.random.Generator] = None
        if seed is not None:
            self.seed(seed)

    @property
    def np_random(self) -> np.random.Generator:
        if self._np_random is None:
            self.seed()
        return self._np_random  # type: ignore[return-value]

    def seed(self, seed: Optional[int] = None) -> List[int]:
        seq = np.random.SeedSequence(seed)
        self._np_random = np.random.Generator(np.random.PCG64(seq))
        return [int(seq.entropy)] if seed is None else [seed]

    def __contains__(self, x: Any) -> bool:
        return self.contains(x)

    def contains(self, x: Any) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def sample(self, mask: Any = None) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class Discrete(Space):
    """{start, ..., start+n-1}; samples are np.int64 scalars."""

    def __init__(self, n: int, seed: Optional[int] = None, start: int = 0):
        self.n = np.int64(n)
        self.start = np.int64(start)
        super().__init__((), np.int64, seed)

    def sample(self, mask: Any = None) -> np.int64:
        if mask is not None:
            legal = np.flatnonzero(np.asarray(mask, dtype=np.int8))
            if legal.size == 0:
                return self.start
            return np.int64(self.start + self.np_random.choice(legal))
        return np.int64(self.start + self.np_random.integers(self.n))

    def contains(self, x: Any) -> bool:
        if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
            v = int(x)
        elif isinstance(x, np.ndarray) and x.shape == () and np.issubdtype(x.dtype, np.integer):
            v = int(x)
        else:
            return False
        return bool(self.start <= v < self.start + self.n)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Discrete) and self.n == other.n and self.start == other.start

    def __repr__(self) -> str:
        return f"Discrete({self.n})" if self.start == 0 else f"Discrete({self.n}, start={self.start})"


class MultiDiscrete(Space):
    """Independent coordinates x[i] in {0..nvec[i]-1}; nvec may be multi-dimensional (batched)."""

    def __init__(self, nvec: Sequence[Any], dtype: Any = np.int64, seed: Optional[int] = None):
        self.nvec = np.array(nvec, dtype=dtype, copy=True)
        if self.nvec.size == 0 or np.any(self.nvec < 1):
            raise ValueError(f"MultiDiscrete nvec must be positive, got {self.nvec}")
        super().__init__(self.nvec.shape, dtype, seed)

    def sample(self, mask: Any = None) -> np.ndarray:
        return (self.np_random.random(self.nvec.shape) * self.nvec).astype(self.dtype)

    def contains(self, x: Any) -> bool:
        if isinstance(x, Sequence):
            x = np.array(x)
        if not isinstance(x, np.ndarray) or x.shape != self.shape or not np.issubdtype(x.dtype, np.integer):
            return False
        return bool(np.all(x >= 0) and np.all(x < self.nvec))

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, MultiDiscrete) and self.dtype == other.dtype and np.array_equal(self.nvec, other.nvec)

    def __repr__(self) -> str:
        return f"MultiDiscrete({self.nvec})"


class Box(Space):
    """A box in R^shape; samples as gymnasium: uniform, shifted exponential or normal per bound kind."""

    def __init__(self, low: Any, high: Any, shape: Optional[Sequence[int]] = None, dtype: Any = np.float32,
                 seed: Optional[int] = None):
        dtype = np.dtype(dtype)
        if shape is None:
            shape = np.shape(low) if np.ndim(low) else np.shape(high)
        shape = tuple(int(d) for d in shape)
        self.low = np.broadcast_to(np.asarray(low, dtype=np.float64), shape).astype(dtype)
        self.high = np.broadcast_to(np.asarray(high, dtype=np.float64), shape).astype(dtype)
        if np.any(self.low > self.high):
            raise ValueError("Box low must not exceed high")
        super().__init__(shape, dtype, seed)

    def sample(self, mask: Any = None) -> np.ndarray:
        low = self.low.astype(np.float64)
        high = self.high.astype(np.float64)
        lo_f, hi_f = np.isfinite(low), np.isfinite(high)
        out = np.empty(self.shape, dtype=np.float64)
        both, only_lo, only_hi, none = lo_f & hi_f, lo_f & ~hi_f, ~lo_f & hi_f, ~lo_f & ~hi_f
        out[none] = self.np_random.normal(size=none[none].shape)
        out[only_lo] = self.np_random.exponential(size=only_lo[only_lo].shape) + low[only_lo]
        out[only_hi] = high[only_hi] - self.np_random.exponential(size=only_hi[only_hi].shape)
        out[both] = self.np_random.uniform(low[both], high[both])
        return np.clip(out, low, high).astype(self.dtype)

    def contains(self, x: Any) -> bool:
        if not isinstance(x, np.ndarray):
            try:
                x = np.asarray(x, dtype=self.dtype)
            except (ValueError, TypeError):
                return False
        return bool(np.can_cast(x.dtype, self.dtype) and x.shape == self.shape
                    and np.all(x >= self.low) and np.all(x <= self.high))

    def __eq__(self, other: Any) -> bool:
        return (isinstance(other, Box) and self.shape == other.shape and self.dtype == other.dtype
                and np.array_equal(self.low, other.low) and np.array_equal(self.high, other.high))

    def __repr__(self) -> str:
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape}, {self.dtype})"


def _bound(b: Any) -> float:
    if b == "inf":
        return np.inf
    if b == "-inf":
        return -np.inf
    return float(b)


def space_from_json(j: dict, use_gymnasium: Optional[bool] = None) -> Any:
    """The space for a SpaceJSON map: gymnasium's class when available, else the stand-in."""
    g = HAS_GYMNASIUM if use_gymnasium is None else use_gymnasium
    kind = j.get("type")
    if kind == "Discrete":
        cls = _gym_spaces.Discrete if g else Discrete
        return cls(int(j["n"]), start=int(j.get("start", 0)))
    if kind == "MultiDiscrete":
        cls = _gym_spaces.MultiDiscrete if g else MultiDiscrete
        return cls(np.asarray(j["nvec"], dtype=np.int64), dtype=np.int64)
    if kind == "Box":
        cls = _gym_spaces.Box if g else Box
        shape = tuple(int(d) for d in j["shape"])
        dtype = np.dtype(j.get("dtype", "float64"))
        # The server sends bounds already rounded to the box dtype (float32 boxes: float32 values),
        # so casting here is exact and Gymnasium has no precision to warn about.
        low = np.array([_bound(b) for b in j["low"]], dtype=np.float64).reshape(shape).astype(dtype)
        high = np.array([_bound(b) for b in j["high"]], dtype=np.float64).reshape(shape).astype(dtype)
        return cls(low, high, shape=shape, dtype=dtype)
    raise ValueError(f"unknown space type {kind!r} in {j!r}")


def batch_space(space: Any, n: int) -> Any:
    """The space of n stacked values, as gymnasium.vector.utils.batch_space builds it."""
    if HAS_GYMNASIUM and not isinstance(space, Space):
        from gymnasium.vector.utils import batch_space as gym_batch_space
        return gym_batch_space(space, n)
    if isinstance(space, Discrete):
        return MultiDiscrete(np.full((n,), int(space.n), dtype=np.int64), dtype=np.int64)
    if isinstance(space, MultiDiscrete):
        return MultiDiscrete(np.tile(space.nvec, (n,) + (1,) * space.nvec.ndim), dtype=space.dtype)
    if isinstance(space, Box):
        reps = (n,) + (1,) * space.low.ndim
        return Box(np.tile(space.low, reps), np.tile(space.high, reps), dtype=space.dtype)
    raise TypeError(f"cannot batch {space!r}")
