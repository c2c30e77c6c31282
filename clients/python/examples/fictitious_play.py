"""Fictitious play run by an external learner that never shows the env its policy.

The server's `fictitious` mode records the states the agents visit; `update_population()` folds
them into the flow with FP weights 1/(k+1). The learner below only sees rewards: on LeftRight-v0
(go left or right; the left costs its crowd mu(left), the right twice its crowd) two scout agents
always go one way each, so their epoch-1 rewards price both sides, and the other agents all take
the cheaper side (the best response). The flow's mass on the left converges to the equilibrium
2/3 (MFGLib's left_right example).

    npx mfgym serve &        # in the repository
    python3 clients/python/examples/fictitious_play.py --iterations 100
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import mfgym  # noqa: E402

LEFT, RIGHT = 0, 1


def fictitious_play(address: str, iterations: int, num_agents: int = 64) -> list:
    """Returns mu_1(left) after each update, as the server reports it."""
    env = mfgym.make_vec("LeftRight-v0", num_envs=num_agents, address=address, autoreset_mode="disabled",
                         mean_field="fictitious")
    history = []
    try:
        env.reset(seed=0)
        for _ in range(iterations):
            env.reset()
            scouts = np.array([LEFT, RIGHT])
            # epoch 0: everyone is in the centre; scouts go left and right, the rest follow last
            # iteration's best response (left to start with)
            best = history[-1][1] if history else LEFT
            actions = np.full(num_agents, best, dtype=np.int64)
            actions[:2] = scouts
            env.step(actions)
            _, rewards, terminated, _, _ = env.step(np.zeros(num_agents, dtype=np.int64))
            assert terminated.all()
            # the scouts' epoch-1 rewards price each side against the current flow
            new_best = LEFT if rewards[0] > rewards[1] else RIGHT
            env.update_population()
            mu_left = float(env.population_report()["mu"][1, 1])
            history.append((mu_left, new_best))
    finally:
        env.close()
    return history


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--address", default=mfgym.DEFAULT_ADDRESS)
    ap.add_argument("--iterations", type=int, default=100)
    args = ap.parse_args()
    for k, (mu_left, _) in enumerate(fictitious_play(args.address, args.iterations), start=1):
        if k in (1, 2, 5, 10, 20, 50) or k % 100 == 0 or k == args.iterations:
            print(f"iteration {k:4d}: mu_1(left) = {mu_left:.4f}   (equilibrium 2/3 = 0.6667)")


if __name__ == "__main__":
    main()
