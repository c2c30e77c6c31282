import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContinuousVectorEnv } from '../../src/gym/continuous/continuous-vector-env';
import { AC_FP_PARAMS, runAcFp, type FlowBuilder } from '../../src/learning/ac-fp';
import { PpoBestResponse } from '../../src/learning/ppo';
import { runContinuousLearningSolver } from '../../src/learning/run-continuous-learning';
import { ContinuousParticleFlow } from '../../src/populations/continuous-particles';
import { makeContinuousPopulation } from '../../src/populations/make-continuous-population';
import type { ContinuousFlowSamples } from '../../src/populations/population';
import { passivePolicy } from '../../src/populations/simulate-continuous';
import { resolveParams } from '../../src/solvers/solver';
import { SMALL_AC_FP, SMALL_LQ, expectAcFpResumesBitForBit, expectPreOptionCheckpointResumesAsDefault } from './ppo-resume';

describe('ac-fp: initialFlowMultiple', function () {
  this.timeout(60_000);
  const game = SMALL_LQ;
  const small = SMALL_AC_FP;

  /** runAcFp as runContinuousLearningSolver calls it, with every flow the env is given recorded. */
  async function recordedRun(multiple: number): Promise<{ flows: ContinuousFlowSamples[]; w2: number[] }> {
    const params = resolveParams({ name: 'ac-fp', params: AC_FP_PARAMS }, { ...small, initialFlowMultiple: multiple });
    const initial = await makeContinuousPopulation(game, { kind: 'particles', policy: passivePolicy(game), numAgents: 64, seed: 4 });
    const env = new ContinuousVectorEnv(game, { numAgents: 32, meanField: 'fixed', population: initial, populationKind: 'particles', dtype: 'float64', entropySeed: 4 });
    const flows: ContinuousFlowSamples[] = [];
    const buildFlow: FlowBuilder = async (samples) => {
      flows.push(samples);
      return new ContinuousParticleFlow(samples, { maxKernelPoints: 64 });
    };
    const ppo = await PpoBestResponse.create(env, params, 4);
    const run = await runAcFp(env, [ppo], { iterations: 2, seed: 4, poolSize: 64, evalBatches: 1, initialFlowMultiple: multiple, buildFlow, reference: game.exactFlow!() });
    return { flows, w2: run.w2 };
  }

  it('the first best response answers a passive flow of multiple x poolSize paths whose first poolSize are the pool; later flows are the pool', async () => {
    const one = await recordedRun(1);
    const four = await recordedRun(4);
    expect(one.flows).to.have.length(3);
    expect(four.flows).to.have.length(3);
    for (let t = 0; t < game.horizon; t++) {
      expect(one.flows[0]!.points[t]).to.have.length(64);
      expect(four.flows[0]!.points[t]).to.have.length(4 * 64);
      expect([...four.flows[0]!.points[t]!.subarray(0, 64)]).to.deep.equal([...one.flows[0]!.points[t]!]);
      // The other paths are fresh agent-episodes, not copies of the pool's.
      expect([...four.flows[0]!.points[t]!.subarray(64, 128)]).to.not.deep.equal([...one.flows[0]!.points[t]!]);
      expect(four.flows[1]!.points[t]).to.have.length(64);
    }
    // Iteration 0's W2 reads the pool, which the multiple leaves alone; the first best response sees another flow.
    expect(four.w2[0]).to.equal(one.w2[0]);
    expect(four.w2[1]).to.not.equal(one.w2[1]);
  });

  it('1 is the default, bit for bit; a run resumes bit for bit; a checkpoint from before the option resumes as 1', async () => {
    const plain = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params: small });
    const explicit = await runContinuousLearningSolver(game, 'ac-fp', { iterations: 2, seed: 4, params: { ...small, initialFlowMultiple: 1 } });
    expect(explicit.exploitability).to.deep.equal(plain.exploitability);
    expect(explicit.w2ToEquilibrium).to.deep.equal(plain.w2ToEquilibrium);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfgym-initialflow-'));
    try {
      await expectAcFpResumesBitForBit(game, { ...small, initialFlowMultiple: 3 }, path.join(dir, 'run'), 3, 4);
      await expectPreOptionCheckpointResumesAsDefault(game, small, { initialFlowMultiple: 1 }, path.join(dir, 'old'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
