/**
 * Every error mfgym raises has a stable code from this one table.
 *
 * Codes follow `MFG_ERR_<AREA>_<WHAT>`; they are added, never reused or renamed, because
 * the CLI prints them, the server sends them on the wire and the Python client raises
 * exceptions carrying them. `protocol/errors.json` is generated from this table
 * (`npm run gen:errors`) and a test checks the two agree in both directions.
 */
export const ERROR_CODES = {
  // registry
  MFG_ERR_REGISTRY_BAD_ID: 'An environment id does not follow the [namespace/]Name-vN grammar.',
  MFG_ERR_REGISTRY_UNKNOWN_ENV: 'No environment is registered under that id.',
  MFG_ERR_REGISTRY_DUPLICATE: 'An environment with that id is already registered.',
  MFG_ERR_REGISTRY_BAD_KWARGS: 'The keyword arguments do not match the environment\'s kwargs schema.',
  MFG_ERR_REGISTRY_BAD_MODULE: 'A module given to --load could not be loaded or registered nothing valid.',
  MFG_ERR_REGISTRY_BAD_GAME_DOCUMENT: 'A declarative game document does not match its JSON Schema or is inconsistent.',
  // game definitions
  MFG_ERR_GAME_INVALID: 'A game definition is inconsistent (shapes, probabilities, legal actions).',
  MFG_ERR_GAME_UNSUPPORTED: 'The operation is not supported by this kind of game.',
  // policies
  MFG_ERR_POLICY_BAD_SHAPE: 'A policy does not have the shape the game needs.',
  MFG_ERR_POLICY_NOT_DISTRIBUTION: 'A policy row is not a probability distribution over the legal actions.',
  MFG_ERR_POLICY_BAD_FILE: 'A policy file could not be read or parsed.',
  // solvers
  MFG_ERR_SOLVER_UNKNOWN: 'No solver is known under that name.',
  MFG_ERR_SOLVER_BAD_PARAM: 'A solver parameter is out of range or of the wrong type.',
  // spaces and seeds
  MFG_ERR_SPACE_INVALID: 'A space definition is invalid.',
  MFG_ERR_SEED_INVALID: 'A seed is not an integer in [0, 2^53-1].',
  // generative population (GD-MFRL)
  MFG_ERR_GENERATIVE_BAD_SAMPLES: 'Monte Carlo samples given to a generative population are empty or do not match the game.',
  MFG_ERR_GENERATIVE_BAD_OPTION: 'An option of the generative population is out of range or of the wrong type.',
  MFG_ERR_GENERATIVE_ABORTED: 'A generative fit was stopped by its AbortSignal.',
  MFG_ERR_GENERATIVE_BAD_MODEL_FILE: 'A saved generator (knowledge base entry) is missing, unreadable or does not match.',
  // command line
  MFG_ERR_CLI_BAD_ARGUMENT: 'A command-line argument is invalid.',
  // populations
  MFG_ERR_POPULATION_UNKNOWN_KIND: 'No population representation is registered under that kind, or it cannot be built that way.',
  MFG_ERR_POPULATION_BAD_PARAM: 'A population parameter (number of agents, bandwidth, ...) is out of range.',
  MFG_ERR_POPULATION_BAD_SAMPLES: 'Samples given to a population do not match the game (horizon, populations, cells, dimension).',
  // anything else
  MFG_ERR_INTERNAL: 'An unexpected internal error; please report it.',
  // wire protocol (protocol/PROTOCOL.md)
  MFG_ERR_PROTOCOL_MALFORMED: 'A message is not msgpack, or does not decode to a map.',
  MFG_ERR_PROTOCOL_INVALID_REQUEST: 'A request does not match its JSON Schema (the details name the field).',
  MFG_ERR_PROTOCOL_UNKNOWN_OP: 'A request names an op the server does not know.',
  MFG_ERR_PROTOCOL_VERSION: 'The client\'s protocol major version differs from the server\'s.',
  MFG_ERR_PROTOCOL_TOO_LARGE: 'A message is larger than the max_message_bytes limit announced in hello.',
  // server sessions
  MFG_ERR_SESSION_UNKNOWN_HANDLE: 'No env was ever made under that handle.',
  MFG_ERR_SESSION_FORBIDDEN: 'The handle belongs to another connection.',
  MFG_ERR_SESSION_CLOSED: 'The env behind that handle was closed (by the client, or because its session idled out).',
  MFG_ERR_SESSION_LIMIT: 'A server limit (agents per env, envs per connection) would be exceeded.',
  // gym environments
  MFG_ERR_ENV_BAD_ACTION: 'An action is not in the action space (wrong shape or dtype, NaN, out of range, or illegal in the agent\'s state).',
  MFG_ERR_ENV_NEEDS_RESET: 'The env (or some of its agents) must be reset before stepping.',
  MFG_ERR_ENV_BAD_MODE: 'The operation is not available in this env\'s mean-field or autoreset mode.',
  MFG_ERR_ENV_BAD_OPTION: 'An option given to make or reset is invalid (shape, dtype or value).',
  MFG_ERR_LEARNING_BAD_CHECKPOINT: 'A learning run\'s checkpoint folder is missing, unreadable, or from another env, algorithm or parameters.',
  // server hardening (issue 10)
  MFG_ERR_PROTOCOL_TOO_COMPLEX: 'A message has more elements or deeper nesting than the max_message_elements / max_message_depth limits announced in hello.',
  MFG_ERR_SESSION_BUSY: 'The connection has max_in_flight requests unanswered; retry after details.retry_after_ms.',
  MFG_ERR_SESSION_TOKEN: 'The request carries no session token, or not the one hello gave this connection.',
  MFG_ERR_SESSION_DEADLINE: 'A request ran past its deadline (make_deadline_s / request_deadline_s); its worker thread was stopped and the envs it held closed.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface MfgErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error class: a stable code, a human message, machine-readable details and a cause. */
export class MfgError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: MfgErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MfgError';
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isMfgError(e: unknown): e is MfgError {
  return e instanceof MfgError;
}

/** Wraps anything thrown into an MfgError (unknown errors become MFG_ERR_INTERNAL). */
export function toMfgError(e: unknown): MfgError {
  if (e instanceof MfgError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new MfgError('MFG_ERR_INTERNAL', message, { cause: e });
}
