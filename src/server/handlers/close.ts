import type { Handler } from '../handler-context';

/** Idempotent: a handle of this session already closed (or expired) answers closed too. */
export const close: Handler = (req, ctx) => {
  ctx.sessions.close(ctx.session, req.handle as string);
  return { closed: true };
};
