import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { MfgError } from '../../core/errors';
import { checkSeed } from '../../core/rng';
import { runInfo } from '../run-info';
import { loadConfig, shippedConfigDir, shippedConfigNames } from '../reproduce/config';
import { checkReferences } from '../reproduce/references';
import { writeResults } from '../reproduce/results-folder';
import { runConfig } from '../reproduce/run-config';
import { EXIT_INTERRUPTED, interruptOnSigint } from '../interrupt';

interface ReproduceOptions {
  out?: string;
  seed?: string;
  list?: boolean;
  json?: boolean;
}

/** Exit status when a comparable reference is not matched (the results are still written). */
export const EXIT_MISMATCH = 3;

/**
 * `mfgym reproduce CONFIG`: runs a shipped (or given) config and writes a results folder with
 * the metrics, the plots and a report that puts the run next to its published figures.
 */
export function reproduceCommand(): Command {
  return new Command('reproduce')
    .description('re-run a published baseline from a config (shipped: see --list) and write a results folder with metrics, plots and a report against the reference figures')
    .argument('[config]', 'a shipped config name (see --list) or a path to a config JSON file')
    .option('--out <dir>', 'results folder (default: ./mfgym-reproduce/<config>)')
    .option('--seed <s>', "override the config's seed (recorded in the results)")
    .option('--list', 'list the shipped configs and exit')
    .option('--json', 'print exactly one JSON object on stdout (no progress bar, no summary)')
    .addHelpText('after', `\nShipped configs: ${shippedConfigDir()}\nExit status 3 when a comparable reference is not matched; SIGINT (Ctrl-C) stops after the current iteration, writes the results and exits with 130.`)
    .action(async (spec: string | undefined, opts: ReproduceOptions) => {
      if (opts.list) {
        process.stdout.write(listing(opts.json === true));
        return;
      }
      if (!spec) throw new MfgError('MFG_ERR_CLI_BAD_ARGUMENT', `missing CONFIG: one of ${shippedConfigNames().join(', ')}, or a path to a JSON file`, { details: {} });
      const { config } = loadConfig(spec);
      const seed = opts.seed === undefined ? config.seed : checkSeed(parseSeed(opts.seed), '--seed');
      const dir = path.resolve(opts.out ?? path.join('mfgym-reproduce', config.name));

      const interrupt = interruptOnSigint();
      const total = config.iterations ?? 0;
      const bar = !opts.json && process.stderr.isTTY && total > 0 ? new SingleBar({ stream: process.stderr, format: `${config.name} {bar} {value}/{total} | exploitability {expl} | {duration_formatted} elapsed, eta {eta_formatted}`, hideCursor: true }) : null;
      bar?.start(total, 0, { expl: '-' });
      // Without a bar one line says the run started, written once the SIGINT handler is in place.
      if (!bar) process.stderr.write(`mfgym: reproducing ${config.name} (${config.env}, ${config.algo ?? config.kind}), seed ${seed}\n`);
      let run;
      try {
        run = await runConfig(config, seed, { signal: interrupt.signal, onIteration: (i, e) => bar?.update(i, { expl: e.toPrecision(4) }) });
      } finally {
        bar?.stop();
        interrupt.release();
      }
      const checked = checkReferences(config.references, run);
      const info = runInfo();
      // The LQ run simulates agents (float64 Monte Carlo), it does not run the tabular kernels.
      if (run.lq) info.backend.name = 'monte-carlo-particles';
      const written = writeResults(dir, config, run, checked, info);
      if (opts.json) process.stdout.write(`${JSON.stringify({ config: config.name, dir, seed, verdict: written.verdict, stopped: run.stopped, files: written.files, references: checked })}\n`);
      else {
        const lines = [`${config.title}: ${written.verdict}`];
        for (const c of checked) lines.push(`  ${c.verdict.padEnd(14)} ${c.quantity} at ${c.at}: obtained ${c.obtained.toPrecision(10)}, reference ${c.value} ± ${c.tolerance} (${c.source})`);
        lines.push(`results written to ${dir} (${written.files.join(', ')})`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (run.stopped === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
      else if (written.verdict === 'mismatch') process.exitCode = EXIT_MISMATCH;
    });
}

function listing(json: boolean): string {
  const rows = shippedConfigNames().map((name) => {
    const { config } = loadConfig(name);
    return { name, env: config.env, algo: config.algo ?? config.kind, fast: config.fast, references: config.references.length, title: config.title };
  });
  if (json) return `${JSON.stringify(rows)}\n`;
  return `${rows.map((r) => `${r.name.padEnd(28)} ${r.env.padEnd(30)} ${r.algo.padEnd(15)} ${r.fast ? 'fast' : 'slow'}  ${r.title}`).join('\n')}\n`;
}

function parseSeed(text: string): number {
  const v = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(v)) throw new MfgError('MFG_ERR_SEED_INVALID', `--seed ${JSON.stringify(text)} is not a number`, { details: { flag: '--seed', value: text } });
  return v;
}
