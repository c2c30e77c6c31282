"""Continuous games over the socket (protocol 2.1): Box spaces and dtypes, determinism under seeds,
autoreset, typed errors for bad actions, Gymnasium's checker, and the acceptance test: the LQ env
under its closed-form control gives each epoch's mean and variance within 4 standard errors of the
closed form (Carmona, Fouque and Sun; DESIGN §2)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import mfgym
from mfgym import Client
from mfgym.spaces import HAS_GYMNASIUM

LQ = "LinearQuadraticContinuous-v0"
# LQ defaults (DESIGN §2): dt, K, q, kappa, c, sigma, mean0, var0; T = H·dt.
DT, K, Q, KAPPA, C, SIGMA, MEAN0, VAR0 = 0.1, 0.0, 0.01, 0.5, 1.0, 1.0, 0.0, 1.0


def lq_eta(t: float, horizon: int) -> float:
    """eta(t) of the closed-form equilibrium control, written from DESIGN §2 (independently of the TS code)."""
    root = math.sqrt((K + Q) ** 2 + KAPPA - Q * Q)
    dp, dm = -(K + Q) + root, -(K + Q) - root
    e = math.exp((dp - dm) * (horizon * DT - t))
    return (-(KAPPA - Q * Q) * (e - 1) - C * (dp * e - dm)) / ((dm * e - dp) - C * (e - 1))


def lq_closed_form(horizon: int):
    """Per-epoch gains q + eta_k and the exact variances v_k under the closed-form control."""
    gains = np.array([Q + lq_eta(k * DT, horizon) for k in range(horizon)])
    var = np.empty(horizon)
    var[0] = VAR0
    for k in range(horizon - 1):
        var[k + 1] = (1 - (K + gains[k]) * DT) ** 2 * var[k] + SIGMA ** 2 * DT
    return gains, var


def control(obs: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """a = (q + eta_t)(m_0 - x) for rows (x, t); zero at the terminal t = H."""
    t = obs[:, 1].astype(np.int64)
    g = np.where(t < len(gains), gains[np.minimum(t, len(gains) - 1)], 0.0)
    return (g * (MEAN0 - obs[:, 0].astype(np.float64)))[:, None]


def test_lq_over_the_socket_matches_the_closed_form_within_4_standard_errors(address):
    n, horizon = 3000, 100
    gains, var = lq_closed_form(horizon)
    env = mfgym.make_vec(LQ, num_envs=n, address=address)
    try:
        obs, _ = env.reset(seed=2026)
        for k in range(horizon):
            x = obs[:, 0].astype(np.float64)
            assert np.all(obs[:, 1] == k)
            mean, v = x.mean(), x.var(ddof=1)
            assert abs(mean - MEAN0) < 4 * math.sqrt(var[k] / n), f"mean at epoch {k}: {mean}"
            assert abs(v - var[k]) < 4 * var[k] * math.sqrt(2 / (n - 1)), f"variance at epoch {k}: {v} vs {var[k]}"
            obs, rewards, terminated, truncated, _ = env.step(control(obs, gains))
            assert terminated.all() == (k == horizon - 1) and not truncated.any()
        assert abs(var[99] - 0.6306) < 1e-4  # the TS closed form's figure (test/envs/linear-quadratic-continuous)
        report = env.population_report()
        assert report["flow_kind"] == "exact" and report["variance"].shape == (horizon, 1)
        np.testing.assert_allclose(report["variance"][:, 0], var, rtol=1e-12)  # the server's exact flow is this closed form
    finally:
        env.close()


def test_box_spaces_and_dtypes(address):
    env = mfgym.make_vec(LQ, num_envs=4, address=address, H=7)
    try:
        s = env.single_observation_space
        assert type(s).__name__ == "Box" and s.shape == (2,) and s.dtype == np.float32
        assert s.low[0] == -np.inf and s.high[0] == np.inf and (s.low[1], s.high[1]) == (0, 7)
        a = env.single_action_space
        assert a.shape == (1,) and a.dtype == np.float32 and (a.low[0], a.high[0]) == (-10, 10)
        if HAS_GYMNASIUM:
            import gymnasium
            assert isinstance(s, gymnasium.spaces.Box) and isinstance(a, gymnasium.spaces.Box)
        assert env.action_space.shape == (4, 1) and env.observation_space.shape == (4, 2)
        obs, info = env.reset(seed=0)
        assert obs.dtype == np.float32 and obs.shape == (4, 2) and "action_mask" not in info
        obs, r, term, trunc, info = env.step(env.action_space.sample())
        # rewards float64 as Gymnasium's vector envs batch them, the float32 wire values widened exactly
        assert obs.dtype == np.float32 and r.dtype == np.float64 and r.shape == (4,)
        assert np.array_equal(r, r.astype(np.float32).astype(np.float64))
        assert info["t"].tolist() == [1, 1, 1, 1] and info["_t"].all()
        assert all(s.contains(row) for row in obs)
    finally:
        env.close()
    for env_id, kwargs, obs_dim, act_dim, bound in (("CrowdAversionND-v0", {"d": 10, "H": 3}, 11, 10, 1.0),
                                                    ("Flocking-v0", {"d": 3, "H": 3, "neighbor_samples": 8}, 7, 3, 5.0)):
        env = mfgym.make_vec(env_id, num_envs=3, address=address, dtype="float64",
                             make_options={"population_samples": 200}, **kwargs)
        try:
            assert env.single_observation_space.shape == (obs_dim,) and env.single_observation_space.dtype == np.float64
            assert env.single_action_space.shape == (act_dim,) and np.all(env.single_action_space.high == bound)
            obs, _ = env.reset(seed=1)
            assert obs.dtype == np.float64 and obs.shape == (3, obs_dim)
            obs, r, *_ = env.step(np.zeros((3, act_dim)))
            assert r.dtype == np.float64 and np.all(np.isfinite(r))
        finally:
            env.close()


def _episode(address, seed, actions, **kw):
    env = mfgym.make_vec(LQ, num_envs=5, address=address, H=4, **kw)
    try:
        out = [env.reset(seed=seed)[0].tobytes()]
        for a in actions:
            obs, r, term, trunc, info = env.step(a)
            out += [obs.tobytes(), r.tobytes(), term.tobytes(), info["t"].tobytes()]
        return out
    finally:
        env.close()


def test_same_seed_and_actions_give_the_same_bytes(address):
    rng = np.random.default_rng(7)
    actions = [rng.uniform(-10, 10, size=(5, 1)).astype(np.float32) for _ in range(9)]
    a = _episode(address, 11, actions)
    assert a == _episode(address, 11, actions)
    assert a != _episode(address, 12, actions)
    # agent i of a vector env seeded s is a single env seeded s + i
    single = mfgym.make(LQ, address=address, H=4, dtype="float64")
    vec = mfgym.make_vec(LQ, num_envs=3, address=address, H=4, dtype="float64")
    try:
        o1, _ = single.reset(seed=20)
        ov, _ = vec.reset(seed=18)
        assert o1.dtype == np.float64 and np.array_equal(o1, ov[2])
        for k in range(3):
            o1, r1, *_ = single.step(np.array([0.5]))
            ov, rv, *_ = vec.step(np.full((3, 1), 0.5))
            assert np.array_equal(o1, ov[2]) and r1 == rv[2]
    finally:
        single.close()
        vec.close()


def test_autoreset_next_step_and_same_step(address):
    env = mfgym.make_vec(LQ, num_envs=2, address=address, H=3)
    try:
        env.reset(seed=0)
        for k in range(3):
            obs, r, term, *_ = env.step(np.zeros((2, 1)))
        assert term.all() and obs[:, 1].tolist() == [3, 3]
        obs, r, term, *_ = env.step(np.full((2, 1), np.nan))  # ignored: the agents are being reset
        assert obs[:, 1].tolist() == [0, 0] and r.tolist() == [0, 0] and not term.any()
    finally:
        env.close()
    env = mfgym.make_vec(LQ, num_envs=2, address=address, H=3, autoreset_mode="same_step")
    try:
        env.reset(seed=0)
        for k in range(3):
            prev = obs if k else None
            obs, r, term, trunc, info = env.step(np.zeros((2, 1)))
        assert term.all() and obs[:, 1].tolist() == [0, 0]
        final = np.stack(info["final_obs"])  # an object array of the terminal observations, as Gymnasium's
        assert info["_final_obs"].all() and info["final_obs"].dtype == object and final.dtype == np.float32
        assert final[:, 1].tolist() == [3, 3] and np.array_equal(final[:, 0], prev[:, 0])
        assert info["final_info"]["t"].tolist() == [3, 3]
    finally:
        env.close()


def test_bad_actions_are_typed_errors(address):
    env = mfgym.make_vec("CrowdAversionND-v0", num_envs=3, address=address, d=2, H=3)
    try:
        env.reset(seed=0)
        cases = [(np.zeros((3, 3)), "shape"), (np.zeros(6, dtype=bool), "dtype"),
                 (np.array([[0, 0], [0, np.nan], [0, 0]]), "nan"), (np.array([[0, 0], [0, 0], [1.5, 0]]), "range"),
                 (np.array([[0, 0], [-np.inf, 0], [0, 0]]), "range")]
        for actions, reason in cases:
            with pytest.raises(mfgym.EnvError) as e:
                env.step(actions)
            assert e.value.code == "MFG_ERR_ENV_BAD_ACTION" and e.value.details["reason"] == reason, (reason, e.value.details)
        assert e.value.details["agent"] == 1 and e.value.details["low"] == -1
        obs, *_ = env.step(np.full((3, 2), 1.0))  # the bounds are in the Box; the env carries on
        assert obs[:, 2].tolist() == [1, 1, 1]
    finally:
        env.close()
    clip = mfgym.make_vec(LQ, num_envs=1, address=address, H=3, out_of_bounds="clip", dtype="float64")
    ref = mfgym.make_vec(LQ, num_envs=1, address=address, H=3, dtype="float64")
    try:
        clip.reset(seed=3)
        ref.reset(seed=3)
        assert np.array_equal(clip.step(np.array([[1e6]]))[0], ref.step(np.array([[10.0]]))[0])
    finally:
        clip.close()
        ref.close()


def test_a_2_0_client_keeps_2_0_and_is_told_why_it_cannot_make_a_continuous_game(address):
    with Client(address) as c:
        assert c.call("hello", client="old", protocol="2.0")["protocol"] == "2.0"
        with pytest.raises(mfgym.MfgError) as e:
            c.call("make", env_id=LQ, num_agents=1)
        assert e.value.code == "MFG_ERR_GAME_UNSUPPORTED"
        assert e.value.details["needs_protocol"] == "2.1" and e.value.details["session_protocol"] == "2.0"
        assert c.call("make", env_id="LeftRight-v0", num_agents=1)["handle"]
    with Client(address) as c:
        assert c.hello()["protocol"] == "2.1"


def test_fictitious_update_and_report_over_the_socket(address):
    env = mfgym.make_vec(LQ, num_envs=6, address=address, H=4, mean_field="fictitious",
                         make_options={"fictitious_particles": 32})
    try:
        env.reset(seed=5)
        for _ in range(4):
            env.step(np.zeros((6, 1)))
        u = env.update_population()
        assert u == {"iteration": 1, "weight": 0.5, "samples": 24, "episodes": 6}
        rep = env.population_report()
        assert rep["flow_kind"] == "particles" and rep["mean"].shape == (4, 1) and rep["dim"] == 1
    finally:
        env.close()


def test_fictitious_over_a_generative_population_refits_the_generator(address):
    """population_update averages the visits, then refits the generator to the average: the reply comes
    once the fit is in place and says so; the flow then sits between the old flow and the visits."""
    settings = {"steps": 50, "maxRounds": 1, "kernelTests": False, "seed": 2, "discriminator": {"steps": 50}}
    env = mfgym.make_vec(LQ, num_envs=8, address=address, H=3, mean_field="fictitious", population="generative",
                         dtype="float64", timeout=300,
                         make_options={"fictitious_particles": 64, "population_samples": 200,
                                       "population_settings": settings})
    try:
        before = env.population_report()["mean"][:, 0]
        obs, _ = env.reset(seed=1)
        visits = [obs[:, 0].mean()]
        for _ in range(3):
            obs, *_ = env.step(np.full((8, 1), 5.0))
            visits.append(obs[:, 0].mean())
        u = env.update_population()
        assert {k: u[k] for k in ("iteration", "weight", "samples", "episodes")} == \
            {"iteration": 1, "weight": 0.5, "samples": 24, "episodes": 8}
        assert u["refit_kind"] == "generative" and u["refit_seconds"] > 0
        rep = env.population_report()
        assert rep["flow_kind"] == "generative"
        after = rep["mean"][:, 0]
        # The visits drift by 0.5 a step; the refitted flow's mean moves from the old one towards them.
        assert after[2] > before[2] + 0.2 and after[2] < visits[2]
    finally:
        env.close()


KNOWN_ADVISORIES = ("minimum value is -infinity", "maximum value is infinity",
                    "we recommend using a symmetric and normalized space")


@pytest.mark.skipif(not HAS_GYMNASIUM, reason="gymnasium is not importable")
@pytest.mark.parametrize("env_id,kwargs", [(LQ, {"H": 5}), ("CrowdAversionND-v0", {"d": 3, "H": 4}),
                                           ("Flocking-v0", {"H": 4, "neighbor_samples": 8, "population_samples": None})])
def test_gymnasiums_env_checker_passes_on_continuous_games(env_id, kwargs, address):
    """check_env with every warning an error, except Gymnasium's advisories about infinite Box bounds
    (the state space is R^d: infinite bounds are the truth) and about unnormalised action boxes (the
    games' own bounds); those are asserted to be the only warnings."""
    import gymnasium
    from gymnasium.utils.env_checker import check_env
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    opts = {"make_options": {"population_samples": 200}} if env_id == "Flocking-v0" else {}
    env = gymnasium.make(f"mfgym/{env_id}", address=address, **opts, **kwargs)
    try:
        assert isinstance(env.unwrapped, mfgym.MfgEnv)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_env(env.unwrapped)
        unexpected = [str(w.message) for w in caught if not any(a in str(w.message) for a in KNOWN_ADVISORIES)]
        assert unexpected == []
        assert any("minimum value is -infinity" in str(w.message) for w in caught)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            obs, _ = env.reset(seed=0)
            for _ in range(kwargs["H"]):
                obs, r, term, trunc, _ = env.step(env.action_space.sample())
            assert term and obs[-1] == kwargs["H"]
    finally:
        env.close()
    venv = gymnasium.make_vec(f"mfgym/{env_id}", num_envs=3, address=address, **opts, **kwargs)
    try:
        obs, _ = venv.reset(seed=1)
        assert obs.shape == (3,) + env.observation_space.shape
    finally:
        venv.close()


@pytest.mark.skipif(not HAS_GYMNASIUM, reason="gymnasium is not importable")
@pytest.mark.parametrize("env_id,kwargs", [(LQ, {"H": 5}), ("CrowdAversionND-v0", {"d": 3, "H": 4}),
                                           ("Flocking-v0", {"H": 4, "neighbor_samples": 8,
                                                            "make_options": {"population_samples": 200}})])
def test_the_continuous_vector_envs_pass_the_vector_checks_against_sync_vector_env(env_id, kwargs, address):
    from mfgym.vector_env_checker import check_vector_env
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_vector_env(env_id, address=address, num_envs=3, seed=2, **kwargs)


def test_the_registered_continuous_ids_are_the_servers_continuous_games(client):
    from mfgym.registration import BUILTIN_CONTINUOUS_ENV_IDS
    served = sorted(e["id"] for e in client.list_envs() if e["kind"] == "continuous")
    assert served == sorted(BUILTIN_CONTINUOUS_ENV_IDS)
    if HAS_GYMNASIUM:
        import gymnasium
        for env_id in served:
            assert gymnasium.spec(f"mfgym/{env_id}").kwargs == {"env_id": env_id}


def test_population_kinds_over_the_socket(address):
    """exact (the closed form), particles and generative flows of LQ: each made and read by the env."""
    _, var = lq_closed_form(5)
    for population, tol in (("exact", 1e-12), ("particles", 0.15), ("generative", 0.25)):
        env = mfgym.make_vec(LQ, num_envs=2, address=address, H=5, population=population, timeout=300,
                             make_options={"population_samples": 1000})
        try:
            env.reset(seed=0)
            obs, r, *_ = env.step(np.zeros((2, 1)))
            rep = env.population_report()
            assert rep["population"] == population and np.all(np.isfinite(r))
            assert np.all(np.abs(rep["variance"][:, 0] / var - 1) <= tol), (population, rep["variance"][:, 0], var)
            assert np.all(np.abs(rep["mean"][:, 0]) <= (1e-12 if population == "exact" else 0.2))
        finally:
            env.close()
    with pytest.raises(mfgym.MfgError) as e:
        mfgym.make_vec("Flocking-v0", num_envs=1, address=address, population="exact")
    assert e.value.code == "MFG_ERR_POPULATION_UNKNOWN_KIND"
