"""Gymnasium itself checks the client: its env checker on every finite game with warnings as errors,
its registry (gymnasium.make / make_vec), its SyncVectorEnv as the reference for the vector env,
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
from gymnasium.utils.env_checker import check_env, data_equivalence  # noqa: E402
from gymnasium.wrappers.vector import DictInfoToList, RecordEpisodeStatistics  # noqa: E402

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


def _first_episode_then_one_step(env, horizon, seed):
    env.action_space.seed(seed)
    out = [env.reset(seed=seed)]
    for _ in range(horizon + 1):
        out.append(env.step(env.action_space.sample()))
    return out


def _comparable(infos):
    """final_obs as SyncVectorEnv holds it: an object array with the terminal obs where _final_obs."""
    infos = dict(infos)
    if "final_obs" in infos and isinstance(infos["final_obs"], np.ndarray) and infos["final_obs"].dtype != object:
        rows = np.full(len(infos["_final_obs"]), None, dtype=object)
        for i in np.flatnonzero(infos["_final_obs"]):
            rows[i] = infos["final_obs"][i]
        infos["final_obs"] = rows
    return infos


@pytest.mark.parametrize("mode", ["next_step", "same_step"])
def test_the_vector_env_matches_gymnasiums_sync_vector_env_over_single_envs(address, mode):
    # Gymnasium 1.4.0 ships no vector-env checker; its SyncVectorEnv over N one-agent envs is the
    # reference: seeds s + i, the batched spaces, the autoreset semantics and the info layout
    # (values with their _key masks). Up to the first episode's end both are the same episodes;
    # after a reset without seed each derives new seeds its own way, so the step after is compared
    # where it is seed-free (FourRooms starts everyone at (1, 1)).
    n, horizon = 4, 6
    ours = gymnasium.make_vec("mfgym/FourRooms-v0", num_envs=n, address=address, H=horizon, autoreset_mode=mode)
    ref = gymnasium.make_vec("mfgym/FourRooms-v0", num_envs=n, vectorization_mode="sync", address=address,
                             H=horizon, vector_kwargs={"autoreset_mode": gymnasium.vector.AutoresetMode[mode.upper()]})
    try:
        assert isinstance(ours.unwrapped, gymnasium.vector.VectorEnv) and isinstance(ours.unwrapped, mfgym.MfgVectorEnv)
        assert isinstance(ref.unwrapped, gymnasium.vector.SyncVectorEnv)
        assert ours.metadata["autoreset_mode"] == ref.metadata["autoreset_mode"]
        assert ours.action_space == ref.action_space and ours.observation_space == ref.observation_space
        assert ours.single_action_space == ref.single_action_space
        a, b = _first_episode_then_one_step(ours, horizon, 3), _first_episode_then_one_step(ref, horizon, 3)
        for k in range(horizon + 1):  # the reset and every step of the episode
            assert data_equivalence(a[k][:-1], b[k][:-1], exact=True), f"step {k}"
            assert data_equivalence(_comparable(a[k][-1]), _comparable(b[k][-1]), exact=True), f"infos at step {k}"
        assert a[horizon][2].all()  # the episode did end there
        if mode == "next_step":  # the step after: the autoreset, reward 0, the reset observation at t = 0
            (obs_a, rew_a, term_a, _, inf_a), (obs_b, rew_b, term_b, _, inf_b) = a[-1], b[-1]
            assert data_equivalence((obs_a, rew_a, term_a, inf_a["t"], inf_a["action_mask"]),
                                    (obs_b, rew_b, term_b, inf_b["t"], inf_b["action_mask"]), exact=True)
            assert rew_a.tolist() == [0.0] * n and inf_a["t"].tolist() == [0] * n
    finally:
        ours.close()
        ref.close()


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
