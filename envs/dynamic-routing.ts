import { MfgError } from '../src/core/errors';
import type { FiniteGame, SparseKernel } from '../src/core/finite-game';
import { singlePopulationGame } from '../src/core/single-population-game';
import type { EnvSpec } from '../src/registry/env-spec';
import { linkName, ROAD_NETWORKS, travelTime, type RoadNetwork } from './road-networks';

export interface DynamicRoutingKwargs extends Record<string, unknown> {
  network: 'braess' | 'line';
  /** Decision epochs T (OpenSpiel max_num_time_step): H = T. */
  max_num_time_step: number;
  time_step_length: number;
}

/** Steps a vehicle entering a link with this volume waits: max(0, floor(BPR(volume) / ts) - 1). */
function routingWait(link: RoadNetwork['links'][number], volume: number, ts: number): number {
  return Math.max(0, Math.trunc(travelTime(link, volume) / ts) - 1);
}

/**
 * The sizes of a routing game, from the network and the time grid alone (what the server's budget
 * reads before building it): S = destinations x links x (waits 0..W) + a done state, W the longest
 * wait any volume (at most all N vehicles) or departure time gives, capped at the horizon.
 */
export function routingDimensions(net: RoadNetwork, T: number, ts: number): { H: number; L: number; A: number; D: number; N: number; W: number; S: number; destinations: number[] } {
  const links = net.links;
  const L = links.length;
  const names = links.map(linkName);
  const destinations = [...new Set(net.demand.map((od) => names.indexOf(od.destination)))];
  const N = net.demand.reduce((acc, od) => acc + od.counts, 0);
  const waitFor = (l: number, volume: number): number => routingWait(links[l]!, volume, ts);
  let W = 0;
  for (let l = 0; l < L; l++) W = Math.max(W, waitFor(l, 0), waitFor(l, N));
  for (const od of net.demand) W = Math.max(W, Math.trunc(od.departureTime / ts));
  W = Math.min(W, T);
  const D = destinations.length;
  return { H: T, L, A: L + 1, D, N, W, S: D * L * (W + 1) + 1, destinations };
}

/**
 * DynamicRouting (OpenSpiel `python/mfg/games/dynamic_routing.py`, the mean-field routing game
 * of Cabannes et al. 2022): one population of vehicles on a road network. A vehicle's state is
 * (link, waiting time w, destination), plus one absorbing "done" state for vehicles that have
 * arrived (or are stuck on a sink link). Action 0 is "no move"; action 1 + i enters link i.
 * - w > 0: only action 0 is legal, and w decreases by one.
 * - w = 0: the legal actions enter the successor links of the link's end node. Entering link l
 *   at epoch t, the vehicle is on l at t+1 with waiting time
 *     max(0, floor(BPR_l(volume) / time_step_length) - 1),
 *   volume = number of vehicles x the population's mass on l at t+1 (those still waiting on it
 *   and those entering it at t, both read from L_t; OpenSpiel's update_distribution), so it
 *   spends floor(BPR/ts) steps on l. The dynamics depend on the mean field.
 * - Entering its destination at epoch t, a vehicle earns -t·ts (OpenSpiel's return
 *   -arrival_step x time_step_length) and is done; entering another sink link, or still on the
 *   network at the last epoch, it earns -(T+1)·ts. All other rewards are 0, so a vehicle's
 *   return is OpenSpiel's.
 * mu0: the OD demands' origins (waiting floor(departure / ts)), weighted by their counts.
 * Waiting times are capped at H (a vehicle that waits that long never moves again either way).
 *
 * Solvers: mirror descent converges (OMD/MOMD with alpha 1 reach exploitability 0 on Braess by
 * iteration 20, as OpenSpiel's convergence test expects). Fictitious play does not: its
 * state-mass-weighted policy average has the average of the flows as its flow only when the
 * dynamics ignore the mean field, and here the waiting times move with the volumes, so FP stalls
 * (Braess, 100 steps of 0.05: 0.225 after 100 iterations, 0.060 with the 'first' tie rule), as
 * OpenSpiel, which leaves its FP test on this game disabled, also finds.
 */
export function dynamicRouting(kwargs: Partial<DynamicRoutingKwargs> = {}): FiniteGame {
  const networkName = kwargs.network ?? 'braess';
  const net: RoadNetwork | undefined = ROAD_NETWORKS[networkName];
  if (!net) throw new MfgError('MFG_ERR_GAME_INVALID', `DynamicRouting: unknown network ${JSON.stringify(networkName)}, expected one of ${Object.keys(ROAD_NETWORKS).join(', ')}`);
  const T = kwargs.max_num_time_step ?? 10;
  const ts = kwargs.time_step_length ?? 0.5;
  const { H, L, A, D, N, W, S, destinations } = routingDimensions(net, T, ts);
  const links = net.links;
  const Wn = W + 1;
  const names = links.map(linkName);
  const linkIndex = (name: string): number => {
    const i = names.indexOf(name);
    if (i < 0) throw new MfgError('MFG_ERR_GAME_INVALID', `DynamicRouting: ${name} is not a link of the ${networkName} network`);
    return i;
  };
  const sink = links.map((l) => !links.some((m) => m.from === l.to));
  const DONE = S - 1;
  const state = (d: number, l: number, w: number): number => (d * L + l) * Wn + w;

  const mu0 = new Float64Array(S);
  for (const od of net.demand) {
    mu0[state(destinations.indexOf(linkIndex(od.destination)), linkIndex(od.origin), Math.min(W, Math.trunc(od.departureTime / ts)))]! += od.counts / N;
  }
  const legal = new Uint8Array(S * A);
  legal[DONE * A] = 1;
  for (let d = 0; d < D; d++) {
    for (let l = 0; l < L; l++) {
      const successors = links.map((m, i) => (m.from === links[l]!.to ? i : -1)).filter((i) => i >= 0);
      for (let w = 0; w < Wn; w++) {
        const s = state(d, l, w);
        if (w > 0 || successors.length === 0) legal[s * A] = 1;
        else for (const i of successors) legal[s * A + 1 + i] = 1;
      }
    }
  }

  const never = -((T + 1) * ts);
  const rewardOf = (t: number, s: number, a: number): number => {
    if (s === DONE) return 0;
    const last = t === H - 1 ? never : 0;
    if (a === 0 || legal[s * A + a] === 0) return last;
    const d = Math.floor(s / (L * Wn));
    if (a - 1 === destinations[d]) return -(t * ts);
    return sink[a - 1] ? never : last;
  };

  const volume = new Float64Array(L);
  const wait = new Int32Array(L);
  const transition = (_t: number, Lt: Float64Array): SparseKernel => {
    // The mass on each link at t+1: still waiting there, or entering it now (not arriving).
    volume.fill(0);
    for (let d = 0; d < D; d++) {
      for (let l = 0; l < L; l++) {
        for (let w = 0; w < Wn; w++) {
          const row = state(d, l, w) * A;
          if (w > 0) {
            for (let a = 0; a < A; a++) volume[l]! += Lt[row + a]!;
            continue;
          }
          for (let a = 1; a < A; a++) {
            const m = Lt[row + a]!;
            if (m !== 0 && legal[row + a] === 1 && a - 1 !== destinations[d] && !sink[a - 1]) volume[a - 1]! += m;
          }
        }
      }
    }
    for (let l = 0; l < L; l++) wait[l] = Math.min(W, routingWait(links[l]!, N * volume[l]!, ts));
    const rows = S * A;
    const next = new Int32Array(rows);
    for (let s = 0; s < S; s++) {
      for (let a = 0; a < A; a++) next[s * A + a] = nextState(s, a);
    }
    const rowStart = new Int32Array(rows + 1);
    for (let r = 0; r <= rows; r++) rowStart[r] = r;
    return { numRows: rows, rowStart, next, prob: new Float64Array(rows).fill(1) };
  };
  const nextState = (s: number, a: number): number => {
    if (s === DONE) return DONE;
    const w = s % Wn;
    if (w > 0) return s - 1;
    // An illegal action (no policy puts mass there) leaves the vehicle where it is.
    if (a === 0 || legal[s * A + a] === 0) return s;
    const d = Math.floor(s / (L * Wn));
    const l = a - 1;
    if (l === destinations[d] || sink[l]) return DONE;
    return state(d, l, wait[l]!);
  };

  const stateLabels: string[] = [];
  for (let d = 0; d < D; d++) for (let l = 0; l < L; l++) for (let w = 0; w < Wn; w++) stateLabels.push(`${names[l]} wait ${w} to ${names[destinations[d]!]}`);
  stateLabels.push('done');

  return singlePopulationGame({
    name: 'vehicles',
    horizon: H,
    numStates: S,
    numActions: A,
    mu0,
    legal,
    stateLabels,
    actionLabels: ['no move', ...names.map((n) => `enter ${n}`)],
    // Only congested links (a != 0, t0 > 0) make waiting times depend on volumes: not the line network.
    dynamicsDependOnMeanField: links.some((l) => l.a !== 0 && l.freeFlow !== 0),
    reward(t, _L, out) {
      for (let s = 0; s < S; s++) for (let a = 0; a < A; a++) out[s * A + a] = rewardOf(t, s, a);
    },
    transition,
    rewardAt: (t, s, a) => rewardOf(t, s, a),
  });
}

export const dynamicRoutingSpec: EnvSpec<DynamicRoutingKwargs> = {
  id: 'DynamicRouting-v0',
  kind: 'finite',
  description:
    'DynamicRouting: the mean-field routing game on a road network, braess (5 vehicles from O->A to D->E; free-flow times ' +
    'O->A 0, A->B 1, A->C 2, B->C 0.25, B->D 2, C->D 1, D->E 0; BPR travel time t0(1 + a(volume/5)) with a = 1 on A->B and ' +
    'C->D) or line. A vehicle is (link, waiting time, destination); entering a link it waits max(0, floor(BPR(volume)/' +
    'time_step_length) - 1) steps, volume = vehicles x the population\'s mass on the link, so the dynamics depend on the mean ' +
    'field. Return -(arrival step x time_step_length), or -(max_num_time_step + 1) x time_step_length if it never arrives. ' +
    'Braess with 100 steps of 0.05: the Nash flow costs 3.75, the social optimum 3.5. Mirror descent converges; fictitious ' +
    'play does not (its policy average assumes dynamics that ignore the mean field). Source: Cabannes, Lauriere, Perolat, ' +
    'Marinier, Girgin, Perrin, Pietquin, Bayen, Goubault, Elie, "Solving N-player dynamic routing games with congestion: a ' +
    'mean field approach" (AAMAS 2022); OpenSpiel python/mfg/games/dynamic_routing.py.',
  kwargsSchema: {
    type: 'object',
    properties: {
      network: { type: 'string', enum: ['braess', 'line'], default: 'braess', description: 'Road network and its OD demand (OpenSpiel dynamic_routing_data).' },
      max_num_time_step: { type: 'integer', minimum: 1, default: 10, description: 'Number of time steps T (decision epochs; H = T).' },
      time_step_length: { type: 'number', exclusiveMinimum: 0, default: 0.5, description: 'Length of a time step, converting travel times to steps.' },
    },
    additionalProperties: false,
  },
  create: (kwargs) => dynamicRouting(kwargs),
  cost: (k) => {
    const net = ROAD_NETWORKS[k.network ?? 'braess'];
    const { H, S, A } = routingDimensions(net!, k.max_num_time_step ?? 10, k.time_step_length ?? 0.5);
    return { states: S, actions: A, horizon: H, branching: 1 };
  },
};
