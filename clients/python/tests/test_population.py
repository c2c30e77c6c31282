"""Fictitious mode: population_update averages the visited distribution into the flow (PROTOCOL.md, make).

Worked by hand on LeftRight-v0 (H=2; action a moves the agent from the centre to state 1+a;
r_1(left) = -mu_1(left), r_1(right) = -2 mu_1(right)). Start: the uniform policy's flow,
mu_0 = (1, 0, 0), mu_1 = (0, 1/2, 1/2). Update k uses w = 1/(k+1): L_t <- (1-w) L_t + w Lhat_t.

- Episode 1: 3 of 4 agents go left. Lhat_1 = (0, 3/4, 1/4); w = 1/2 ->
  mu_1 = (0, 5/8, 3/8). Epoch-1 rewards become -5/8 on the left and -3/4 on the right.
- Episode 2: 1 left, 3 right. Lhat_1 = (0, 1/4, 3/4); w = 1/3 ->
  mu_1 = (2/3)(0, 5/8, 3/8) + (1/3)(0, 1/4, 3/4) = (0, 1/2, 1/2).
- Episode 3: all right. Lhat_1 = (0, 0, 1); w = 1/4 -> mu_1 = (0, 3/8, 5/8).
"""

from __future__ import annotations

import numpy as np
import pytest

import mfgym

N = 4


def play_episode(env, first_actions):
    env.reset()
    _, r0, *_ = env.step(np.asarray(first_actions))
    obs, r1, term, *_ = env.step(np.zeros(N, dtype=np.int64))
    assert term.all() and r0.tolist() == [0.0] * N
    return obs, r1


def test_fictitious_play_average_of_the_visits(address):
    env = mfgym.make_vec("LeftRight-v0", num_envs=N, address=address, autoreset_mode="disabled",
                         mean_field="fictitious")
    try:
        env.reset(seed=0)
        rep = env.population_report()
        assert rep["mean_field"] == "fictitious" and rep["iteration"] == 0 and rep["horizon"] == 2
        assert rep["mu"].shape == (2, 3) and np.allclose(rep["mu"], [[1, 0, 0], [0, 0.5, 0.5]], atol=1e-15)

        _, r1 = play_episode(env, [0, 0, 0, 1])
        assert r1.tolist() == [-0.5, -0.5, -0.5, -1.0]  # the flow has not moved yet
        up = env.update_population()
        assert up["iteration"] == 1 and up["weight"] == 0.5 and up["episodes"] == N and up["samples"] == 2 * N
        rep = env.population_report()
        assert rep["iteration"] == 1 and rep["samples"] == 0
        assert np.allclose(rep["mu"], [[1, 0, 0], [0, 5 / 8, 3 / 8]], rtol=0, atol=1e-15)

        _, r1 = play_episode(env, [0, 1, 1, 1])
        assert np.allclose(r1, [-5 / 8, -3 / 4, -3 / 4, -3 / 4], rtol=0, atol=1e-15)

        up = env.update_population()  # k = 2, w = 1/3 over Lhat_1 = (0, 1/4, 3/4)
        assert up["iteration"] == 2 and abs(up["weight"] - 1 / 3) < 1e-15
        expected = (2 / 3) * np.array([0, 5 / 8, 3 / 8]) + (1 / 3) * np.array([0, 1 / 4, 3 / 4])
        rep = env.population_report()
        assert np.allclose(rep["mu"][1], expected, rtol=0, atol=1e-15)

        _, r1 = play_episode(env, [1, 1, 1, 1])
        up = env.update_population()  # k = 3, w = 1/4 over Lhat_1 = (0, 0, 1)
        assert up["iteration"] == 3
        expected = (3 / 4) * expected + (1 / 4) * np.array([0, 0, 1])
        assert np.allclose(expected, [0, 3 / 8, 5 / 8], rtol=0, atol=1e-15)
        rep = env.population_report()
        assert np.allclose(rep["mu"][1], expected, rtol=0, atol=1e-15)
        _, r1 = play_episode(env, [0, 1, 0, 1])
        assert np.allclose(r1, [-expected[1], -2 * expected[2]] * 2, rtol=0, atol=1e-15)
    finally:
        env.close()


def test_fixed_mode_refuses_population_update(address):
    env = mfgym.make("LeftRight-v0", address=address)
    try:
        with pytest.raises(mfgym.EnvError) as e:
            env.update_population()
        assert e.value.code == "MFG_ERR_ENV_BAD_MODE"
        rep = env.population_report()
        assert rep["mean_field"] == "fixed" and np.allclose(rep["mu"], [[1, 0, 0], [0, 0.5, 0.5]], atol=1e-15)
    finally:
        env.close()


def test_single_env_fictitious_episodes_shift_the_flow(address):
    # one agent always going left: after update k the left mass is 1 - (1/2)·prod_{j<=k} j/(j+1) = 1 - 1/(2(k+1))
    env = mfgym.make("LeftRight-v0", address=address, mean_field="fictitious")
    try:
        env.reset(seed=3)
        for k in range(1, 4):
            env.reset()
            env.step(0)
            _, r, term, _, _ = env.step(0)
            assert term and r == pytest.approx(-(1 - 1 / (2 * k)), abs=1e-15)
            env.update_population()
            mu = env.population_report()["mu"]
            assert mu[1, 1] == pytest.approx(1 - 1 / (2 * (k + 1)), abs=1e-15)
    finally:
        env.close()


def test_make_with_a_policy_sets_the_fixed_flow_to_its_gamma(address):
    # pi = "everyone goes left" at epoch 0 (uniform at epoch 1): Gamma(pi) has mu_1 = (0, 1, 0),
    # so r_1(left) = -1 and r_1(right) = -2·0 = 0.
    policy = np.full((2, 3, 2), 0.5)
    policy[0, :, :] = [1.0, 0.0]
    env = mfgym.make_vec("LeftRight-v0", num_envs=2, address=address, autoreset_mode="disabled",
                         make_options={"policy": policy})
    try:
        rep = env.population_report()
        assert np.array_equal(rep["mu"], [[1, 0, 0], [0, 1, 0]])
        env.reset(seed=0)
        env.step(np.array([0, 1]))
        _, r1, term, _, _ = env.step(np.array([0, 0]))
        assert term.all() and r1.tolist() == [-1.0, 0.0]
    finally:
        env.close()
    with pytest.raises(mfgym.MfgError) as e:
        mfgym.make_vec("LeftRight-v0", num_envs=2, address=address, make_options={"policy": np.ones((2, 3, 2))})
    assert e.value.code == "MFG_ERR_POLICY_NOT_DISTRIBUTION"


def test_live_mode_the_agents_are_the_mean_field(address):
    # 3 of 4 agents go left: at epoch 1 the agents' own empirical distribution is (0, 3/4, 1/4),
    # so r_1(left) = -3/4 and r_1(right) = -2·1/4 = -1/2, whatever the uniform flow would say.
    env = mfgym.make_vec("LeftRight-v0", num_envs=N, address=address, autoreset_mode="disabled", mean_field="live")
    try:
        env.reset(seed=0)
        env.step(np.array([0, 0, 1, 0]))
        _, r1, term, _, _ = env.step(np.zeros(N, dtype=np.int64))
        assert term.all() and r1.tolist() == [-0.75, -0.75, -0.5, -0.75]
        rep = env.population_report()
        assert rep["mean_field"] == "live" and np.allclose(rep["mu"][1], [0, 0.75, 0.25], rtol=0, atol=1e-15)
    finally:
        env.close()
