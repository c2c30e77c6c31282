"""mfgym.make_vec against a real server: batched dtypes, seeding, and each autoreset mode.

LeftRight-v0 has H=2, so every episode is two steps and ends on the second; the uniform-policy
flow gives epoch-1 rewards -1/2 (left) and -1 (right) in `fixed` mode.
"""

from __future__ import annotations

import numpy as np
import pytest

import mfgym

N = 4
ACTIONS = np.array([0, 1, 0, 1])


@pytest.fixture(params=["next_step", "same_step", "disabled"])
def venv(request, address):
    env = mfgym.make_vec("LeftRight-v0", num_envs=N, address=address, autoreset_mode=request.param)
    yield env
    env.close()


def first_episode(env):
    obs, infos = env.reset(seed=0)
    assert obs.dtype == np.int64 and obs.shape == (N, 2) and obs.tolist() == [[0, 0]] * N
    assert infos["action_mask"].shape == (N, 2) and infos["t"].tolist() == [0] * N
    obs, rew, term, trunc, infos = env.step(ACTIONS)
    assert obs.tolist() == [[1, 1], [2, 1], [1, 1], [2, 1]]
    assert rew.dtype == np.float64 and rew.tolist() == [0.0] * N
    assert term.dtype == np.bool_ and not term.any() and trunc.dtype == np.bool_ and not trunc.any()
    obs, rew, term, trunc, infos = env.step(np.zeros(N, dtype=np.int64))
    assert rew.tolist() == [-0.5, -1.0, -0.5, -1.0]
    assert term.tolist() == [True] * N and not trunc.any()
    return obs, infos


def test_batched_spaces(venv):
    assert venv.num_envs == N
    assert venv.observation_space.shape == (N, 2) and venv.action_space.shape == (N,)
    assert list(venv.single_observation_space.nvec) == [3, 3] and int(venv.single_action_space.n) == 2
    mode = venv.metadata["autoreset_mode"]
    assert getattr(mode, "name", mode).lower() == venv.autoreset_mode  # AutoresetMode member with gymnasium
    a = venv.action_space.sample()
    assert a.shape == (N,) and a in venv.action_space


def test_next_step_resets_on_the_call_after_termination(address):
    env = mfgym.make_vec("LeftRight-v0", num_envs=N, address=address, autoreset_mode="next_step")
    try:
        obs, infos = first_episode(env)
        assert obs.tolist() == [[1, 2], [2, 2], [1, 2], [2, 2]]  # terminal observations, t = H
        assert "final_obs" not in infos
        obs, rew, term, trunc, infos = env.step(np.ones(N, dtype=np.int64))  # actions ignored: reset step
        assert obs.tolist() == [[0, 0]] * N and rew.tolist() == [0.0] * N and not term.any() and not trunc.any()
        assert infos["t"].tolist() == [0] * N
        obs, *_ = env.step(np.ones(N, dtype=np.int64))  # now the actions count
        assert obs.tolist() == [[2, 1]] * N
    finally:
        env.close()


def test_same_step_returns_the_reset_obs_and_the_final_obs_in_infos(address):
    env = mfgym.make_vec("LeftRight-v0", num_envs=N, address=address, autoreset_mode="same_step")
    try:
        obs, infos = first_episode(env)
        assert obs.tolist() == [[0, 0]] * N
        assert infos["_final_obs"].tolist() == [True] * N
        # an object array of the terminal observations, as Gymnasium's vector envs give final_obs
        assert infos["final_obs"].dtype == object and infos["final_obs"].shape == (N,)
        assert [o.dtype for o in infos["final_obs"]] == [np.int64] * N
        assert np.stack(infos["final_obs"]).tolist() == [[1, 2], [2, 2], [1, 2], [2, 2]]
        assert infos["_final_info"].tolist() == [True] * N and infos["final_info"]["t"].tolist() == [2] * N
        assert infos["t"].tolist() == [0] * N
        obs, rew, *_ = env.step(np.ones(N, dtype=np.int64))  # the new episode's first step
        assert obs.tolist() == [[2, 1]] * N and rew.tolist() == [0.0] * N
    finally:
        env.close()


def test_disabled_needs_an_explicit_partial_reset(address):
    env = mfgym.make_vec("LeftRight-v0", num_envs=N, address=address, autoreset_mode="disabled")
    try:
        obs, infos = first_episode(env)
        assert obs.tolist() == [[1, 2], [2, 2], [1, 2], [2, 2]]
        with pytest.raises(mfgym.EnvError) as e:
            env.step(np.zeros(N, dtype=np.int64))
        assert e.value.code == "MFG_ERR_ENV_NEEDS_RESET"
        mask = np.array([True, False, True, False])
        obs, infos = env.reset(options={"reset_mask": mask})
        assert obs.tolist() == [[0, 0], [2, 2], [0, 0], [2, 2]]  # agents 1 and 3 keep their terminal state
        with pytest.raises(mfgym.EnvError):
            env.step(np.zeros(N, dtype=np.int64))  # 1 and 3 still ended
        obs, infos = env.reset(options={"reset_mask": ~mask})
        assert obs.tolist() == [[0, 0]] * N
        obs, *_ = env.step(np.array([1, 1, 0, 0]))
        assert obs.tolist() == [[2, 1], [2, 1], [1, 1], [1, 1]]
    finally:
        env.close()


def test_agent_i_of_a_vector_env_replays_a_single_env_seeded_with_seed_plus_i(address, crowd):
    n, seed = 3, 77
    actions = np.random.default_rng(1).integers(0, 5, size=(6, n))
    venv = mfgym.make_vec("CrowdModelling2D-v0", num_envs=n, address=address, autoreset_mode="next_step",
                          **crowd(7, 6))
    singles = [mfgym.make("CrowdModelling2D-v0", address=address, **crowd(7, 6)) for _ in range(n)]
    try:
        vobs, _ = venv.reset(seed=seed)
        vtraj = [vobs]
        for a in actions:
            o, r, te, tr, _ = venv.step(a)
            vtraj.append((o, r, te))
        for i, env in enumerate(singles):
            obs, _ = env.reset(seed=seed + i)
            assert np.array_equal(obs, vtraj[0][i])
            for k, a in enumerate(actions):
                o, r, te, tr, _ = env.step(a[i])
                vo, vr, vte = vtraj[k + 1]
                assert np.array_equal(o, vo[i]) and r == vr[i] and te == vte[i]
        # a seed list is the same as the int form
        lobs, _ = venv.reset(seed=[seed, seed + 1, seed + 2])
        assert np.array_equal(lobs, vtraj[0])
    finally:
        venv.close()
        for env in singles:
            env.close()


def test_vector_reset_with_a_seed_then_without_is_reproducible(address, crowd):
    env = mfgym.make_vec("CrowdModelling2D-v0", num_envs=16, address=address, **crowd(9, 3))
    try:
        a1, _ = env.reset(seed=5)
        a2, _ = env.reset()
        b1, _ = env.reset(seed=5)
        b2, _ = env.reset()
        assert np.array_equal(a1, b1) and np.array_equal(a2, b2) and not np.array_equal(a1, a2)
    finally:
        env.close()
