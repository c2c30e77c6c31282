import { MfgError } from '../../core/errors';
import type { Reference } from './config';
import type { RunOutcome } from './run-config';

export type Verdict = 'match' | 'mismatch' | 'not comparable';

/** A reference figure next to what the run obtained. */
export interface CheckedReference extends Reference {
  /** Where the run's number was read (e.g. "iteration 100", "pi_0(a=0 | s=0)"). */
  at: string;
  obtained: number;
  difference: number;
  verdict: Verdict;
}

/** Judges every reference: |obtained - value| <= tolerance is a match; incomparable ones are shown, not judged. */
export function checkReferences(refs: readonly Reference[], run: RunOutcome): CheckedReference[] {
  return refs.map((ref) => {
    const { at, obtained } = obtain(ref, run);
    const difference = Math.abs(obtained - ref.value);
    const verdict: Verdict = ref.comparable === false ? 'not comparable' : difference <= ref.tolerance ? 'match' : 'mismatch';
    return { ...ref, at, obtained, difference, verdict };
  });
}

function missing(ref: Reference, what: string): MfgError {
  return new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `reference ${ref.quantity}: ${what}`, { details: { reference: ref } });
}

function obtain(ref: Reference, run: RunOutcome): { at: string; obtained: number } {
  const p = ref.population ?? 0;
  switch (ref.quantity) {
    case 'exploitability':
    case 'policyValue':
    case 'bestResponseValue': {
      if (!run.rows.length) throw missing(ref, 'this run has no iterations');
      // A run stopped at its tolerance ends before `iteration`: its last iterate is what it returns.
      const last = run.rows[run.rows.length - 1]!;
      const row = ref.iteration === undefined ? last : (run.rows[ref.iteration] ?? last);
      if (ref.quantity === 'exploitability' && ref.population !== undefined && run.finite && run.finite.game.populations.length > 1) {
        const name = run.finite.game.populations[ref.population]?.name;
        if (name === undefined) throw missing(ref, `no population ${ref.population} in this game`);
        return { at: `iteration ${row.iteration}, population ${name}`, obtained: row[`exploitability:${name}`] };
      }
      return { at: `iteration ${row.iteration}`, obtained: row[ref.quantity] };
    }
    case 'actionProbability': {
      const f = run.finite;
      if (!f) throw missing(ref, 'needs a finite game');
      const pop = f.game.populations[p]!;
      const t = ref.epoch ?? 0;
      const s = ref.state ?? 0;
      const a = ref.action ?? 0;
      return { at: `pi_${t}(a=${a} | s=${s})${f.game.populations.length > 1 ? ` of population ${p}` : ''}, final policy`, obtained: f.policy[p]![(t * pop.numStates + s) * pop.numActions + a]! };
    }
    case 'stateMass': {
      const f = run.finite;
      if (!f) throw missing(ref, 'needs a finite game');
      const A = f.game.populations[p]!.numActions;
      const t = ref.epoch ?? 0;
      const s = ref.state ?? 0;
      let m = 0;
      for (let a = 0; a < A; a++) m += f.flow[p]![(t * f.game.populations[p]!.numStates + s) * A + a]!;
      return { at: `mu_${t}(s=${s}) of the final policy's flow`, obtained: m };
    }
    case 'mean':
    case 'variance': {
      const t = ref.epoch ?? 0;
      const e = run.epochs[t];
      if (!e) throw missing(ref, `no epoch ${t} in this run`);
      return { at: `epoch ${t}, ${run.params['samples']} simulated agents`, obtained: e[ref.quantity] };
    }
  }
}
