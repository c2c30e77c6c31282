import type { Handler } from '../handler-context';
import { limitsToWire } from '../limits';
import { PROTOCOL_VERSION, checkProtocolVersion } from '../protocol-version';

/**
 * Version negotiation and the session: a different MAJOR is refused; the result carries the
 * new session's token (required in every later request) and the limits.
 */
export const hello: Handler = (req, ctx) => {
  checkProtocolVersion(req.protocol as string);
  if (typeof req.client === 'string') ctx.log(`session ${ctx.session.key} hello from ${JSON.stringify(req.client.slice(0, 80))}`);
  return { server: `mfgym/${ctx.serverVersion}`, protocol: PROTOCOL_VERSION, session: ctx.session.token, limits: limitsToWire(ctx.limits) };
};
