"""mfgym.make against a real server: spaces, dtypes, hand-checked rewards, seeding, Gymnasium's checks.

LeftRight-v0 (DESIGN §2): H=2, states center/left/right, action a sends the agent to state 1+a;
r(center)=0, r(left)=-mu_t(left), r(right)=-2 mu_t(right). In `fixed` mode the flow is the
uniform policy's: mu_1 = (0, 1/2, 1/2), so the epoch-1 reward is -1/2 on the left, -1 on the right.
"""

from __future__ import annotations

import numpy as np
import pytest

import mfgym
from mfgym.spaces import HAS_GYMNASIUM


@pytest.fixture
def left_right(address):
    env = mfgym.make("LeftRight-v0", address=address, timeout=20)
    yield env
    env.close()


def test_spaces_are_the_protocol_forms(left_right):
    env = left_right
    assert type(env.observation_space).__name__ == "MultiDiscrete"
    assert list(env.observation_space.nvec) == [3, 3]  # state, epoch t in 0..H
    assert env.observation_space.dtype == np.int64
    assert type(env.action_space).__name__ == "Discrete" and int(env.action_space.n) == 2
    assert env.horizon == 2 and env.env_id == "LeftRight-v0"


@pytest.mark.parametrize("action,state,reward_t1", [(0, 1, -0.5), (1, 2, -1.0)])
def test_an_episode_of_left_right_by_hand(left_right, action, state, reward_t1):
    env = left_right
    obs, info = env.reset(seed=0)
    assert isinstance(obs, np.ndarray) and obs.dtype == env.observation_space.dtype
    assert obs.tolist() == [0, 0] and obs in env.observation_space
    assert info["t"] == 0 and type(info["t"]) is int
    assert info["action_mask"].dtype == np.int8 and info["action_mask"].tolist() == [1, 1]  # Discrete.sample's mask dtype

    obs, reward, terminated, truncated, info = env.step(action)
    assert obs.tolist() == [state, 1] and obs.dtype == np.int64
    assert type(reward) is float and reward == 0.0  # r_0(center) = 0
    assert terminated is False and truncated is False
    assert info["t"] == 1

    obs, reward, terminated, truncated, info = env.step(np.int64(0))
    assert type(reward) is float and reward == reward_t1
    assert terminated is True and truncated is False
    assert obs.tolist() == [state, 2]  # terminal observation: last state, t = H


def test_numpy_scalars_and_sampled_actions_are_accepted(left_right):
    env = left_right
    env.reset(seed=1)
    env.action_space.seed(5)
    a = env.action_space.sample()
    assert isinstance(a, np.integer)
    obs, reward, *_ = env.step(a)
    assert obs[0] == 1 + int(a)
    _, reward, terminated, _, _ = env.step(np.int32(1))
    assert terminated is True and reward == (-0.5 if int(a) == 0 else -1.0)


def crowd_trajectory(env, seed, actions, reset_twice=False):
    out = []
    obs, info = env.reset(seed=seed)
    out.append(obs.copy())
    if reset_twice:
        obs, info = env.reset()
        out.append(obs.copy())
    for a in actions:
        obs, r, term, trunc, info = env.step(int(a))
        out.append((obs.copy(), r, term, trunc, info["action_mask"].copy(), info["t"]))
        if term:
            obs, info = env.reset()
            out.append(obs.copy())
    return out


def same(x, y):
    if isinstance(x, np.ndarray):
        return isinstance(y, np.ndarray) and x.dtype == y.dtype and np.array_equal(x, y)
    if isinstance(x, (tuple, list)):
        return type(x) is type(y) and len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    return type(x) is type(y) and x == y


def test_same_seed_same_actions_give_identical_trajectories(address, crowd):
    # CrowdModelling2D moves with noise and starts uniformly: the seed matters.
    actions = np.random.default_rng(0).integers(0, 5, size=25)
    a = mfgym.make("CrowdModelling2D-v0", address=address, **crowd(6, 4))
    b = mfgym.make("CrowdModelling2D-v0", address=address, **crowd(6, 4))
    try:
        assert list(a.observation_space.nvec) == [6, 6, 5]
        ta, tb = crowd_trajectory(a, 123, actions), crowd_trajectory(b, 123, actions)
        assert same(ta, tb)
        tc = crowd_trajectory(b, 124, actions)
        assert not same(ta, tc)  # a different seed changes the noise (25 steps, 36 cells)
    finally:
        a.close()
        b.close()


def test_reset_with_a_seed_then_without_is_reproducible(address, crowd):
    # gymnasium's env checker: reset(seed=s); reset() twice gives the same two observations.
    env = mfgym.make("CrowdModelling2D-v0", address=address, **crowd(8, 3))
    try:
        runs = []
        for _ in range(2):
            o1, _ = env.reset(seed=123)
            state = env.np_random.bit_generator.state
            o2, _ = env.reset()
            o3, _ = env.reset()
            runs.append((o1, o2, o3, state))
        assert np.array_equal(runs[0][0], runs[1][0]) and np.array_equal(runs[0][1], runs[1][1])
        assert np.array_equal(runs[0][2], runs[1][2]) and runs[0][3] == runs[1][3]
        # and the unseeded resets did move on: 8x8 cells, 3 draws all equal is (1/64)^2 unlikely
        assert not (np.array_equal(runs[0][0], runs[0][1]) and np.array_equal(runs[0][1], runs[0][2]))
        env.reset(seed=456)
        assert env.np_random.bit_generator.state != runs[0][3]
    finally:
        env.close()


def test_reset_accepts_empty_options_and_returns_a_dict(left_right):
    obs, info = left_right.reset(options={})
    assert obs in left_right.observation_space and isinstance(info, dict)


def test_close_twice_is_fine_and_spec_rebuilds_the_env(address):
    env = mfgym.make("LeftRight-v0", address=address)
    env.reset(seed=0)
    env.close()
    env.close()
    assert env.spec is not None and env.spec.id == "LeftRight-v0"
    again = env.spec.make()
    assert again.reset(seed=0)[0].tolist() == [0, 0]
    again.close()
    again.close()
    with pytest.raises(mfgym.MfgError):
        env.step(0)  # a closed env refuses to step


def test_gymnasium_base_class_when_available(left_right):
    if HAS_GYMNASIUM:  # CI puts ../shared/python on PYTHONPATH (run-tests.sh); test_gymnasium.py checks every game
        import gymnasium
        from gymnasium.utils.env_checker import check_env
        assert isinstance(left_right, gymnasium.Env)
        check_env(left_right, skip_render_check=True)
    else:
        assert left_right.unwrapped is left_right and left_right.render_mode is None
        assert left_right.metadata["render_modes"] == [] and left_right.render() is None


def test_list_envs_names_the_builtins_with_kwargs_schemas(client):
    envs = {e["id"]: e for e in client.list_envs()}
    assert {"LeftRight-v0", "CrowdModelling2D-v0"} <= envs.keys()
    lr = envs["LeftRight-v0"]
    assert lr["kind"] == "finite" and lr["kwargs_schema"]["type"] == "object" and lr["description"]
    assert envs["CrowdModelling2D-v0"]["kwargs_schema"]["properties"]["size"]["default"] == 10


def test_hello_announces_version_and_limits(client):
    info = client.hello()
    assert info["protocol"] == mfgym.PROTOCOL_VERSION and info["server"].startswith("mfgym/")
    assert len(info["session"]) == 32 and client.session == info["session"]
    assert set(info["limits"]) >= {"max_message_bytes", "max_agents_per_env", "max_envs_per_connection",
                                   "idle_timeout_s"}
