import type { AnyVectorEnv } from '../gym/make-env';
import type { ServerLimits } from './limits';
import type { Session, SessionTable } from './session-table';

/** What the env handlers need of the session table: the main thread's, or a worker's own envs. */
export interface EnvAccess {
  env(session: Session, handle: string): AnyVectorEnv;
  close(session: Session, handle: string): void;
  add(session: Session, env: AnyVectorEnv, envId: string, bytes: number): string;
}

/** What every op handler receives besides the (schema-checked) request. */
export interface HandlerContext {
  readonly session: Session;
  readonly sessions: EnvAccess;
  readonly limits: Readonly<ServerLimits>;
  readonly serverVersion: string;
  readonly log: (line: string) => void;
}

/** The main thread's context: the whole table, for the checks that count across sessions. */
export interface MainContext extends HandlerContext {
  readonly sessions: SessionTable;
}

/** A request after schema validation: fields as the op's schema declares them. */
export type Request = Record<string, any>;

export type Handler = (req: Request, ctx: HandlerContext) => Record<string, unknown> | Promise<Record<string, unknown>>;
