#!/usr/bin/env node
/**
 * The `mfgym` command line. Each command lives in commands/<name>.ts and exports a factory of
 * its commander Command; adding one is an import and a line in COMMANDS.
 *
 * Every failure prints one line `mfgym: CODE: message` on stderr: MfgErrors (bad input) and
 * argument errors exit 2, anything unexpected exits 1 with MFG_ERR_INTERNAL.
 */
import { Command, CommanderError } from 'commander';
import { isMfgError } from '../core/errors';
import { evaluateCommand } from './commands/evaluate';
import { listCommand } from './commands/list';
import { solveCommand } from './commands/solve';
import { serveCommand } from './commands/serve';
import { populationCommand } from './commands/population';
import { reproduceCommand } from './commands/reproduce';
import { packageVersion } from './run-info';

const COMMANDS: (() => Command)[] = [
  listCommand,
  evaluateCommand,
  solveCommand,
  serveCommand,
  populationCommand,
  reproduceCommand,
];

export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 1;

export function buildProgram(): Command {
  const program = new Command('mfgym')
    .description('Mean Field Game environments for RL: exact solvers, a gym server and generative populations')
    .version(packageVersion());
  for (const make of COMMANDS) program.addCommand(make());
  configure(program);
  return program;
}

/** Commander errors become exceptions (handled in main) instead of printing and exiting itself. */
function configure(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ outputError: () => {} });
  for (const sub of cmd.commands) configure(sub);
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // `mfgym list | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (e) {
    process.exitCode = report(e);
  }
}

function report(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version end here with exit code 0.
    if (e.exitCode === 0) return 0;
    process.stderr.write(`mfgym: MFG_ERR_CLI_BAD_ARGUMENT: ${e.message.replace(/^error: /, '')}\n`);
    return EXIT_BAD_INPUT;
  }
  if (isMfgError(e)) {
    process.stderr.write(`mfgym: ${e.code}: ${firstLine(e.message)}\n`);
    return EXIT_BAD_INPUT;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`mfgym: MFG_ERR_INTERNAL: ${firstLine(err.message)}\n`);
  if (process.env['MFGYM_DEBUG']) process.stderr.write(`${err.stack}\n`);
  return EXIT_INTERNAL;
}

/** The contract is one line per error; multi-line causes (a require stack) keep their first line. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0]!;
}

if (require.main === module) void main();
