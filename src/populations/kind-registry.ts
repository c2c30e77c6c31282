import { MfgError } from '../core/errors';

/**
 * Population builders by kind, for one family of games (finite or continuous). Kinds listed in
 * `lazyModules` are loaded on first use and register themselves then: the generative population
 * lives behind TensorFlow.js, which `import 'mfgym'` must never pay for.
 */
export class KindRegistry<Context, Flow> {
  private readonly builders = new Map<string, (ctx: Context) => Flow | Promise<Flow>>();

  constructor(
    private readonly names: {
      /** "population kind" or "continuous population kind", as error messages say it. */
      readonly kind: string;
      /** Appended to the unknown-kind message, e.g. " for a continuous game". */
      readonly forGames: string;
      /** The async factory to name when a sync build meets an async kind. */
      readonly asyncFactory: string;
    },
    private readonly lazyModules: Readonly<Record<string, string>>,
  ) {}

  register(kind: string, builder: (ctx: Context) => Flow | Promise<Flow>, options: { replace?: boolean } = {}): void {
    if (this.builders.has(kind) && !options.replace) {
      throw new MfgError('MFG_ERR_POPULATION_UNKNOWN_KIND', `${this.names.kind} '${kind}' is already registered (pass { replace: true } to override it)`, {
        details: { kind },
      });
    }
    this.builders.set(kind, builder);
  }

  /** Kinds available now (lazily loaded kinds appear once loaded). */
  kinds(): string[] {
    return [...this.builders.keys()];
  }

  /** Builds a population of any registered kind, loading a lazy kind's module first. */
  async build(kind: string, context: () => Context): Promise<Flow> {
    const path = this.lazyModules[kind];
    if (!this.builders.has(kind) && path !== undefined) {
      try {
        await import(path);
      } catch (e) {
        throw new MfgError('MFG_ERR_POPULATION_UNKNOWN_KIND', `population kind '${kind}' could not be loaded from ${path}`, { cause: e, details: { kind } });
      }
    }
    return this.builderFor(kind)(context());
  }

  /** For synchronous kinds (exact, particles); an async kind is an error that says to await. */
  buildSync(kind: string, context: () => Context): Flow {
    const result = this.builderFor(kind)(context());
    if (result instanceof Promise) {
      result.catch(() => undefined); // the caller gets the error below, not an unhandled rejection
      throw new MfgError('MFG_ERR_POPULATION_UNKNOWN_KIND', `population kind '${kind}' is built asynchronously: use ${this.names.asyncFactory} (async)`, {
        details: { kind },
      });
    }
    return result;
  }

  private builderFor(kind: string): (ctx: Context) => Flow | Promise<Flow> {
    const b = this.builders.get(kind);
    if (!b) {
      const known = [...new Set([...this.builders.keys(), ...Object.keys(this.lazyModules)])];
      throw new MfgError('MFG_ERR_POPULATION_UNKNOWN_KIND', `unknown population kind '${kind}'${this.names.forGames}; expected one of ${known.map((k) => `'${k}'`).join(', ')}`, {
        details: { kind, known },
      });
    }
    return b;
  }
}
