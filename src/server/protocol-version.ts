import { MfgError } from '../core/errors';

/** The protocol version this server speaks (protocol/PROTOCOL.md). */
export const PROTOCOL_VERSION = '2.1';

/** The first minor version that serves continuous games (Box observations and actions). */
export const CONTINUOUS_PROTOCOL = '2.1';

/** MAJOR of a MAJOR.MINOR version string. */
export function majorOf(v: string): number {
  return Number(v.split('.')[0]);
}

/** MINOR of a MAJOR.MINOR version string. */
export function minorOf(v: string): number {
  return Number(v.split('.')[1] ?? 0);
}

/** A different MAJOR is MFG_ERR_PROTOCOL_VERSION, naming both versions. */
export function checkProtocolVersion(client: string): void {
  if (majorOf(client) !== majorOf(PROTOCOL_VERSION)) {
    throw new MfgError('MFG_ERR_PROTOCOL_VERSION', `client speaks protocol ${client}, this server speaks ${PROTOCOL_VERSION} (major versions differ)`, {
      details: { client, server: PROTOCOL_VERSION },
    });
  }
}

/** The version a session speaks: the same MAJOR, and the lower of the two MINORs (a 2.0 client keeps 2.0). */
export function negotiateVersion(client: string): string {
  checkProtocolVersion(client);
  return `${majorOf(PROTOCOL_VERSION)}.${Math.min(minorOf(client), minorOf(PROTOCOL_VERSION))}`;
}

/** Whether a session that negotiated `session` (unset: 2.0) speaks at least `needed` (same MAJOR). */
export function speaksAtLeast(session: string | undefined, needed: string): boolean {
  return minorOf(session ?? '2.0') >= minorOf(needed);
}
