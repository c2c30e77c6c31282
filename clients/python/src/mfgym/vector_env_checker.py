"""Checks of an mfgym vector env against Gymnasium's own vector semantics.

Gymnasium 1.4.0 ships a checker for single envs (``gymnasium.utils.env_checker.check_env``) but
none for vector envs; what it has instead is its test suite (``tests/vector/test_vector_env.py``,
``test_autoreset_mode.py``), which holds every vector env to the behaviour of ``SyncVectorEnv``.
``check_vector_env`` runs those checks on a served game, with Gymnasium's ``SyncVectorEnv`` over
N one-agent sessions of the same game as the reference:

- metadata: ``autoreset_mode`` is the AutoresetMode member, given as member or value
  (test_autoreset_metadata);
- spaces: ``num_envs``, the single and batched observation and action spaces equal the
  reference's (test_vector_env_equal);
- seeding: ``np_random_seed`` is ``(s, s + 1, ...)`` after ``reset(seed=s)`` and an unseeded
  reset keeps it (test_random_seeding_basics);
- next_step and same_step autoreset: reset and steps equal the reference's bit for bit
  (``data_equivalence(..., exact=True)``: observations, rewards, terminations, truncations and
  infos with their ``_key`` masks and dtypes) through the first episode; after it, where the two
  reset with seeds each derives its own way, the same terminations, truncations, info keys, masks
  and dtypes, observations in the space, next_step's reset step with reward 0 and a reset's info,
  same_step's final_obs in the single space (test_vector_env_equal,
  test_autoreset_next_step / test_autoreset_within_step, test_final_obs_info);
- disabled autoreset: stepping an ended agent is refused by both; partial resets with a
  ``reset_mask`` and a seed list equal the reference's, obs and infos (test_autoreset_disabled,
  test_partial_reset); a mask of the wrong type, shape or dtype raises what the reference raises
  (test_partial_reset_failure);
- determinism: the same seed and actions give the same results, autoresets included;
- ``close`` twice is harmless.

Each failure is an AssertionError naming the check, the mode and the step.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

MODES = ("next_step", "same_step", "disabled")


def _gym() -> Any:
    try:
        import gymnasium
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("check_vector_env needs gymnasium (it compares with gymnasium.vector.SyncVectorEnv)") from e
    return gymnasium


def _structure(infos: Dict[str, Any]) -> Dict[str, Any]:
    """Keys, dtypes, shapes and every mask of a vector info dict: what must match even where values may not."""
    out: Dict[str, Any] = {}
    for k, v in infos.items():
        if isinstance(v, dict):
            out[k] = _structure(v)
        elif k.startswith("_"):
            out[k] = np.asarray(v).tolist()
        else:
            a = np.asarray(v)
            out[k] = (str(a.dtype), a.shape)
    return out


def _run(env: Any, seed: int, actions: List[Any]) -> List[Tuple[Any, ...]]:
    out: List[Tuple[Any, ...]] = [env.reset(seed=seed)]
    for a in actions:
        out.append(env.step(a))
    return out


def check_vector_env(env_id: str, *, address: Optional[str] = None, num_envs: int = 3, seed: int = 0,
                     num_steps: Optional[int] = None, **env_kwargs: Any) -> None:
    """Runs the checks above on ``mfgym/<env_id>`` served at ``address`` (default: MFGYM_ADDRESS).

    ``num_steps`` defaults to the first episode, its autoreset and two more steps (H + 3)."""
    gym = _gym()
    from gymnasium.utils.env_checker import data_equivalence
    from gymnasium.vector import AutoresetMode

    gid = env_id if env_id.startswith("mfgym/") else f"mfgym/{env_id}"

    def ours(mode: Any) -> Any:
        return gym.make_vec(gid, num_envs=num_envs, address=address, autoreset_mode=mode, **env_kwargs)

    def reference(mode: Any) -> Any:
        return gym.make_vec(gid, num_envs=num_envs, vectorization_mode="sync", address=address,
                            vector_kwargs={"autoreset_mode": AutoresetMode[mode.upper()]}, **env_kwargs)

    def equivalent(a: Any, b: Any, what: str) -> None:
        assert data_equivalence(a, b, exact=True), f"{gid}: {what} differs from SyncVectorEnv's:\n  ours {a!r}\n  sync {b!r}"

    for mode in MODES:
        member = AutoresetMode[mode.upper()]
        for given in (member, member.value):
            env = ours(given)
            try:
                assert env.metadata["autoreset_mode"] == member, f"{gid}: metadata autoreset_mode for {given!r}"
            finally:
                env.close()

    for mode in ("next_step", "same_step"):
        a, b = ours(mode), reference(mode)
        try:
            _check_spaces(gid, a, b)
            horizon = int(a.unwrapped.horizon)
            steps = num_steps if num_steps is not None else horizon + 3
            a.action_space.seed(seed)
            actions = [a.action_space.sample() for _ in range(steps)]
            run_a, run_b = _run(a, seed, actions), _run(b, seed, actions)
            assert a.unwrapped.np_random_seed == b.unwrapped.np_random_seed == tuple(seed + i for i in range(num_envs)), \
                f"{gid}: np_random_seed after reset(seed={seed}): {a.unwrapped.np_random_seed}"
            # The autoreset step (same_step: step H, next_step: step H + 1) resets with seeds each env
            # derives its own way: there and after, what does not depend on the new initial states.
            autoreset_step = horizon if mode == "same_step" else horizon + 1
            for k, (ra, rb) in enumerate(zip(run_a, run_b)):
                where = f"{mode}, {'reset' if k == 0 else f'step {k}'}"
                if k < autoreset_step:
                    equivalent(ra, rb, where)
                    continue
                if k == autoreset_step:
                    equivalent(ra[1:4], rb[1:4], f"{where}: rewards/terminations/truncations")
                    finals = ("final_obs", "_final_obs", "final_info", "_final_info")
                    equivalent({f: ra[-1][f] for f in finals if f in ra[-1]}, {f: rb[-1][f] for f in finals if f in rb[-1]},
                               f"{where}: final_obs/final_info")
                equivalent(ra[2:4], rb[2:4], f"{where}: terminations/truncations")
                assert _structure(ra[-1]) == _structure(rb[-1]), f"{gid}: {where}: info layout {_structure(ra[-1])} vs {_structure(rb[-1])}"
                assert ra[0] in a.observation_space, f"{gid}: {where}: obs outside observation_space"
            _check_autoreset_step(gid, mode, run_a, horizon, a)
            a.reset()
            assert a.unwrapped.np_random_seed == tuple(seed + i for i in range(num_envs)), f"{gid}: an unseeded reset changed np_random_seed"
            again = ours(mode)
            try:
                again.action_space.seed(seed)
                equivalent(_run(again, seed, actions), run_a, f"{mode}: a second run with the same seed and actions")
            finally:
                again.close()
        finally:
            a.close()
            b.close()
            a.close()  # twice: harmless

    _check_disabled(gid, ours("disabled"), reference("disabled"), seed, num_envs, equivalent)


def _check_spaces(gid: str, a: Any, b: Any) -> None:
    for name in ("num_envs", "observation_space", "single_observation_space", "action_space", "single_action_space"):
        assert getattr(a, name) == getattr(b, name), f"{gid}: {name} {getattr(a, name)} vs SyncVectorEnv's {getattr(b, name)}"


def _check_autoreset_step(gid: str, mode: str, run: List[Tuple[Any, ...]], horizon: int, env: Any) -> None:
    """Every MFG episode ends at t = H for all agents together; what the autoreset must look like."""
    end = run[horizon]
    assert (end[2] | end[3]).all(), f"{gid}: {mode}: the episode did not end at step H = {horizon}"
    if mode == "next_step":
        obs, rew, term, trunc, infos = run[horizon + 1]
        assert not (term | trunc).any() and np.all(rew == 0), f"{gid}: next_step: the reset step must have reward 0"
        assert np.all(infos["t"] == 0) and "illegal_action" not in infos, f"{gid}: next_step: the reset step's info is a reset's"
    else:
        infos = end[-1]
        assert infos["_final_obs"].all() and infos["_final_info"].all(), f"{gid}: same_step: final_obs/final_info masks"
        for i, o in enumerate(infos["final_obs"]):
            assert o in env.single_observation_space, f"{gid}: same_step: final_obs[{i}] outside single_observation_space"
        assert np.all(infos["t"] == 0), f"{gid}: same_step: the top-level info of an ended agent is its reset's"


def _check_disabled(gid: str, a: Any, b: Any, seed: int, n: int, equivalent: Callable[[Any, Any, str], None]) -> None:
    try:
        horizon = int(a.unwrapped.horizon)
        a.action_space.seed(seed)
        actions = [a.action_space.sample() for _ in range(horizon)]
        run_a, run_b = _run(a, seed, actions), _run(b, seed, actions)
        equivalent(run_a, run_b, "disabled: the first episode")
        for env, name in ((a, "ours"), (b, "SyncVectorEnv")):
            try:
                env.step(actions[0])
            except Exception:
                pass
            else:
                raise AssertionError(f"{gid}: disabled: {name} stepped an ended agent without a reset")
        mask = np.zeros(n, dtype=np.bool_)
        mask[::2] = True
        seeds = [seed + 100 + i for i in range(n)]
        equivalent(a.reset(seed=seeds, options={"reset_mask": mask}), b.reset(seed=seeds, options={"reset_mask": mask}),
                   "disabled: a partial reset")
        equivalent(a.reset(seed=seeds, options={"reset_mask": ~mask}) if (~mask).any() else None,
                   b.reset(seed=seeds, options={"reset_mask": ~mask}) if (~mask).any() else None, "disabled: the other agents' reset")
        equivalent(a.step(actions[0]), b.step(actions[0]), "disabled: the step after the partial resets")
        for bad in (mask.tolist(), mask[:1], mask.astype(np.int64), np.zeros(n, dtype=np.bool_)):
            errors = []
            for env in (a, b):
                try:
                    env.reset(options={"reset_mask": bad})
                except Exception as e:  # the exception types are the check
                    errors.append(type(e))
                else:
                    errors.append(None)
            assert errors[0] is not None and errors[0] == errors[1], f"{gid}: reset_mask {bad!r}: raised {errors[0]} vs SyncVectorEnv's {errors[1]}"
    finally:
        a.close()
        b.close()
