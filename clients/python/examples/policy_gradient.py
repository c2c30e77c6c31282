"""A policy-gradient agent for a continuous mean-field game over the socket, in numpy.

An external agent with nothing but the Gymnasium-style vector calls (reset, step) learns a best
response in LinearQuadraticContinuous-v0 (the systemic-risk LQ game; actions are Box [-10, 10]):
N vectorised agents play a Gaussian policy against the env's flow (mean-field mode `fixed`, the
closed-form equilibrium flow by default), and after each batch the policy moves along the
REINFORCE gradient with a baseline (an actor-critic without a network):

    policy   a ~ N(-(k(t) x + b(t)), sigma^2)   gain and offset quadratic in t/H (6 parameters)
    critic   V_t(x) ~ c0_t + c1_t x + c2_t x^2  a least-squares fit of the return-to-go per epoch
    update   theta += Adam( mean_i (G_t,i - V_t(x_t,i)) grad log pi(a_t,i | x_t,i) )

Against the equilibrium flow the best response is the equilibrium control itself,
a = (q + eta_t)(m - x), so the learned gains can be compared with the closed form, and the learned
value with the closed form's (printed at the end).

    npx mfgym serve &        # in the repository
    python3 clients/python/examples/policy_gradient.py --iterations 60
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import mfgym  # noqa: E402

ENV_ID = "LinearQuadraticContinuous-v0"


def closed_form_gains(horizon: int, dt=0.1, K=0.0, q=0.01, kappa=0.5, c=1.0) -> np.ndarray:
    """q + eta_t of the closed-form equilibrium control (DESIGN.md §2, Carmona, Fouque and Sun 2015)."""
    root = math.sqrt((K + q) ** 2 + kappa - q * q)
    dp, dm = -(K + q) + root, -(K + q) - root
    gains = []
    for k in range(horizon):
        e = math.exp((dp - dm) * (horizon * dt - k * dt))
        gains.append(q + (-(kappa - q * q) * (e - 1) - c * (dp * e - dm)) / ((dm * e - dp) - c * (e - 1)))
    return np.array(gains)


def play(env, gain, offset, sigma, rng, seed=None):
    """One batch of N agent-episodes: states [H, N], actions [H, N], rewards [H, N]."""
    obs, _ = env.reset(seed=seed)
    horizon = len(gain)
    xs, acts, rews = [], [], []
    for t in range(horizon):
        x = obs[:, 0].astype(np.float64)          # an observation row is (x, t)
        mean = -(gain[t] * x + offset[t])
        a = mean + sigma * rng.standard_normal(x.shape) if sigma > 0 else mean
        obs, r, terminated, truncated, _ = env.step(np.clip(a, -10, 10)[:, None])
        xs.append(x), acts.append(a), rews.append(np.asarray(r, dtype=np.float64))
    assert terminated.all()                       # every episode lasts exactly H steps
    return np.array(xs), np.array(acts), np.array(rews)


def evaluate(env, gain, offset, batches, seed):
    """Mean return and standard error of the deterministic policy (sigma = 0), with fixed seeds."""
    returns = np.concatenate([play(env, gain, offset, 0.0, None, seed=seed + 1000 * b)[2].sum(0) for b in range(batches)])
    return float(returns.mean()), float(returns.std(ddof=1) / math.sqrt(len(returns)))


class Adam:
    def __init__(self, shape, lr):
        self.m, self.v, self.k, self.lr = np.zeros(shape), np.zeros(shape), 0, lr

    def step(self, grad):                          # ascent on the objective
        self.k += 1
        self.m = 0.9 * self.m + 0.1 * grad
        self.v = 0.999 * self.v + 0.001 * grad ** 2
        return self.lr * (self.m / (1 - 0.9 ** self.k)) / (np.sqrt(self.v / (1 - 0.999 ** self.k)) + 1e-8)


def policy_gradient(address: str, iterations: int = 60, num_agents: int = 128, horizon: int = 20,
                    sigma: float = 0.3, lr: float = 0.05, eval_batches: int = 4, seed: int = 0) -> dict:
    env = mfgym.make_vec(ENV_ID, num_envs=num_agents, address=address, autoreset_mode="disabled",
                         mean_field="fixed", dtype="float64", H=horizon)
    rng = np.random.default_rng(seed)
    tau = np.arange(horizon) / horizon
    psi = np.stack([np.ones(horizon), tau, tau * tau])   # time features [3, H]
    theta = np.zeros((2, 3))                       # rows: gain, offset coefficients; starts at a = 0
    adam = Adam(theta.shape, lr)
    try:
        zero = evaluate(env, *(theta @ psi), eval_batches, seed=7)
        history = []
        env.reset(seed=seed)
        for it in range(iterations):
            gain, offset = theta @ psi
            x, a, r = play(env, gain, offset, sigma, rng)
            g = np.cumsum(r[::-1], axis=0)[::-1]   # return-to-go G_t (finite horizon, no discount)
            feats = np.stack([np.ones_like(x), x, x * x], axis=-1)          # critic features [H, N, 3]
            adv = np.empty_like(g)
            for t in range(horizon):
                coef, *_ = np.linalg.lstsq(feats[t], g[t], rcond=None)
                adv[t] = g[t] - feats[t] @ coef
            adv /= adv.std() + 1e-8
            # grad log N(a; mu, sigma^2) wrt mu is (a - mu)/sigma^2, and mu = -(k(t) x + b(t))
            score = adv * (a + gain[:, None] * x + offset[:, None]) / sigma ** 2          # [H, N]
            grad = np.stack([psi @ (score * -x).mean(1), psi @ (score * -1).mean(1)])
            theta += adam.step(grad)
            history.append(float(r.sum(0).mean()))
        gain, offset = theta @ psi
        learned = evaluate(env, gain, offset, eval_batches, seed=7)
        best = closed_form_gains(horizon)
        reference = evaluate(env, best, np.zeros(horizon), eval_batches, seed=7)
    finally:
        env.close()
    return {"gain": gain, "offset": offset, "closed_form_gain": best, "returns": history,
            "value": learned, "zero_control_value": zero, "closed_form_value": reference}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--address", default="tcp://127.0.0.1:5555")
    p.add_argument("--iterations", type=int, default=60)
    p.add_argument("--agents", type=int, default=128)
    p.add_argument("--horizon", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    out = policy_gradient(args.address, args.iterations, args.agents, args.horizon, seed=args.seed)
    for name in ("zero_control_value", "value", "closed_form_value"):
        print(f"{name:>20}: {out[name][0]:.4f} ± {out[name][1]:.4f}")
    print("gains (learned / closed form) at t = 0, H/2, H-2:",
          ", ".join(f"{out['gain'][t]:.3f}/{out['closed_form_gain'][t]:.3f}" for t in (0, args.horizon // 2, args.horizon - 2)))


if __name__ == "__main__":
    main()
