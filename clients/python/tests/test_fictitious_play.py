"""End to end: an external learner runs fictitious play over the socket (examples/fictitious_play.py)
and the flow reaches LeftRight's equilibrium, mu_1(left) = 2/3 (MFGLib left_right; DESIGN §2).

The server's flow after every update must also equal, to rounding, a replica of the FP rule of
PROTOCOL.md (L <- (1 - w) L + w Lhat, w = 1/(k+1)) fed with the visits the learner made.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from fictitious_play import LEFT, fictitious_play  # noqa: E402

N, ITERATIONS = 64, 100


def replica(iterations: int, n: int) -> list:
    mu, best, out = 0.5, LEFT, []
    for k in range(1, iterations + 1):
        reward_left, reward_right = -mu, -2 * (1 - mu)
        visits_left = (1 + (n - 2) * (best == LEFT)) / n  # scout 0 left, scout 1 right, the rest `best`
        new_best = LEFT if reward_left > reward_right else 1 - LEFT
        w = 1 / (k + 1)
        mu = (1 - w) * mu + w * visits_left
        out.append((mu, new_best))
        best = new_best
    return out


def test_fictitious_play_from_python_reaches_the_left_right_equilibrium(address):
    got = fictitious_play(address, ITERATIONS, N)
    want = replica(ITERATIONS, N)
    assert [b for _, b in got] == [b for _, b in want]
    for k, ((mu, _), (mu_want, _)) in enumerate(zip(got, want), start=1):
        assert mu == pytest.approx(mu_want, abs=1e-12), k
    assert abs(got[-1][0] - 2 / 3) < 0.01
    assert abs(got[9][0] - 2 / 3) > 0.05  # and it was not there from the start
