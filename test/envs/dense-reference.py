"""Independent dense reference for the MFGLib-family games of DESIGN §2.

Written from the definitions in DESIGN.md §2 alone (numpy, float64, dense P[s, a, s'] tables,
no code shared with envs/), it prints the exploitability figures that
test/envs/dense-reference.test.ts holds as golden values:

    python3 test/envs/dense-reference.py

Two policies per case: the uniform one, and the "structured" one
pi_t(a | s) proportional to 1 + ((t + 2s + 3a) mod 5), which is not uniform, differs across
epochs and states, and is easy to write identically in both languages.
"""
import json

import numpy as np


def exploitability(H, mu0, reward, kernel, pi):
    """DESIGN §1: L = Gamma(pi); Q* and Q^pi by backward induction against L."""
    S, A = pi.shape[1], pi.shape[2]
    L = np.zeros((H, S, A))
    L[0] = mu0[:, None] * pi[0]
    for t in range(H - 1):
        L[t + 1] = np.einsum("sa,sak->k", L[t], kernel(t, L[t]))[:, None] * pi[t + 1]
    q_star = reward(H - 1, L[H - 1]).copy()
    q_pi = q_star.copy()
    for t in range(H - 2, -1, -1):
        P, r = kernel(t, L[t]), reward(t, L[t])
        q_star, q_pi = r + P @ q_star.max(1), r + P @ (pi[t + 1] * q_pi).sum(1)
    return float(mu0 @ q_star.max(1) - mu0 @ (pi[0] * q_pi).sum(1))


def policies(H, S, A):
    t, s, a = np.meshgrid(np.arange(H), np.arange(S), np.arange(A), indexing="ij")
    w = 1.0 + (t + 2 * s + 3 * a) % 5
    return {"uniform": np.full((H, S, A), 1.0 / A), "structured": w / w.sum(2, keepdims=True)}


def rock_paper_scissors(H=2):
    P = np.zeros((4, 3, 4))
    for a in range(3):
        P[:, a, 1 + a] = 1

    def reward(t, L):
        mu = L.sum(1)
        r = np.zeros((4, 3))
        r[1], r[2], r[3] = 2 * mu[3] - mu[2], 4 * mu[1] - 2 * mu[3], 6 * mu[2] - 3 * mu[1]
        return r

    return H, np.array([1.0, 0, 0, 0]), 3, reward, lambda t, L: P


def susceptible_infected(H=51):
    def kernel(t, L):
        infected = L.sum(1)[1]
        P = np.zeros((2, 2, 2))
        P[1, :, 0], P[1, :, 1] = 0.3, 0.7
        P[0, 0, 1], P[0, 0, 0] = 0.81 * infected, 1 - 0.81 * infected
        P[0, 1, 0] = 1
        return P

    r = np.array([[0, -0.5], [-1, -1.5]])
    return H, np.array([0.4, 0.6]), 2, lambda t, L: r, kernel


def beach_bar(n=4, bar=2, H=3, p_still=0.5, eps=1e-20):
    P = np.zeros((n, 3, n))
    noise = [(1 - p_still) / 2, p_still, (1 - p_still) / 2]
    for s in range(n):
        for a in range(3):
            for e in (-1, 0, 1):
                P[s, a, min(max(s + a - 1 + e, 0), n - 1)] += noise[e + 1]
    d = np.array([min((s - bar) % n, (bar - s) % n) for s in range(n)], dtype=float)
    moved = np.array([1.0, 0.0, 1.0]) / n
    reward = lambda t, L: -d[:, None] - moved[None, :] - np.log(L.sum(1) + eps)[:, None]
    return H, np.full(n, 1 / n), 3, reward, lambda t, L: P


def conservative_treasure_hunting(n=3, H=6, r=(1, 1, 1), c=(1, 1, 1, 1, 1)):
    def dist(L, s):
        E = np.zeros((n, n))
        E[s, s] = 1
        return ((L - E) ** 2).sum()

    def kernel(t, L):
        P = np.zeros((n, n, n))
        for s in range(n):
            for a in range(n):
                if t == 0:
                    P[s, a, a] = 1
                    continue
                kD = c[t - 1] * dist(L, s)
                P[s, a, :] = kD / (1 + n * kD)
                P[s, a, a] += 1 / (1 + n * kD)
        return P

    def reward(t, L):
        out = np.zeros((n, n))
        if t > 0:
            for s in range(n):
                out[s, s] = r[s] * (1 - dist(L, s) / 2)
        return out

    return H, np.full(n, 1 / n), n, reward, kernel


def linear_quadratic(el=5, m=2, sigma=3.0, delta=0.1, k=1.0, q=0.01, kappa=0.5, c_term=1.0, H=4):
    S, A = 2 * el + 1, 2 * m + 1
    xs, us = np.arange(-el, el + 1), np.arange(-m, m + 1)
    eps = np.arange(-3, 4) * sigma
    w = np.exp(-eps ** 2 / 2)
    w /= w.sum()

    def kernel(t, L):
        mt = xs @ L.sum(1)
        P = np.zeros((S, A, S))
        for s in range(S):
            for a in range(A):
                for e, p in zip(eps, w):
                    y = np.float32(xs[s] + (k * (mt - xs[s]) + us[a]) * delta + sigma * e * np.sqrt(delta))
                    P[s, a, int(min(max(np.round(y), -el), el)) + el] += p  # numpy rounds ties to even
        return P

    def reward(t, L):
        gap = (xs @ L.sum(1) - xs)[:, None]
        if t == H - 1:
            return np.repeat(-c_term * gap ** 2 / 2, A, 1)
        return delta * (-us[None, :] ** 2 / 2 + q * us[None, :] * gap - kappa * gap ** 2 / 2)

    return H, np.full(S, 1 / S), A, reward, kernel


def equilibrium_price(s_inv=3, Q=2, Hr=2, d=1.0, e0=1.0, sigma=1.0, c=(1, 1, 1, 1, 1), H=5):
    S, A = s_inv + 1, (Q + 1) * (Hr + 1)
    qa, ha = np.arange(A) // (Hr + 1), np.arange(A) % (Hr + 1)
    P = np.zeros((S, A, S))
    for s in range(S):
        for a in range(A):
            P[s, a, min(s - min(qa[a], s) + ha[a], s_inv)] = 1
    ss = np.arange(S)[:, None]

    def reward(t, L):
        price = (d / ((L * qa[None, :]).sum() + e0)) ** (1 / sigma)
        return (price - c[0]) * qa - c[1] * qa ** 2 - c[2] * ha - (c[2] + c[3]) * np.maximum(qa - ss, 0) - c[4] * ss

    return H, np.full(S, 1 / S), A, reward, lambda t, L: P


def building_evacuation(floors=5, L=10, W=10, H=4, eta=1.0, evac_r=10.0, eps=1e-20):
    S = floors * L * W
    P = np.zeros((S, 6, S))
    at = lambda f, l, w: (f * L + l) * W + w
    for f in range(floors):
        for l in range(L):
            for w in range(W):
                s = at(f, l, w)
                P[s, 0, at(f, min(l + 1, L - 1), w)] = 1
                P[s, 1, at(f, max(l - 1, 0), w)] = 1
                P[s, 2, at(f, l, max(w - 1, 0))] = 1
                P[s, 3, at(f, l, min(w + 1, W - 1))] = 1
                P[s, 4, at(max(f - 1, 0) if (l, w) == (0, 0) else f, l, w)] = 1
                P[s, 5, at(min(f + 1, floors - 1) if (l, w) == (L - 1, W - 1) else f, l, w)] = 1
    ground = np.where(np.arange(S) < L * W, evac_r, 0.0)
    reward = lambda t, Lt: np.repeat((-eta * np.log(np.maximum(Lt.sum(1), eps)) + ground)[:, None], 6, 1)
    return H, np.full(S, 1 / S), 6, reward, lambda t, Lt: P


def crowd_motion(barPath, l=20, w=20, H=4, c=10.0, eps=1e-10, p_still=0.5):
    S = l * w
    moves = [(1, 0), (-1, 0), (0, 1), (0, -1), (0, 0)]
    noise = [(1 - p_still) / 4] * 4 + [p_still]
    P = np.zeros((S, 5, S))
    for x in range(l):
        for y in range(w):
            for a, (ax, ay) in enumerate(moves):
                for (nx, ny), p in zip(moves, noise):
                    P[x * w + y, a, min(max(x + ax + nx, 0), l - 1) * w + min(max(y + ay + ny, 0), w - 1)] += p
    xs, ys = np.arange(S) // w, np.arange(S) % w

    def reward(t, L):
        bx, by = barPath[t]
        return np.repeat((c * (1 - (abs(xs - bx) + abs(ys - by)) / (l + w)) - np.log(L.sum(1) + eps))[:, None], 5, 1)

    return H, np.full(S, 1 / S), 5, reward, lambda t, L: P


CASES = [
    ("RockPaperScissors-v0", {}, rock_paper_scissors),
    ("RockPaperScissors-v0", {"H": 4}, rock_paper_scissors),
    ("SusceptibleInfected-v0", {}, susceptible_infected),
    ("BeachBar-v0", {}, beach_bar),
    ("BeachBar-v0", {"n": 7, "bar": 0, "H": 5, "p_still": 0.2}, beach_bar),
    ("ConservativeTreasureHunting-v0", {}, conservative_treasure_hunting),
    ("ConservativeTreasureHunting-v0", {"n": 4, "H": 4, "r": [1, 2, 0.5, 3], "c": [0.5, 2, 0]}, conservative_treasure_hunting),
    ("LinearQuadratic-v0", {}, linear_quadratic),
    ("LinearQuadratic-v0", {"el": 3, "m": 2, "sigma": 0.5, "delta": 0.25, "k": 0, "q": 0.1, "kappa": 0.7, "c_term": 2, "H": 6}, linear_quadratic),
    ("LinearQuadratic-v0", {"el": 4, "m": 1, "sigma": 1, "delta": 0.25, "k": 0.5, "H": 5}, linear_quadratic),
    ("EquilibriumPrice-v0", {}, equilibrium_price),
    ("EquilibriumPrice-v0", {"s_inv": 4, "Q": 3, "Hr": 1, "d": 2, "e0": 0.5, "sigma": 2, "c": [0.3, 0.2, 0.1, 0.4, 0.05], "H": 4}, equilibrium_price),
    ("BuildingEvacuation-v0", {}, building_evacuation),
    ("BuildingEvacuation-v0", {"floors": 3, "L": 2, "W": 3, "H": 6, "eta": 0.7, "evac_r": 3}, building_evacuation),
    ("CrowdMotion-v0", {"barPath": [[10, 10], [10, 10], [9, 11], [9, 11]]}, crowd_motion),
    ("CrowdMotion-v0", {"l": 4, "w": 3, "H": 5, "c": 2, "p_still": 0.3, "barPath": [[0, 0], [1, 2], [3, 1], [2, 2], [0, 1]]}, crowd_motion),
]

if __name__ == "__main__":
    rows = []
    for env, kwargs, build in CASES:
        H, mu0, A, reward, kernel = build(**kwargs)
        figures = {name: exploitability(H, mu0, reward, kernel, pi) for name, pi in policies(H, mu0.shape[0], A).items()}
        rows.append({"env": env, "kwargs": kwargs, **figures})
    print(json.dumps(rows, indent=1))
