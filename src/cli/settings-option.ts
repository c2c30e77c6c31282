import { MfgError } from '../core/errors';

/**
 * `--settings JSON`: options passed untouched to a population's fit (e.g. the generator's
 * training budget), shared by `population` and the GD-MFRL solvers of `solve`.
 */
export function parseSettings(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--settings is not valid JSON (${(e as Error).message}); expected an object such as '{"steps": 500}'`, { details: { settings: text } });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `--settings must be a JSON object, got ${text}`, { details: { settings: text } });
  }
  return v as Record<string, unknown>;
}
