import { MfgError } from '../errors';
import { Box } from './box';
import { Discrete } from './discrete';
import { MultiDiscrete } from './multi-discrete';
import type { Space, SpaceJSON } from './space';

/** Rebuilds a space from its JSON form. */
export function spaceFromJSON(j: SpaceJSON): Space<unknown> {
  switch (j.type) {
    case 'Discrete':
      return Discrete.fromJSON(j);
    case 'MultiDiscrete':
      return MultiDiscrete.fromJSON(j);
    case 'Box':
      return Box.fromJSON(j);
    default:
      throw new MfgError('MFG_ERR_SPACE_INVALID', `unknown space type ${JSON.stringify((j as { type?: unknown }).type)}`);
  }
}
