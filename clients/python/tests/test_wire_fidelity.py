"""The socket adds nothing and loses nothing: a trajectory stepped from Python through the server
equals, bit for bit, the same trajectory stepped in-process by the TypeScript gym API (src/gym)
with the same seeds and actions. Checks the whole codec path (int64 obs, float64 rewards, bool
flags, action masks) on a stochastic env, across an autoreset.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np

import mfgym
from conftest import REPO

N, STEPS, SEED = 32, 9, 2024

NODE_SCRIPT = r"""
const { registerBuiltinEnvs } = require(process.argv[1] + '/dist/envs');
const { makeEnv } = require(process.argv[1] + '/dist/src/gym');
const spec = JSON.parse(process.argv[2]);
(async () => {
  registerBuiltinEnvs();
  const env = await makeEnv('CrowdModelling2D-v0', { kwargs: spec.kwargs, numAgents: spec.n, autoreset: 'next_step' });
  const out = [];
  const r = env.reset(spec.seed);
  out.push({ obs: Array.from(r.obs), mask: Array.from(r.infos.actionMask) });
  for (const a of spec.actions) {
    const s = env.step(Int32Array.from(a));
    // rewards as hex of their float64 bytes: exact, whatever JSON does to numbers
    const hex = Buffer.from(s.rewards.buffer, s.rewards.byteOffset, s.rewards.byteLength).toString('hex');
    out.push({ obs: Array.from(s.obs), rewards: hex, terminated: Array.from(s.terminated), mask: Array.from(s.infos.actionMask) });
  }
  env.close();
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def test_socket_trajectory_equals_in_process_typescript(address, crowd):
    kwargs = crowd(6, 4, forbidden_cells=[[2, 2], [3, 2]])
    rng = np.random.default_rng(11)
    venv = mfgym.make_vec("CrowdModelling2D-v0", num_envs=N, address=address, autoreset_mode="next_step", **kwargs)
    try:
        obs, infos = venv.reset(seed=SEED)
        py = [{"obs": obs, "mask": infos["action_mask"]}]
        actions = []
        for _ in range(STEPS):
            # legal actions only (the walls make some illegal), drawn from the mask
            mask = py[-1]["mask"]
            a = np.array([rng.choice(np.flatnonzero(m)) for m in mask], dtype=np.int64)
            actions.append(a.tolist())
            obs, rew, term, trunc, infos = venv.step(a)
            py.append({"obs": obs, "rewards": rew, "terminated": term, "mask": infos["action_mask"]})
    finally:
        venv.close()

    spec = {"kwargs": kwargs, "n": N, "seed": SEED, "actions": actions}
    res = subprocess.run([shutil.which("node") or "node", "-e", NODE_SCRIPT, str(REPO), json.dumps(spec)],
                         capture_output=True, text=True, timeout=120, cwd=str(REPO))
    assert res.returncode == 0, res.stderr[-2000:]
    ts = json.loads(res.stdout)

    assert len(ts) == len(py) == STEPS + 1
    assert any(bool(p["terminated"].any()) for p in py[1:])  # the run crossed an episode end (H = 4)
    for k, (p, t) in enumerate(zip(py, ts)):
        assert np.array_equal(p["obs"].reshape(-1), np.array(t["obs"], dtype=np.int64)), k
        assert np.array_equal(p["mask"].reshape(-1), np.array(t["mask"], dtype=bool)), k
        if k:
            assert p["rewards"].astype("<f8").tobytes().hex() == t["rewards"], k
            assert np.array_equal(p["terminated"], np.array(t["terminated"], dtype=bool)), k
