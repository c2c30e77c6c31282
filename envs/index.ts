import type { EnvSpec } from '../src/registry/env-spec';
import { register, spec as lookup } from '../src/registry/registry';
import { leftRightSpec } from './left-right';
import { rockPaperScissorsSpec } from './rock-paper-scissors';
import { susceptibleInfectedSpec } from './susceptible-infected';
import { beachBarSpec } from './beach-bar';
import { conservativeTreasureHuntingSpec } from './conservative-treasure-hunting';
import { linearQuadraticSpec } from './linear-quadratic';
import { equilibriumPriceSpec } from './equilibrium-price';
import { buildingEvacuationSpec } from './building-evacuation';
import { crowdMotionSpec } from './crowd-motion';
import { crowdModelling1DSpec } from './crowd-modelling-1d';
import { crowdModelling2DSpec } from './crowd-modelling-2d';
import { fourRoomsSpec } from './four-rooms';
import { mazeSpec } from './maze';
import { periodicAversionSpec } from './periodic-aversion';
import { garnetSpec } from './garnet';
import { meanFieldNFGSpec } from './mean-field-nfg';
import { linearQuadraticContinuousSpec } from './linear-quadratic-continuous';
import { crowdAversionNDSpec } from './crowd-aversion-nd';
import { flockingSpec } from './flocking';
import { predatorPreySpec } from './predator-prey';
import { crowdAvoidanceSpec } from './crowd-avoidance';
import { dynamicRoutingSpec } from './dynamic-routing';

/** Every built-in environment, in the order `mfgym list` shows them. */
export const builtinSpecs: readonly EnvSpec<any>[] = [
  leftRightSpec,
  rockPaperScissorsSpec,
  susceptibleInfectedSpec,
  beachBarSpec,
  conservativeTreasureHuntingSpec,
  linearQuadraticSpec,
  equilibriumPriceSpec,
  buildingEvacuationSpec,
  crowdMotionSpec,
  crowdModelling1DSpec,
  crowdModelling2DSpec,
  fourRoomsSpec,
  mazeSpec,
  periodicAversionSpec,
  garnetSpec,
  meanFieldNFGSpec,
  predatorPreySpec,
  crowdAvoidanceSpec,
  dynamicRoutingSpec,
  linearQuadraticContinuousSpec,
  crowdAversionNDSpec,
  flockingSpec,
];

/** Registers the built-in environments (idempotent: a second call is a no-op). */
export function registerBuiltinEnvs(): void {
  for (const s of builtinSpecs) {
    try {
      lookup(s.id);
    } catch {
      register(s);
    }
  }
}
