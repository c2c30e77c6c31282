"""Independent reference for the OpenSpiel-family games of issue #11 (PredatorPrey, CrowdAvoidance,
DynamicRouting), written from OpenSpiel's published state machines (python/mfg/games/
predator_prey.py, crowd_avoidance.py, dynamic_routing.py) and mfgym's documented departures
(wall moves masked in CrowdAvoidance), with no code shared with envs/. It prints the golden values
test/envs/multi-population-reference.test.ts holds:

    python3 test/envs/multi-population-reference.py

Grids: dense numpy tables per population, positions as OpenSpiel's (x, y) arrays. Routing: no
state table at all; vehicles are OpenSpiel-style tuples (location, waiting time, arrival time)
walked forward through decision and mean-field nodes (waiting time -1 = "not assigned", the
volume summed over the mean-field node's support), and valued by recursion on the terminal
return -arrival_time * time_step_length.

Two policies per case: uniform over the legal actions, and the "structured" one, proportional to
1 + ((t + 2s + 3a + p) mod 5) on legal actions (s the cell y*size + x, p the population); for
routing s is the index of the vehicle's link.
"""
import json
import math

import numpy as np

MOVES = [(0, 0), (1, 0), (0, 1), (0, -1), (-1, 0)]


# ----------------------------------------------------------------------------------------------
# Grid games: several populations, static kernels, rewards read every population's mu_t.


def grid_exploitability(H, mu0s, legals, kernel, reward, pis):
    n = len(mu0s)
    L = [np.zeros((H,) + pis[p].shape[1:]) for p in range(n)]
    for p in range(n):
        L[p][0] = mu0s[p][:, None] * pis[p][0]
    for t in range(H - 1):
        for p in range(n):
            L[p][t + 1] = np.einsum("sa,sak->k", L[p][t], kernel)[:, None] * pis[p][t + 1]
    total = 0.0
    for p in range(n):
        mus = lambda t: [L[q][t].sum(1) for q in range(n)]
        masked_max = lambda q: np.where(legals[p], q, -np.inf).max(1)
        q_star = reward(p, mus(H - 1)).copy()
        q_pi = q_star.copy()
        for t in range(H - 2, -1, -1):
            r = reward(p, mus(t))
            q_star, q_pi = r + kernel @ masked_max(q_star), r + kernel @ (pis[p][t + 1] * q_pi).sum(1)
        total += float(mu0s[p] @ masked_max(q_star) - mu0s[p] @ (pis[p][0] * q_pi).sum(1))
    return total


def grid_policies(H, S, legals):
    out = {"uniform": [], "structured": []}
    for p, legal in enumerate(legals):
        u = np.broadcast_to(legal / legal.sum(1, keepdims=True), (H, S, 5)).copy()
        t, s, a = np.meshgrid(np.arange(H), np.arange(S), np.arange(5), indexing="ij")
        w = (1.0 + (t + 2 * s + 3 * a + p) % 5) * legal[None]
        out["uniform"].append(u)
        out["structured"].append(w / w.sum(2, keepdims=True))
    return out


def grid_kernel(size, forbidden, noise, torus=False):
    """OpenSpiel update_pos: a forbidden candidate stays put, else wrap (torus) or clip (square)."""

    def update(pos, m):
        cand = (pos[0] + MOVES[m][0], pos[1] + MOVES[m][1])
        if cand in forbidden:
            return pos
        if torus:
            return (cand[0] % size, cand[1] % size)
        return (min(max(cand[0], 0), size - 1), min(max(cand[1], 0), size - 1))

    S = size * size
    P = np.zeros((S, 5, S))
    chance = [1 - noise] + [noise / 4] * 4
    for s in range(S):
        pos = (s % size, s // size)
        for a in range(5):
            mid = update(pos, a)
            for m in range(5):
                end = update(mid, m)
                P[s, a, end[1] * size + end[0]] += chance[m]
    return P


def predator_prey(populations=3, size=5, H=None, noise=0.8, congestion=1.0, torus=False):
    M = {3: [[0, -1, 1], [1, 0, -1], [-1, 1, 0]], 4: [[0, 1, 0, -1], [-1, 0, 1, 0], [0, -1, 0, 1], [1, 0, -1, 0]]}[populations]
    M = np.array(M, dtype=float)
    H = H or (10 if populations == 3 else 20)
    e = size - 1
    corners = {3: [(0, 0), (e, 0), (0, e)], 4: [(0, 0), (0, e), (e, e), (e, 0)]}[populations]
    S = size * size
    mu0s = []
    for x, y in corners:
        mu0 = np.zeros(S)
        mu0[y * size + x] = 1
        mu0s.append(mu0)
    legals = [np.ones((S, 5))] * populations
    P = grid_kernel(size, set(), noise, torus)

    def reward(p, mus):
        dens = np.array(mus)  # [population, cell]
        r = -congestion * np.log(dens[p] + 1e-25) + M[p] @ dens
        return np.repeat(r[:, None], 5, axis=1)

    return H, mu0s, legals, P, reward


AVOIDANCE_GRID = ["#######", "#  #  #", "#     #", "#  #  #", "#     #", "#  #  #", "#######"]


def crowd_avoidance(H=10, noise=0.5, coef_congestion=0.0, coef_target=1.0, torus=False):
    size = 7
    forbidden = {(x, y) for y, row in enumerate(AVOIDANCE_GRID) for x, c in enumerate(row) if c == "#"}
    S = size * size
    # OpenSpiel _DEFAULT_INIT_DISTRIB: rows are y, columns x.
    init = [{(1, 2): 0.4, (2, 2): 0.4, (1, 4): 0.2}, {(5, 2): 0.2, (4, 4): 0.4, (5, 4): 0.4}]
    mu0s = []
    for cells in init:
        mu0 = np.zeros(S)
        for (x, y), w in cells.items():
            mu0[y * size + x] = w
        mu0s.append(mu0)
    legal = np.zeros((S, 5))
    for s in range(S):
        x, y = s % size, s // size
        for a, (dx, dy) in enumerate(MOVES):
            legal[s, a] = (a == 0) if (x, y) in forbidden else ((x + dx, y + dy) not in forbidden)
    C = np.array([[0, 1], [1, 0]], dtype=float)
    targets = [(5, 3), (1, 3)]
    P = grid_kernel(size, forbidden, noise, torus)

    def reward(p, mus):
        dens = np.array(mus)
        r = -coef_congestion * (C[p] @ dens)
        tx, ty = targets[p]
        r[ty * size + tx] += coef_target
        return np.repeat(r[:, None], 5, axis=1)

    return H, mu0s, [legal, legal], P, reward


# ----------------------------------------------------------------------------------------------
# Routing: OpenSpiel's state machine on tuples, Braess and line networks.

BRAESS = {
    "links": [("O", "A", 0, 0), ("A", "B", 1, 1), ("A", "C", 2, 0), ("B", "C", 0.25, 0), ("B", "D", 2, 0), ("C", "D", 1, 1), ("D", "E", 0, 0)],
    "capacity": 5,
    "origin": 0,
    "destination": 6,
    "vehicles": 5,
}
LINE = {
    "links": [("bef_O", "O", 1, 0), ("O", "A", 1, 0), ("A", "D", 1, 0), ("D", "aft_D", 1, 0)],
    "capacity": 1,
    "origin": 0,
    "destination": 3,
    "vehicles": 100,
}


def routing(net, T, ts):
    links = net["links"]
    succ = [[j for j, m in enumerate(links) if m[0] == l[1]] for l in links]

    def travel_time(l, volume):
        _, _, t0, a = links[l]
        return t0 * (1.0 + a * (volume / net["capacity"]) ** 1.0)

    def legal(state):
        loc, w, arrived = state
        if arrived is not None or w > 0 or not succ[loc]:
            return [0]
        return [1 + j for j in succ[loc]]

    def act(state, a, t):
        """Decision node at time t: the state at the next mean-field node (waiting -1: unassigned)."""
        loc, w, arrived = state
        if arrived is not None:
            return state
        if w > 0:
            return (loc, w - 1, None)
        new = a - 1
        if new == net["destination"]:
            return (new, 0, t)
        if not succ[new]:
            return (new, 0, T + 1)
        return (new, -1, None)

    def assign(state, volumes):
        loc, w, arrived = state
        if arrived is None and w == -1:
            return (loc, max(0, int(travel_time(loc, volumes.get(loc, 0.0)) / ts) - 1), None)
        return state

    def flow(pi):
        """Distribution over decision-node states at t = 0..T-1 (dicts), and each epoch's volumes."""
        dist = [{(net["origin"], 0, None): 1.0}]
        vols = []
        for t in range(T - 1):
            mf = {}
            for state, m in dist[t].items():
                for a, pa in pi(t, state).items():
                    if pa > 0:
                        nxt = act(state, a, t)
                        mf[nxt] = mf.get(nxt, 0.0) + m * pa
            volumes = {}
            for (loc, w, arrived), m in mf.items():
                if arrived is None and -1 <= w <= T - 1:
                    volumes[loc] = volumes.get(loc, 0.0) + m
            volumes = {l: net["vehicles"] * v for l, v in volumes.items()}
            vols.append(volumes)
            nxt_dist = {}
            for state, m in mf.items():
                s2 = assign(state, volumes)
                nxt_dist[s2] = nxt_dist.get(s2, 0.0) + m
            dist.append(nxt_dist)
        return dist, vols

    def values(pi, vols):
        best, mine = {}, {}

        def ret(arrived):
            return -(arrived if arrived is not None else T + 1) * ts

        def step(t, state, a):
            nxt = act(state, a, t)
            return nxt if t == T - 1 else assign(nxt, vols[t])

        def v(t, state, which):
            if t == T:
                return ret(state[2])
            memo = best if which == "best" else mine
            key = (t, state)
            if key not in memo:
                qs = {a: v(t + 1, step(t, state, a), which) for a in legal(state)}
                memo[key] = max(qs.values()) if which == "best" else sum(p * qs[a] for a, p in pi(t, state).items() if p > 0)
            return memo[key]

        s0 = (net["origin"], 0, None)
        return v(0, s0, "best"), v(0, s0, "policy")

    def uniform(t, state):
        acts = legal(state)
        return {a: 1.0 / len(acts) for a in acts}

    def structured(t, state):
        acts = legal(state)
        w = {a: 1.0 + (t + 2 * state[0] + 3 * a) % 5 for a in acts}
        z = sum(w.values())
        return {a: x / z for a, x in w.items()}

    out = {}
    for name, pi in (("uniform", uniform), ("structured", structured)):
        _, vols = flow(pi)
        b, p = values(pi, vols)
        out[name] = (b - p, p)
    return out


CASES = [
    ("PredatorPrey-v0", {"H": 4}, lambda: predator_prey(H=4)),
    ("PredatorPrey-v0", {"populations": 4, "H": 3, "size": 4}, lambda: predator_prey(populations=4, H=3, size=4)),
    ("PredatorPrey-v0", {"H": 3, "geometry": "torus", "noise_probability": 0.3}, lambda: predator_prey(H=3, torus=True, noise=0.3)),
    ("CrowdAvoidance-v0", {}, lambda: crowd_avoidance()),
    ("CrowdAvoidance-v0", {"coef_congestion": 1.5, "proba_noise": 0.2, "H": 6}, lambda: crowd_avoidance(H=6, noise=0.2, coef_congestion=1.5)),
]

ROUTING_CASES = [
    ("DynamicRouting-v0", {}, lambda: routing(BRAESS, 10, 0.5)),
    ("DynamicRouting-v0", {"max_num_time_step": 30, "time_step_length": 0.2}, lambda: routing(BRAESS, 30, 0.2)),
    ("DynamicRouting-v0", {"max_num_time_step": 100, "time_step_length": 0.05}, lambda: routing(BRAESS, 100, 0.05)),
    ("DynamicRouting-v0", {"network": "line"}, lambda: routing(LINE, 10, 0.5)),
]

if __name__ == "__main__":
    for env, kwargs, build in CASES:
        H, mu0s, legals, P, reward = build()
        pis = grid_policies(H, P.shape[0], legals)
        u = grid_exploitability(H, mu0s, legals, P, reward, pis["uniform"])
        s = grid_exploitability(H, mu0s, legals, P, reward, pis["structured"])
        print(f"  ['{env}', {json.dumps(kwargs)}, {u!r}, {s!r}],")
    for env, kwargs, build in ROUTING_CASES:
        r = build()
        print(f"  ['{env}', {json.dumps(kwargs)}, {r['uniform'][0]!r}, {r['structured'][0]!r}, {r['uniform'][1]!r}, {r['structured'][1]!r}],")
