import type { RunInfo } from '../run-info';
import type { ReproduceConfig } from './config';
import type { CheckedReference } from './references';
import type { RunOutcome } from './run-config';

/** The run's headline verdict: every comparable reference matched (and there was at least one). */
export function overallVerdict(checked: readonly CheckedReference[]): 'match' | 'mismatch' | 'no comparable reference' {
  const judged = checked.filter((c) => c.verdict !== 'not comparable');
  if (!judged.length) return 'no comparable reference';
  return judged.every((c) => c.verdict === 'match') ? 'match' : 'mismatch';
}

/** A short markdown report: what ran, the run next to its references, match or mismatch, the plots. */
export function reportMarkdown(config: ReproduceConfig, run: RunOutcome, checked: readonly CheckedReference[], info: RunInfo, plots: readonly string[]): string {
  const lines: string[] = [];
  lines.push(`# ${config.title}`, '', config.description, '');
  lines.push(`**Verdict: ${overallVerdict(checked)}**`, '');
  lines.push('| | |', '|---|---|');
  lines.push(`| config | \`${config.name}\` |`);
  lines.push(`| env | \`${run.env}\` ${'`'}${JSON.stringify(run.kwargs)}${'`'} |`);
  lines.push(`| algorithm | \`${run.algo}\` ${'`'}${JSON.stringify(run.params)}${'`'} |`);
  if (run.rows.length) {
    const last = run.rows[run.rows.length - 1]!;
    lines.push(`| iterations | ${run.completedIterations} of ${config.iterations} (${run.stopped}${config.tol !== undefined ? `, tol ${config.tol}` : ''}) |`);
    lines.push(`| exploitability | ${run.rows[0]!.exploitability.toPrecision(6)} -> ${last.exploitability.toPrecision(6)} |`);
  } else {
    lines.push(`| agents | ${run.params['samples']} |`);
    lines.push(`| max W2 to the closed form | ${Math.max(...run.epochs.map((e) => e.w2)).toPrecision(4)} |`);
  }
  lines.push(`| seed | ${run.seed} |`);
  lines.push(`| backend | ${info.backend.name}, ${info.backend.precision}, ${info.backend.runtime} ${info.versions.node} |`);
  lines.push(`| mfgym | ${info.versions.mfgym} |`, '');
  lines.push('## References', '');
  if (!checked.length) lines.push('No published figure for this run: it is shipped for its pictures.', '');
  else {
    lines.push('| quantity | at | reference | obtained | difference | tolerance | verdict | source |', '|---|---|---|---|---|---|---|---|');
    for (const c of checked) {
      lines.push(`| ${c.quantity} | ${cell(c.at)} | ${num(c.value)} | ${num(c.obtained)} | ${c.difference.toExponential(2)} | ${c.tolerance.toExponential(2)} | **${c.verdict}** | ${cell(c.source)} |`);
    }
    lines.push('');
    for (const c of checked) if (c.note) lines.push(`- ${c.quantity} (${c.at}): ${c.note}`);
    if (checked.some((c) => c.note)) lines.push('');
  }
  lines.push('## Plots', '');
  for (const p of plots) lines.push(`![${p}](${p})`, '');
  return `${lines.join('\n')}\n`;
}

/** A markdown table cell: a literal | (as in pi(a | s)) would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(10);
}
