/**
 * bench/warm-start: what the knowledge base saves. A generator is fitted to CrowdModelling2D with
 * noise_intensity 1.0 and saved; then the flow at noise 0.9 is fitted twice on the same samples,
 * cold and warm-started from the closest saved generator. Printed: the steps (and seconds) the
 * cold fit needed to reach its best training loss, and what the warm start needed for the same
 * loss (targetLoss stops it there), with both fits' held-out NLL.
 *
 *   npm run bench:warm-start [-- --size 64 --agents 50000]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crowdModelling2D } from '../envs/crowd-modelling-2d';
import { Rng } from '../src/core/rng';
import { uniformPolicy } from '../src/core/tabular/policy';
import { fitGenerativePopulation, KnowledgeBase } from '../src/populations/generative/index';
import { simulateAgents } from '../src/populations/simulate-agents';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const size = flag('size', 64);
  const H = flag('H', 50);
  const N = flag('agents', 50_000);
  const c = Math.floor(size / 2);
  const make = (noise: number) => crowdModelling2D({ size, H, noise_intensity: noise, initial_cells: [[c - 3, c - 3], [c + 4, c + 2], [c, c + 5]] });
  const options = { generator: 'autoregressive' as const, seed: 1, maxRounds: 1 };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-kb-'));
  const kb = new KnowledgeBase(root);

  const before = make(1.0);
  const first = await fitGenerativePopulation(before, simulateAgents(before, uniformPolicy(before), N, new Rng(1)), options);
  await kb.save('noise-1.0', first.models, { envId: 'CrowdModelling2D-v0', kwargs: { size, H, noise_intensity: 1 }, iteration: 0 });

  const after = make(0.9);
  const data = simulateAgents(after, uniformPolicy(after), N, new Rng(2));
  const cold = await fitGenerativePopulation(after, data, options);
  const curve = cold.report.rounds[0]![0]!.curve;
  const target = Math.min(...curve);
  // The curve holds one mean training loss per window of 100 steps (train.ts's default window).
  const coldSteps = (curve.findIndex((x) => x <= target) + 1) * 100;
  const entry = await kb.closest({ envId: 'CrowdModelling2D-v0', kwargs: { size, H, noise_intensity: 0.9 } });
  if (!entry) throw new Error('the knowledge base returned no entry');
  const warm = await fitGenerativePopulation(after, data, { ...options, warmStart: entry.models, targetLoss: target });
  fs.rmSync(root, { recursive: true, force: true });

  const row = (name: string, steps: number, seconds: number, nll: number): string => `| ${name} | ${steps} | ${seconds.toFixed(1)} s | ${nll.toFixed(4)} |`;
  console.log(`bench/warm-start: CrowdModelling2D ${size}x${size}, H=${H}, ${N} agents, noise 1.0 -> 0.9 (tfjs ${warm.backend})`);
  console.log(`target: the cold fit's best training loss ${target.toFixed(4)}\n`);
  console.log('| fit | steps to the target | training time | held-out NLL |');
  console.log('|---|--:|--:|--:|');
  console.log(row('cold', coldSteps, (cold.trainSeconds * coldSteps) / cold.steps, cold.report.meanNll));
  console.log(row('warm start from noise 1.0', warm.steps, warm.trainSeconds, warm.report.meanNll));
  console.log(`\nsaved: ${coldSteps - warm.steps} steps (${(100 * (1 - warm.steps / coldSteps)).toFixed(0)}%)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
