import type { ServerLimits } from './limits';
import type { Session, SessionTable } from './session-table';

/** What every op handler receives besides the (schema-checked) request. */
export interface HandlerContext {
  readonly session: Session;
  readonly sessions: SessionTable;
  readonly limits: Readonly<ServerLimits>;
  readonly serverVersion: string;
  readonly log: (line: string) => void;
}

/** A request after schema validation: fields as the op's schema declares them. */
export type Request = Record<string, any>;

export type Handler = (req: Request, ctx: HandlerContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
