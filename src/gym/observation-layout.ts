import type { FinitePopulation } from '../core/finite-game';
import { Discrete } from '../core/spaces/discrete';
import { MultiDiscrete } from '../core/spaces/multi-discrete';

/**
 * One agent's observation in a finite game: its state coordinates (the row-major unflattening
 * of the state index over stateShape) followed by its epoch t, t = H in the terminal observation.
 */
export function observationSpace(pop: FinitePopulation, horizon: number): MultiDiscrete {
  return new MultiDiscrete([...pop.stateShape, horizon + 1]);
}

/** The flat action index: Discrete(A). */
export function actionSpace(pop: FinitePopulation): Discrete {
  return new Discrete(pop.numActions);
}

/**
 * coords[s*d + j] = coordinate j of state s (d = stateShape.length), computed once so the
 * step loop copies coordinates instead of dividing.
 */
export function stateCoordinates(pop: FinitePopulation): Int32Array {
  const shape = pop.stateShape;
  const d = shape.length;
  const out = new Int32Array(pop.numStates * d);
  for (let s = 0; s < pop.numStates; s++) {
    let rest = s;
    for (let j = d - 1; j >= 0; j--) {
      const n = shape[j]!;
      out[s * d + j] = rest % n;
      rest = Math.floor(rest / n);
    }
  }
  return out;
}
