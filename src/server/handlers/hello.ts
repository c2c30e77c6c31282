import type { Handler } from '../handler-context';
import { limitsToWire } from '../limits';
import { negotiateVersion } from '../protocol-version';

/**
 * Version negotiation and the session: a different MAJOR is refused; the session speaks the
 * lower of the two MINORs (a 2.0 client stays on 2.0: no continuous games), which the result's
 * `protocol` says, with the new session's token (required in every later request) and the limits.
 */
export const hello: Handler = (req, ctx) => {
  const protocol = negotiateVersion(req.protocol as string);
  ctx.session.protocol = protocol;
  if (typeof req.client === 'string') ctx.log(`session ${ctx.session.key} hello from ${JSON.stringify(req.client.slice(0, 80))}`);
  return { server: `mfgym/${ctx.serverVersion}`, protocol, session: ctx.session.token, limits: limitsToWire(ctx.limits) };
};
