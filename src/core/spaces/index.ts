export type { Space, SpaceJSON, DiscreteJSON, MultiDiscreteJSON, BoxJSON, BoundJSON } from './space';
export { Discrete } from './discrete';
export { MultiDiscrete } from './multi-discrete';
export { Box, type BoxDtype } from './box';
export { spaceFromJSON } from './space-from-json';
