"""The PettingZoo-style parallel env (mfgym.MfgParallelEnv) on a two-population game.

The game is the TS test fixture test/gym/coupled-left-right.ts (``test/CoupledLeftRight-v0``),
served by a server of its own started with ``--load``: populations "red" (actions left, right)
and "blue" (left, right, stay) start in the centre; at t = 1, with c = 0.5,
r_p(left) = -(mu_p(left) + c mu_q(left)), r_p(right) = -2(mu_p(right) + c mu_q(right)),
blue's centre -0.25. Under the uniform flows red is 1/2 left, 1/2 right; blue 1/3 each.

The checks follow pettingzoo/test/parallel_test.py (parallel_api_test), adapted to batched
populations; PettingZoo's own test is run too when pettingzoo can be imported (N = 1 per
population: it tests ``if terminated[agent]``, which needs one truth value).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, SERVER_JS, free_port, stop_server, wait_until_ready
from mfgym import MfgParallelEnv, make_parallel

GAME = "test/CoupledLeftRight-v0"
FIXTURE_JS = REPO / "dist" / "test" / "gym" / "coupled-left-right.js"


@pytest.fixture(scope="module")
def address():
    """A server that also knows the two-population fixture game."""
    if not FIXTURE_JS.exists():
        raise RuntimeError(f"{FIXTURE_JS} is missing: build first (npx tsc -p . in {REPO})")
    port = free_port()
    addr = f"tcp://127.0.0.1:{port}"
    log_dir = Path(tempfile.mkdtemp(prefix="mfgym-pytest-parallel-"))
    log_path = log_dir / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([shutil.which("node"), str(SERVER_JS), "serve", "--bind", addr, "--load", str(FIXTURE_JS)],
                            cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until_ready(proc, addr, log_path)
        yield addr
    finally:
        stop_server(proc)
        log.close()
        shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture
def par(address):
    env = make_parallel(GAME, {"red": 2, "blue": 3}, address)
    yield env
    env.close()


def test_agents_are_population_names_with_their_own_batched_spaces(par):
    assert par.possible_agents == ["red", "blue"]
    assert par.agents == []  # PettingZoo: agents is filled by reset
    assert par.agents_per_population == {"red": 2, "blue": 3}
    # parallel_api_test: the same space object on every call.
    for a in par.possible_agents:
        assert par.observation_space(a) is par.observation_space(a)
        assert par.action_space(a) is par.action_space(a)
    assert list(par.action_space("red").nvec) == [2, 2]
    assert list(par.action_space("blue").nvec) == [3, 3, 3]
    assert int(par.single_action_space("blue").n) == 3
    with pytest.raises(KeyError):
        par.action_space("green")


def test_reset_and_step_take_and_return_dicts_of_batches_with_hand_computed_rewards(par):
    obs, infos = par.reset(seed=0)
    assert set(obs) == set(infos) == {"red", "blue"} and par.agents == ["red", "blue"]
    assert obs["red"].shape == (2, 2) and obs["blue"].shape == (3, 2)  # (state, t) per agent
    assert np.array_equal(obs["blue"], [[0, 0]] * 3)
    assert np.asarray(infos["blue"]["action_mask"]).shape == (3, 3)

    obs, rew, term, trunc, info = par.step({"red": np.array([0, 1]), "blue": np.array([0, 1, 2])})
    for d in (obs, rew, term, trunc, info):
        assert set(d) == {"red", "blue"}
    assert np.array_equal(obs["red"], [[1, 1], [2, 1]])
    assert np.array_equal(obs["blue"], [[1, 1], [2, 1], [0, 1]])
    assert np.array_equal(rew["red"], [0, 0]) and np.array_equal(rew["blue"], [0, 0, 0])
    assert not term["red"].any() and not trunc["blue"].any()
    assert par.agents == ["red", "blue"]

    obs, rew, term, trunc, info = par.step({"red": np.zeros(2, dtype=int), "blue": np.zeros(3, dtype=int)})
    np.testing.assert_allclose(rew["red"], [-(0.5 + 0.5 / 3), -2 * (0.5 + 0.5 / 3)], rtol=0, atol=1e-15)
    np.testing.assert_allclose(rew["blue"], [-(1 / 3 + 0.25), -2 * (1 / 3 + 0.25), -0.25], rtol=0, atol=1e-15)
    assert term["red"].all() and term["blue"].all() and not trunc["red"].any()
    # parallel_api_test: agents that terminated leave `agents`; an empty list ends the episode.
    assert par.agents == []


def test_actions_must_cover_exactly_the_live_agents(par):
    par.reset(seed=1)
    with pytest.raises(ValueError, match="no actions for live agents"):
        par.step({"red": [0, 0]})
    with pytest.raises(ValueError, match="not live agents"):
        par.step({"red": [0, 0], "blue": [0, 0, 0], "green": [0]})
    par.step({"red": [0, 0], "blue": [0, 0, 0]})
    par.step({"red": [0, 0], "blue": [0, 0, 0]})
    with pytest.raises(ValueError, match="not live agents"):  # cannot be revived once done
        par.step({"red": [0, 0], "blue": [0, 0, 0]})
    obs, _ = par.reset()
    assert par.agents == ["red", "blue"]


def test_same_seed_same_everything(par):
    def episode(seed):
        out = [par.reset(seed=seed)[0]]
        while par.agents:
            step = par.step({a: np.arange(par.agents_per_population[a]) % 2 for a in par.agents})
            out.append(step[:4])
        return out

    a, b = episode(7), episode(7)
    assert len(a) == len(b) == 3
    assert repr(a) == repr(b)


def test_fictitious_refits_each_population_own_flow(address):
    env = MfgParallelEnv(GAME, 4, address, mean_field="fictitious")
    try:
        env.reset(seed=0)
        while env.agents:
            env.step({a: np.zeros(4, dtype=int) for a in env.agents})  # everyone goes left
        updates = env.update_population()
        assert set(updates) == {"red", "blue"} and updates["blue"]["iteration"] == 1
        mu = {a: np.asarray(r["mu"]).reshape(2, 3) for a, r in env.population_report().items()}
        # w = 1/2: mu_1(left) = (uniform + 1)/2 for each population's own flow.
        assert mu["red"][1, 1] == pytest.approx(0.75, abs=1e-15)
        assert mu["blue"][1, 1] == pytest.approx(2 / 3, abs=1e-15)
        env.reset(seed=0)
        env.step({a: np.zeros(4, dtype=int) for a in env.agents})
        _, rew, _, _, _ = env.step({a: np.zeros(4, dtype=int) for a in env.agents})
        # Each session refits its own population; the other population's flow it reads is still uniform.
        np.testing.assert_allclose(rew["blue"], -(2 / 3 + 0.5 * 0.5), atol=1e-15)
        np.testing.assert_allclose(rew["red"], -(0.75 + 0.5 / 3), atol=1e-15)
    finally:
        env.close()


def test_live_is_refused_and_counts_must_name_every_population(address):
    with pytest.raises(ValueError, match="live"):
        MfgParallelEnv(GAME, 2, address, mean_field="live")
    with pytest.raises(ValueError, match="a count for each of"):
        MfgParallelEnv(GAME, {"red": 2}, address)


def test_single_population_games_are_one_agent_named_after_their_population(address):
    env = make_parallel("LeftRight-v0", 2, address)
    try:
        assert len(env.possible_agents) == 1
        agent = env.possible_agents[0]
        obs, _ = env.reset(seed=0)
        env.step({agent: [0, 1]})
        _, rew, term, _, _ = env.step({agent: [0, 0]})
        np.testing.assert_allclose(rew[agent], [-0.5, -1.0], atol=1e-15)  # LeftRight under the uniform flow
        assert term[agent].all() and env.agents == []
    finally:
        env.close()


def _import_pettingzoo_test():
    try:
        from pettingzoo.test import parallel_api_test
        return parallel_api_test
    except ImportError:
        shared = REPO.parent / "shared" / "python"
        if not (shared / "pettingzoo").is_dir():
            return None
        sys.path.append(str(shared))
        try:
            from pettingzoo.test import parallel_api_test
            return parallel_api_test
        except ImportError:
            return None


def test_pettingzoo_parallel_api_test_itself(address):
    parallel_api_test = _import_pettingzoo_test()
    if parallel_api_test is None:
        pytest.skip("pettingzoo (and gymnasium) are not importable here; the checks above follow its parallel_api_test")
    env = MfgParallelEnv(GAME, 1, address)
    try:
        with _no_warnings():
            parallel_api_test(env, num_cycles=10)
    finally:
        env.close()


class _no_warnings:
    """parallel_api_test reports semantic slips (a dead agent given a reward, ...) as warnings: none allowed."""

    def __enter__(self):
        import warnings
        self._cm = warnings.catch_warnings(record=True)
        self._log = self._cm.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)
        slips = [f"{w.filename}: {w.message}" for w in self._log if "pettingzoo" in str(w.filename) or "mfgym" in str(w.filename)]
        assert not slips, slips
        return False
