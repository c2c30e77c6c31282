import type { ContinuousGame } from '../../src/core/continuous-game';
import { Rng } from '../../src/core/rng';
import type { BoxVectorEnv } from '../../src/learning/continuous-rollout';
import type { ContinuousPopulationFlow } from '../../src/populations/population';

/**
 * A minimal fixed-flow vector env of a continuous game for the learners' unit tests: N agents,
 * one Rng for the batch, reward then step with the flow's mean field at each epoch. The gym's
 * own continuous vector env is what the acceptance tests use; this one only isolates the
 * learner from it.
 */
export class GameBoxEnv implements BoxVectorEnv {
  readonly horizon: number;
  readonly observationSpace;
  readonly actionSpace;
  private x: Float64Array;
  private t = 0;
  private rng = new Rng(0);

  constructor(
    readonly game: ContinuousGame,
    readonly flow: ContinuousPopulationFlow,
    readonly numAgents: number,
  ) {
    this.horizon = game.horizon;
    this.observationSpace = game.stateSpace;
    this.actionSpace = game.actionSpace;
    this.x = new Float64Array(numAgents * game.stateSpace.size);
  }

  reset(seed?: number | null): { obs: Float64Array } {
    if (seed !== null && seed !== undefined) this.rng = new Rng(seed);
    this.t = 0;
    this.game.sampleInitial(this.numAgents, this.rng, this.x);
    return { obs: this.x.slice() };
  }

  step(actions: Float64Array): { obs: Float64Array; rewards: Float64Array } {
    const n = this.numAgents;
    const mf = this.flow.at(this.t);
    const rewards = new Float64Array(n);
    this.game.reward(this.t, this.x, actions, n, mf, this.rng, rewards);
    if (this.t + 1 < this.horizon) {
      const next = new Float64Array(this.x.length);
      this.game.step(this.t, this.x, actions, n, mf, this.rng, next);
      this.x = next;
    }
    this.t++;
    return { obs: this.x.slice(), rewards };
  }
}
