import { Command } from 'commander';
import { specToJSON } from '../../registry/env-spec';
import { list } from '../../registry/registry';
import { collect, registerEnvs } from '../env-options';

/** `mfgym list [--json] [--load MODULE]`: the registered envs, their descriptions and kwargs. */
export function listCommand(): Command {
  return new Command('list')
    .description('list the registered environments with their descriptions and kwargs (JSON Schemas with defaults)')
    .option('--json', 'print one JSON object {"envs": [{id, kind, description, kwargsSchema}]} on stdout')
    .option('--load <module>', 'a JS module registering extra games (repeatable)', collect, [])
    .action(async (opts: { json?: boolean; load: string[] }) => {
      await registerEnvs(opts.load);
      const specs = list().map(specToJSON);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ envs: specs })}\n`);
        return;
      }
      const lines: string[] = [];
      for (const s of specs) {
        lines.push(`${s.id}  (${s.kind})`);
        lines.push(`  ${firstSentence(s.description)}`);
        const kwargs = Object.entries(s.kwargsSchema.properties ?? {});
        if (kwargs.length) lines.push(`  kwargs: ${kwargs.map(([k, v]) => `${k}=${JSON.stringify(v['default'] ?? null)}`).join(', ')}`);
      }
      lines.push('', `${specs.length} environments; \`mfgym list --json\` gives the full kwargs schemas.`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return m ? m[1]! : text;
}
