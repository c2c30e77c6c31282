/**
 * Road networks for DynamicRouting-v0, transcribed from OpenSpiel
 * `python/games/dynamic_routing_data.py` (the data) and `dynamic_routing_utils.py` (the BPR
 * volume-delay function and its defaults: a = 0, b = 1, capacity = 1, free-flow time = 1).
 * A link "X->Y" is a road section; a vehicle "at node Y" is on a link ending in Y.
 */
export interface RoadLink {
  readonly from: string;
  readonly to: string;
  /** BPR: travel time = freeFlow · (1 + a · (volume / capacity)^b). */
  readonly freeFlow: number;
  readonly a: number;
  readonly b: number;
  readonly capacity: number;
}

/** One origin-destination demand: `counts` vehicles from link origin to link destination. */
export interface OriginDestinationDemand {
  readonly origin: string;
  readonly destination: string;
  readonly departureTime: number;
  readonly counts: number;
}

export interface RoadNetwork {
  /** In OpenSpiel's listing order: action 1 + i enters links[i] (action 0 is "no move"). */
  readonly links: readonly RoadLink[];
  readonly demand: readonly OriginDestinationDemand[];
}

export function linkName(l: RoadLink): string {
  return `${l.from}->${l.to}`;
}

/** BPR travel time of a link under a volume (OpenSpiel Network.get_travel_time). */
export function travelTime(l: RoadLink, volume: number): number {
  return l.freeFlow * (1.0 + l.a * (volume / l.capacity) ** l.b);
}

const BRAESS_VEHICLES = 5;
const braessLink = (from: string, to: string, freeFlow: number, a: number): RoadLink => ({ from, to, freeFlow, a, b: 1, capacity: BRAESS_VEHICLES });

/**
 * The Braess network (Braess 1968; OpenSpiel BRAESS_NETWORK): 5 vehicles from O->A to D->E;
 * congestion (a = 1) on A->B and C->D only. Links in the order of OpenSpiel's Braess test,
 * whose Nash policy names A->B, A->C as actions 2, 3 and B->C, B->D as 4, 5.
 */
export const BRAESS_NETWORK: RoadNetwork = {
  links: [
    braessLink('O', 'A', 0, 0),
    braessLink('A', 'B', 1, 1),
    braessLink('A', 'C', 2, 0),
    braessLink('B', 'C', 0.25, 0),
    braessLink('B', 'D', 2, 0),
    braessLink('C', 'D', 1, 1),
    braessLink('D', 'E', 0, 0),
  ],
  demand: [{ origin: 'O->A', destination: 'D->E', departureTime: 0, counts: BRAESS_VEHICLES }],
};

const lineLink = (from: string, to: string): RoadLink => ({ from, to, freeFlow: 1, a: 0, b: 1, capacity: 1 });

/**
 * The line network (OpenSpiel LINE_NETWORK): bef_O->O -> O->A -> A->D -> D->aft_D, no choice
 * anywhere, utils' default BPR coefficients (free-flow 1, no congestion), 100 vehicles.
 */
export const LINE_NETWORK: RoadNetwork = {
  links: [lineLink('bef_O', 'O'), lineLink('O', 'A'), lineLink('A', 'D'), lineLink('D', 'aft_D')],
  demand: [{ origin: 'bef_O->O', destination: 'D->aft_D', departureTime: 0, counts: 100 }],
};

export const ROAD_NETWORKS: Readonly<Record<string, RoadNetwork>> = { braess: BRAESS_NETWORK, line: LINE_NETWORK };
