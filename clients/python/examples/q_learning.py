"""Tabular Q-learning that learns a mean-field equilibrium over the socket, in numpy.

An external agent, with nothing but the gym calls (reset, step, the action masks in infos,
update_population): N vectorised agents run epsilon-greedy Q-learning against the env's current
flow, and after each batch of episodes `update_population()` folds the states they visited into
the flow with fictitious-play weights 1/(k+1). The server never sees the policy. As the
exploration decays, the behaviour becomes the best response to the averaged flow, so the flow
follows fictitious play; the policy the run outputs is the policy of that averaged flow,
pi(a|s, t) = L_t(s, a) / mu_t(s), which the agent rebuilds from its own visits (and checks
against the server's population_report).

    npx mfgym serve &        # in the repository
    python3 clients/python/examples/q_learning.py --iterations 30 --policy-out /tmp/pi.json
    npx mfgym evaluate --env BeachBar-v0 --policy /tmp/pi.json   # its exact exploitability
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import mfgym  # noqa: E402


def q_learning_fp(address: str, env_id: str = "BeachBar-v0", iterations: int = 30, num_agents: int = 64,
                  episodes: int = 20, seed: int = 0) -> dict:
    """Runs the learner; returns the average policy [H, S, A] and what the server reported."""
    env = mfgym.make_vec(env_id, num_envs=num_agents, address=address, autoreset_mode="disabled",
                         mean_field="fictitious")
    rng = np.random.default_rng(seed)
    nvec = env.single_observation_space.nvec           # (state coordinates..., epoch)
    dims, H, A = tuple(int(n) for n in nvec[:-1]), int(env.horizon), int(env.single_action_space.n)
    S = int(np.prod(dims))
    q = np.zeros((H, S, A))
    legal = np.ones((S, A), dtype=bool)                # refined from the masks the env reports
    try:
        env.reset(seed=seed)
        # Fictitious play's average starts from the initial flow (the uniform policy's): its state
        # marginals come from the server, the actions are uniform over the legal ones.
        mu0 = np.asarray(env.population_report()["mu"], dtype=np.float64)
        avg_joint = mu0[:, :, None] * (legal / legal.sum(1, keepdims=True))[None]
        flow_error = 0.0
        for k in range(1, iterations + 1):
            eps = max(0.02, 1.0 / k)                   # exploration fades, so visits become a best response
            visits = np.zeros((H, S, A))
            n = np.zeros((H, S, A))                    # per-iteration counts: large steps on a new flow
            for e in range(episodes):
                obs, infos = env.reset()
                for t in range(H):
                    s = np.ravel_multi_index(tuple(obs[:, :-1].T), dims)
                    mask = np.asarray(infos["action_mask"], dtype=bool)
                    legal[s] = mask
                    greedy = np.where(mask, q[t, s], -np.inf)
                    # argmax with ties broken at random, then epsilon-greedy over the legal actions
                    best = np.array([rng.choice(np.flatnonzero(g == g.max())) for g in greedy])
                    explore = np.array([rng.choice(np.flatnonzero(m)) for m in mask])
                    a = np.where(rng.random(num_agents) < eps, explore, best)
                    obs, reward, terminated, _, infos = env.step(a)
                    s2 = np.ravel_multi_index(tuple(obs[:, :-1].T), dims) if t + 1 < H else None
                    next_mask = np.asarray(infos["action_mask"], dtype=bool)
                    for i in range(num_agents):        # finite horizon: no continuation after H-1
                        cont = 0.0 if t + 1 == H else np.max(q[t + 1, s2[i]][next_mask[i]])
                        n[t, s[i], a[i]] += 1
                        lr = max(0.01, n[t, s[i], a[i]] ** -0.7)
                        q[t, s[i], a[i]] += lr * (reward[i] + cont - q[t, s[i], a[i]])
                        visits[t, s[i], a[i]] += 1
                assert terminated.all()
            env.update_population()
            # The same FP rule the server applies (PROTOCOL.md): L <- (1 - w) L + w Lhat, w = 1/(k+1).
            w = 1.0 / (k + 1)
            avg_joint = (1 - w) * avg_joint + w * visits / visits.sum(axis=(1, 2), keepdims=True)
            server_mu = np.asarray(env.population_report()["mu"], dtype=np.float64)
            flow_error = max(flow_error, float(np.abs(avg_joint.sum(2) - server_mu).max()))
    finally:
        env.close()
    mu = avg_joint.sum(axis=2, keepdims=True)
    uniform = legal / legal.sum(1, keepdims=True)
    policy = np.where(mu > 0, avg_joint / np.where(mu > 0, mu, 1), uniform[None])
    return {"policy": policy, "q": q, "flow_error": flow_error, "env_kwargs": env.env_kwargs, "env_id": env_id}


def policy_file(result: dict) -> dict:
    """The policy in mfgym's policy-file format (what `mfgym evaluate --policy FILE` reads)."""
    H, S, A = result["policy"].shape
    return {"format": "mfgym-policy", "version": 1, "env": result["env_id"], "kwargs": result["env_kwargs"],
            "horizon": H, "populations": [{"name": "agents", "numStates": S, "numActions": A, "shape": [H, S, A],
                                           "data": result["policy"].ravel().tolist()}],
            "meta": {"algo": "python tabular Q-learning FP over the socket"}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--address", default=mfgym.DEFAULT_ADDRESS)
    ap.add_argument("--env", default="BeachBar-v0")
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--policy-out", help="write the average policy as an mfgym policy file")
    args = ap.parse_args()
    result = q_learning_fp(args.address, args.env, args.iterations, seed=args.seed)
    print(f"{args.iterations} iterations; agent's flow vs server's flow: max |diff| = {result['flow_error']:.2e}")
    if args.policy_out:
        Path(args.policy_out).write_text(json.dumps(policy_file(result)))
        print(f"policy written to {args.policy_out} (mfgym evaluate --env {args.env} --policy {args.policy_out})")


if __name__ == "__main__":
    main()
