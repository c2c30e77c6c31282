"""Gymnasium itself checks the client: its env checker on every finite game with warnings as errors,
its registry (gymnasium.make / make_vec), the checks of its tests/vector suite against its
SyncVectorEnv on every finite game (mfgym.vector_env_checker),
its vector wrappers on the vector infos, and Discrete.sample with the info's action mask.

Gymnasium is optional for users but not here: run-tests.sh puts ../shared/python (Gymnasium 1.4.0)
on PYTHONPATH, and in CI (CI=true) a missing gymnasium is an error, never a silent skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import mfgym
from mfgym.registration import BUILTIN_FINITE_ENV_IDS
from mfgym.spaces import HAS_GYMNASIUM

if not HAS_GYMNASIUM:
    if os.environ.get("CI") == "true":
        raise RuntimeError("gymnasium is not importable in CI: PYTHONPATH must include ../shared/python")
    pytest.skip("gymnasium is not importable (PYTHONPATH lacks ../shared/python)", allow_module_level=True)

import gymnasium  # noqa: E402
from gymnasium.utils.env_checker import check_env  # noqa: E402
from gymnasium.wrappers.vector import DictInfoToList, RecordEpisodeStatistics  # noqa: E402

from mfgym.vector_env_checker import check_vector_env  # noqa: E402

STAY = 2  # CrowdModelling2D / FourRooms / Maze actions: up, left, stay, right, down

# Small sizes where a game's default is large, so the whole sweep takes seconds.
SMALL = {"BuildingEvacuation-v0": {"floors": 2, "L": 3, "W": 3}, "CrowdModelling2D-v0": {"size": 6}}


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_the_registered_ids_are_the_servers_finite_games(client):
    finite = sorted(e["id"] for e in client.list_envs() if e["kind"] == "finite")
    assert finite == sorted(BUILTIN_FINITE_ENV_IDS)
    for env_id in finite:
        spec = gymnasium.spec(f"mfgym/{env_id}")
        assert spec.namespace == "mfgym" and spec.kwargs == {"env_id": env_id}


@pytest.mark.parametrize("env_id", BUILTIN_FINITE_ENV_IDS)
def test_gymnasiums_env_checker_passes(env_id, address):
    env = gymnasium.make(f"mfgym/{env_id}", address=address, **SMALL.get(env_id, {}))
    try:
        assert isinstance(env.unwrapped, gymnasium.Env) and isinstance(env.unwrapped, mfgym.MfgEnv)
        check_env(env.unwrapped)
        # and through gym.make's own wrappers (PassiveEnvChecker, OrderEnforcing): a whole episode of
        # unmasked samples, as a mask-unaware agent plays (FourRooms and Maze hit walls)
        env.action_space.seed(1)
        obs, info = env.reset(seed=1)
        terminated = truncated = False
        while not (terminated or truncated):
            obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
            assert obs in env.observation_space and isinstance(reward, float)
            assert isinstance(info["illegal_action"], bool) and info["action_mask"].dtype == np.int8
    finally:
        env.close()


def test_an_illegal_move_acts_as_stay_and_is_flagged_in_info_over_the_socket(address):
    # FourRooms starts at (1, 1): the cells above and left are walls. Two envs, same seed: one moves
    # into walls, the other stays; same observations and rewards, only the first is flagged.
    walls = mfgym.make("FourRooms-v0", address=address)
    stays = mfgym.make("FourRooms-v0", address=address)
    strict = mfgym.make("FourRooms-v0", address=address, illegal_actions="error")
    try:
        (o1, i1), (o2, _) = walls.reset(seed=4), stays.reset(seed=4)
        strict.reset(seed=4)
        flagged = 0
        for _ in range(30):
            illegal = np.flatnonzero(i1["action_mask"] == 0)
            if illegal.size == 0:
                break
            o1, r1, *_, i1 = walls.step(int(illegal[0]))
            o2, r2, *_, i2 = stays.step(STAY)
            assert i1["illegal_action"] is True and i2["illegal_action"] is False
            assert np.array_equal(o1, o2) and r1 == r2
            flagged += 1
        assert flagged >= 1
        with pytest.raises(mfgym.EnvError) as e:
            strict.step(0)  # up from (1, 1): a wall
        assert e.value.code == "MFG_ERR_ENV_BAD_ACTION" and e.value.details["reason"] == "illegal"
    finally:
        for env in (walls, stays, strict):
            env.close()


def test_action_space_sample_with_the_info_mask_draws_legal_actions_only(address):
    env = gymnasium.make("mfgym/Maze-v0", address=address, H=60)
    try:
        env.action_space.seed(0)
        _, info = env.reset(seed=0)
        for _ in range(59):
            a = env.action_space.sample(mask=info["action_mask"])
            assert info["action_mask"][a] == 1
            *_, info = env.step(a)
            assert info["illegal_action"] is False
    finally:
        env.close()


def test_the_server_address_can_come_from_MFGYM_ADDRESS(address, monkeypatch):
    monkeypatch.setenv("MFGYM_ADDRESS", address)
    env = gymnasium.make("mfgym/LeftRight-v0")
    try:
        obs, _ = env.reset(seed=0)
        assert obs.tolist() == [0, 0] and env.unwrapped.client.address == address
    finally:
        env.close()


def test_gymnasium_imports_mfgym_itself_with_the_module_colon_id_form(address):
    # a fresh interpreter, warnings as errors: registering at import warns about nothing
    code = ("import gymnasium, sys; env = gymnasium.make('mfgym:mfgym/LeftRight-v0', address=sys.argv[1]); "
            "obs, info = env.reset(seed=0); print(type(env.unwrapped).__name__, obs.tolist(), info['action_mask'].dtype); env.close()")
    r = subprocess.run([sys.executable, "-W", "error", "-c", code, address], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["MfgEnv", "[0,", "0]", "int8"]


@pytest.mark.parametrize("env_id", BUILTIN_FINITE_ENV_IDS)
def test_the_vector_env_passes_the_vector_checks_against_sync_vector_env(env_id, address):
    # Gymnasium 1.4.0 ships no vector-env checker; mfgym.vector_env_checker runs the checks of its
    # tests/vector suite with its SyncVectorEnv over N one-agent sessions as the reference.
    check_vector_env(env_id, address=address, num_envs=3, seed=5, **SMALL.get(env_id, {}))


def test_the_vector_checker_catches_a_wrong_layout(address, monkeypatch):
    # the checker has teeth: the same vector env with one info mask left true on next_step's reset
    # step (the layout before this check existed) fails it, naming the step
    import mfgym.vector_env as vector_env
    monkeypatch.setattr(vector_env, "only_for", lambda infos, holders, keys=None: infos)
    with pytest.raises(AssertionError, match="next_step, step 7: info layout"):
        check_vector_env("FourRooms-v0", address=address, num_envs=3, seed=5, H=6)


def test_gymnasiums_vector_wrappers_read_the_infos(address):
    n, horizon = 3, 5
    env = DictInfoToList(RecordEpisodeStatistics(gymnasium.make_vec("mfgym/FourRooms-v0", num_envs=n, address=address,
                                                                    H=horizon)))
    try:
        env.action_space.seed(2)
        _, infos = env.reset(seed=2)
        assert len(infos) == n and all(i["action_mask"].dtype == np.int8 and i["t"] == 0 for i in infos)
        total = np.zeros(n)
        for k in range(horizon):
            actions = env.action_space.sample()
            _, rewards, terminated, _, infos = env.step(actions)
            total += rewards
            masks = np.stack([i["action_mask"] for i in infos])
            assert all(isinstance(i["illegal_action"], (bool, np.bool_)) for i in infos)
        assert terminated.all()
        # RecordEpisodeStatistics wrote the episode's return and length for every agent
        episode = [i["episode"] for i in infos]
        assert np.allclose([e["r"] for e in episode], total) and [e["l"] for e in episode] == [horizon] * n
        assert masks.shape == (n, 5)
    finally:
        env.close()


def test_the_vector_env_flags_illegal_actions_per_agent(address):
    env = mfgym.make_vec("FourRooms-v0", num_envs=3, address=address)
    try:
        _, infos = env.reset(seed=0)
        assert infos["action_mask"].dtype == np.int8 and infos["_action_mask"].all()
        up, left = 0, 1  # walls from the start cell (1, 1)
        _, _, _, _, infos = env.step(np.array([up, STAY, left]))
        assert infos["illegal_action"].tolist() == [True, False, True] and infos["_illegal_action"].all()
    finally:
        env.close()
