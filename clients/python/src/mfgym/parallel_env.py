"""A multi-population MFG environment with PettingZoo's ParallelEnv semantics.

``agents`` are the game's population names; ``reset`` and ``step`` take and return dicts keyed by
them. Each population may have N agents: its entry is then a batch (observations ``[N, d]``,
rewards/terminations/truncations ``[N]``, actions ``[N]``), and ``observation_space(agent)`` /
``action_space(agent)`` are the batched spaces (``single_observation_space(agent)`` and
``single_action_space(agent)`` the one-agent ones).

Each population is one server session (``MfgVectorEnv`` with ``make`` option ``agent_population``
= its index) with autoreset disabled: a population leaves ``agents`` once all its agents have
terminated or been truncated, and ``reset`` brings every population back, as PettingZoo asks.

Mean-field modes: ``fixed`` (every population's agents are scored against the given flow of
every population) and ``fictitious`` (each population's session refits ITS OWN population's flow
from its agents' visits on ``update_population()``; the other populations' flows it reads stay
the initial ones, because the protocol has no request that pushes a flow into a session).
``live`` across populations would need one session holding the agents of every population, which
the server does not offer: it is refused here.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

from .client import DEFAULT_ADDRESS, DEFAULT_TIMEOUT
from .env import MAX_SEED
from .vector_env import MfgVectorEnv

try:  # PettingZoo's base class when it is installed (it needs gymnasium); a stand-in otherwise.
    from pettingzoo.utils.env import ParallelEnv as _ParallelBase  # type: ignore
    HAS_PETTINGZOO = True
except Exception:  # pragma: no cover - depends on the environment
    HAS_PETTINGZOO = False

    class _ParallelBase:  # type: ignore[no-redef]
        """The attributes of pettingzoo.utils.env.ParallelEnv that its parallel_api_test reads."""

        metadata: Dict[str, Any] = {}
        possible_agents: List[str]
        agents: List[str]

        @property
        def num_agents(self) -> int:
            return len(self.agents)

        @property
        def max_num_agents(self) -> int:
            return len(self.possible_agents)

        @property
        def unwrapped(self) -> "_ParallelBase":
            return self

        def state(self) -> np.ndarray:
            raise NotImplementedError("state() is not implemented for this environment")

        def render(self) -> None:
            return None

SUPPORTED_MEAN_FIELDS = ("fixed", "fictitious")


class _PopulationSession(MfgVectorEnv):
    """MfgVectorEnv that keeps what the make reply says about the game's populations."""

    populations: List[str]
    agent_population: int

    def _open_session(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        made = super()._open_session(*args, **kwargs)
        if "populations" not in made:
            self._close_session()
            raise RuntimeError("this server's make reply has no 'populations': it predates agent_population")
        self.populations = [str(x) for x in made["populations"]]
        self.agent_population = int(made.get("agent_population", 0))
        return made


class MfgParallelEnv(_ParallelBase):
    """PettingZoo-style parallel env over one N-agent server session per population."""

    metadata = {"name": "mfgym_parallel_v0", "render_modes": [], "is_parallelizable": True}

    def __init__(self, env_id: str, num_agents: Union[int, Mapping[str, int]] = 1, address: str = DEFAULT_ADDRESS,
                 timeout: Optional[float] = DEFAULT_TIMEOUT, population: str = "exact", mean_field: str = "fixed",
                 env_kwargs: Optional[Dict[str, Any]] = None, make_options: Optional[Dict[str, Any]] = None):
        if mean_field not in SUPPORTED_MEAN_FIELDS:
            raise ValueError(f"MfgParallelEnv supports mean_field {SUPPORTED_MEAN_FIELDS}, got {mean_field!r}: 'live' across "
                             "populations needs one session holding every population's agents, which the server does not offer")
        if make_options and "agent_population" in make_options:
            raise ValueError("make_options must not set agent_population: the parallel env makes one session per population")
        self.env_id = env_id
        self.render_mode = None
        self._np_random = np.random.default_rng()
        self._envs: Dict[str, _PopulationSession] = {}

        def open_env(p: int, n: int) -> _PopulationSession:
            return _PopulationSession(env_id, n, address, timeout, autoreset_mode="disabled", population=population,
                                mean_field=mean_field, env_kwargs=env_kwargs,
                                make_options={**(make_options or {}), "agent_population": p})

        counts = num_agents if isinstance(num_agents, Mapping) else None
        first = open_env(0, 1 if counts is not None else int(num_agents))
        try:
            names = first.populations
            if counts is not None:
                if set(counts) != set(names):
                    raise ValueError(f"num_agents must give a count for each of {names}, got {sorted(counts)}")
                if int(counts[names[0]]) != 1:
                    first.close()
                    first = open_env(0, int(counts[names[0]]))
            self._envs[names[0]] = first
            for p, name in enumerate(names[1:], start=1):
                self._envs[name] = open_env(p, int(counts[name]) if counts is not None else int(num_agents))
        except BaseException:
            self.close()
            first.close()
            raise
        self.possible_agents: List[str] = list(names)
        self.agents: List[str] = []
        self.agents_per_population: Dict[str, int] = {a: e.num_envs for a, e in self._envs.items()}
        self.horizon = first.horizon
        self.mean_field = mean_field

    # --- spaces (the same object every call, as parallel_api_test checks) ---
    def observation_space(self, agent: str) -> Any:
        return self._env(agent).observation_space

    def action_space(self, agent: str) -> Any:
        return self._env(agent).action_space

    def single_observation_space(self, agent: str) -> Any:
        return self._env(agent).single_observation_space

    def single_action_space(self, agent: str) -> Any:
        return self._env(agent).single_action_space

    # --- episodes ---
    def reset(self, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None) -> Tuple[Dict[str, np.ndarray], Dict[str, Dict[str, Any]]]:
        """Resets every population. Seed s gives the k-th agent overall (populations in order) seed s + k."""
        if seed is not None:
            self._np_random = np.random.default_rng(int(seed))
            base = int(seed)
        else:
            base = int(self._np_random.integers(0, MAX_SEED + 1))
        obs: Dict[str, np.ndarray] = {}
        infos: Dict[str, Dict[str, Any]] = {}
        offset = 0
        for agent in self.possible_agents:
            env = self._envs[agent]
            n = env.num_envs
            seeds = [(base + offset + i) % (MAX_SEED + 1) for i in range(n)]
            obs[agent], infos[agent] = env.reset(seed=seeds)
            offset += n
        self.agents = list(self.possible_agents)
        return obs, infos

    def step(self, actions: Mapping[str, Any]) -> Tuple[Dict[str, np.ndarray], Dict[str, np.ndarray], Dict[str, np.ndarray],
                                                        Dict[str, np.ndarray], Dict[str, Dict[str, Any]]]:
        """Steps every live population with its batch of actions; dicts cover the populations live before the step."""
        unknown = [a for a in actions if a not in self.agents]
        if unknown:
            raise ValueError(f"actions given for {unknown}, which are not live agents {self.agents}")
        missing = [a for a in self.agents if a not in actions]
        if missing:
            raise ValueError(f"no actions for live agents {missing}")
        obs, rewards, terminations, truncations, infos = {}, {}, {}, {}, {}
        for agent in self.agents:
            obs[agent], rewards[agent], terminations[agent], truncations[agent], infos[agent] = self._envs[agent].step(actions[agent])
        self.agents = [a for a in self.agents if not np.all(terminations[a] | truncations[a])]
        return obs, rewards, terminations, truncations, infos

    # --- the mean field ---
    def update_population(self) -> Dict[str, Dict[str, Any]]:
        """``fictitious``: refits each population's own flow from its agents' visits; returns each summary."""
        return {a: e.update_population() for a, e in self._envs.items()}

    def population_report(self) -> Dict[str, Dict[str, Any]]:
        return {a: e.population_report() for a, e in self._envs.items()}

    def close(self) -> None:
        for env in self._envs.values():
            env.close()

    def _env(self, agent: str) -> _PopulationSession:
        try:
            return self._envs[agent]
        except KeyError:
            raise KeyError(f"unknown agent {agent!r}, expected one of {list(self._envs)}") from None

    def __repr__(self) -> str:
        return f"<MfgParallelEnv {self.env_id} agents={self.possible_agents} N={self.agents_per_population}>"


def make_parallel(env_id: str, num_agents: Union[int, Mapping[str, int]] = 1, address: str = DEFAULT_ADDRESS,
                  timeout: Optional[float] = DEFAULT_TIMEOUT, *, population: str = "exact", mean_field: str = "fixed",
                  make_options: Optional[Dict[str, Any]] = None, env_kwargs: Optional[Dict[str, Any]] = None,
                  **kwargs: Any) -> MfgParallelEnv:
    """A PettingZoo-style parallel env of ``env_id``; extra keyword arguments are the env's kwargs."""
    return MfgParallelEnv(env_id, num_agents, address, timeout, population=population, mean_field=mean_field,
                          env_kwargs={**(env_kwargs or {}), **kwargs}, make_options=make_options)
