import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Dependencies point one way (STYLE.md): core ← registry ← envs; core ← populations ← solvers;
 * {core, registry, populations} ← gym ← server ← cli; gym ← learning ← cli. Nothing imports cli;
 * solvers never import gym or server; only src/populations/generative and src/learning import
 * tfjs, lazily (so `import 'mfgym'` never pays for it).
 */
const ROOT = path.resolve(__dirname, '../..');

// For each layer, the layers it may import from (itself included).
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  registry: ['core', 'registry'],
  envs: ['core', 'registry', 'envs', 'populations'],
  populations: ['core', 'registry', 'populations'],
  solvers: ['core', 'registry', 'populations', 'solvers'],
  gym: ['core', 'registry', 'populations', 'envs', 'solvers', 'gym'],
  server: ['core', 'registry', 'populations', 'envs', 'solvers', 'gym', 'server'],
  // Learning solvers drive the gym env (they learn from samples only), so they sit above gym.
  learning: ['core', 'registry', 'populations', 'envs', 'solvers', 'gym', 'learning'],
  cli: ['core', 'registry', 'populations', 'envs', 'solvers', 'gym', 'server', 'learning', 'cli', 'index'],
  index: ['core', 'registry', 'populations', 'envs', 'solvers', 'gym', 'server', 'learning', 'index'],
};

function layerOf(file: string): string | null {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'envs') return 'envs';
  if (rel[0] !== 'src') return null;
  if (rel.length === 2 && rel[1] === 'index.ts') return 'index';
  return rel[1] ?? null;
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  const out: string[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

describe('architecture: dependencies point one way', () => {
  const files = [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'envs'))];

  it('finds the source tree', () => {
    expect(files.length).to.be.greaterThan(10);
  });

  it('every relative import stays within the layers its layer may use', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file)!;
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = layerOf(path.resolve(path.dirname(file), spec) + (spec.endsWith('.json') ? '' : '.ts'));
        if (target && !(ALLOWED[from] ?? []).includes(target)) violations.push(`${path.relative(ROOT, file)} (${from}) imports ${spec} (${target})`);
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it('only src/populations/generative and src/learning import TensorFlow.js', () => {
    const mayImportTf = [path.join('src', 'populations', 'generative'), path.join('src', 'learning')];
    const offenders = files.filter((f) => !mayImportTf.some((dir) => path.relative(ROOT, f).startsWith(dir)) && imports(f).some((s) => s.startsWith('@tensorflow/')));
    expect(offenders.map((f) => path.relative(ROOT, f))).to.deep.equal([]);
  });
});
