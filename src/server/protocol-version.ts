import { MfgError } from '../core/errors';

/** The protocol version this server speaks (protocol/PROTOCOL.md). */
export const PROTOCOL_VERSION = '2.0';

/** MAJOR of a MAJOR.MINOR version string. */
export function majorOf(v: string): number {
  return Number(v.split('.')[0]);
}

/** A different MAJOR is MFG_ERR_PROTOCOL_VERSION, naming both versions. */
export function checkProtocolVersion(client: string): void {
  if (majorOf(client) !== majorOf(PROTOCOL_VERSION)) {
    throw new MfgError('MFG_ERR_PROTOCOL_VERSION', `client speaks protocol ${client}, this server speaks ${PROTOCOL_VERSION} (major versions differ)`, {
      details: { client, server: PROTOCOL_VERSION },
    });
  }
}
