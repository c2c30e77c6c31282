"""The learning example runs over the socket with a small budget (examples/q_learning.py).

Exploitability is not a protocol op (the server never sees a policy, by design), so the test
evaluates the agent's output policy exactly with the repository's own evaluator, `mfgym evaluate
--policy FILE --json`: the same backward induction every built-in solver is scored with.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from q_learning import policy_file, q_learning_fp  # noqa: E402

from conftest import REPO, SERVER_JS  # noqa: E402


def exact_exploitability(tmp_path: Path, env_id: str, policy: dict = None) -> float:
    args = ["node", str(SERVER_JS), "evaluate", "--env", env_id, "--json"]
    if policy is not None:
        f = tmp_path / "policy.json"
        f.write_text(json.dumps(policy))
        args += ["--policy", str(f)]
    out = subprocess.run(args, cwd=str(REPO), capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)["exploitability"]


def test_python_q_learning_lowers_beach_bar_exploitability_5x(address, tmp_path):
    result = q_learning_fp(address, "BeachBar-v0", iterations=20, num_agents=64, episodes=10, seed=0)
    # The agent rebuilt the server's averaged flow from its own visits (the FP rule of PROTOCOL.md).
    assert result["flow_error"] < 1e-9
    uniform = exact_exploitability(tmp_path, "BeachBar-v0")
    learned = exact_exploitability(tmp_path, "BeachBar-v0", policy_file(result))
    assert abs(uniform - 1.2213) < 1e-3
    print(f"BeachBar exploitability: uniform {uniform:.4f} -> python Q-learning {learned:.4f} ({uniform / learned:.1f}x)")
    assert learned < uniform / 5, (learned, uniform)
