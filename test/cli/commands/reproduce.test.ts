import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { epochsToShow, heatmapGridSvg, viridis } from '../../../src/cli/heatmap-svg';
import { checkConfig, loadConfig, shippedConfigNames } from '../../../src/cli/reproduce/config';
import { registerBuiltinEnvs } from '../../../envs/index';
import { list, register } from '../../../src/registry/registry';
import { coupledLeftRightSpec } from '../../gym/coupled-left-right';
import { checkReferences } from '../../../src/cli/reproduce/references';
import { runConfig } from '../../../src/cli/reproduce/run-config';
import { runCli, startCli, tempDir } from '../run-cli';

/** Set MFGYM_REPRODUCE_ALL=1 to check the slow configs too (four-rooms-fp: no references, pictures only). */
const ALL = process.env['MFGYM_REPRODUCE_ALL'] === '1';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('mfgym reproduce: every shipped config lands on its stored reference figures', () => {
  for (const name of shippedConfigNames()) {
    const { config } = loadConfig(name);
    if (!config.fast && !ALL) continue;
    it(`${name}: comparable references match, incomparable ones are shown and not judged`, async () => {
      const run = await runConfig(config, config.seed);
      const checked = checkReferences(config.references, run);
      expect(checked).to.have.length(config.references.length);
      for (const c of checked) {
        const expected = c.comparable === false ? 'not comparable' : 'match';
        expect(c.verdict, `${c.quantity} at ${c.at}: obtained ${c.obtained}, reference ${c.value} ± ${c.tolerance}`).to.equal(expected);
        if (expected === 'match') expect(Math.abs(c.obtained - c.value)).to.be.at.most(c.tolerance);
      }
    });
  }

  it('the OpenSpiel crowd_modelling figures are recorded as not comparable, and differ from mfgym by more than their tolerance', async () => {
    // An honest record: mfgym's CrowdModelling1D charges the move cost at the epoch of the move
    // (DESIGN §2), OpenSpiel one epoch later, so its NashConv after 10 iterations is another number.
    for (const name of ['crowd1d-fp-openspiel', 'crowd1d-omd-openspiel', 'crowd1d-fixed-point-openspiel']) {
      const { config } = loadConfig(name);
      const [c] = checkReferences(config.references, await runConfig(config, config.seed));
      expect(c!.verdict).to.equal('not comparable');
      expect(c!.difference, name).to.be.greaterThan(c!.tolerance);
    }
  });
});

describe('reproduce on a multi-population game', () => {
  it('records each population\'s exploitability (summing to the total) and judges a per-population reference', async () => {
    registerBuiltinEnvs();
    if (!list().some((s) => s.id === coupledLeftRightSpec.id)) register(coupledLeftRightSpec);
    const config = checkConfig(
      {
        title: 'coupled',
        description: 'two populations',
        env: 'test/CoupledLeftRight-v0',
        algo: 'fp',
        iterations: 5,
        references: [{ quantity: 'exploitability', iteration: 0, population: 1, value: 5 / 12, tolerance: 1e-12, source: 'hand-computed, below' }],
      },
      'coupled',
      'coupled.json',
    );
    const run = await runConfig(config, 0);
    for (const row of run.rows) expect(row['exploitability:red'] + row['exploitability:blue']).to.be.closeTo(row.exploitability, 1e-12);
    const [c] = checkReferences(config.references, run);
    expect(c!.at).to.equal('iteration 0, population blue');
    expect(c!.verdict).to.equal('match');
    expect(c!.obtained).to.equal(run.rows[0]!['exploitability:blue']);
    // Blue under the uniform flows: V^pi = (1/3)(-7/12) + (1/3)(-7/6) + (1/3)(-1/4) = -2/3; the best
    // response stays in the centre (-1/4, the largest of -7/12, -7/6, -1/4): exploitability 5/12.
    expect(c!.obtained).to.be.closeTo(5 / 12, 1e-15);
    // Red: V^pi = (1/2)(-2/3) + (1/2)(-4/3) = -1, the best response goes left (-2/3): 1/3.
    expect(run.rows[0]!['exploitability:red']).to.be.closeTo(1 / 3, 1e-15);
  });
});

describe('mfgym reproduce (the built CLI)', () => {
  it('--list names every shipped config with its env and solver, and each built-in exact solver has one', () => {
    const r = runCli(['reproduce', '--list', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { name: string; algo: string; env: string }[];
    expect(rows.map((x) => x.name)).to.deep.equal(shippedConfigNames());
    for (const algo of ['fp', 'fixed-point', 'omd', 'momd', 'bpi', 'prior-descent', 'lq-closed-form']) expect(rows.map((x) => x.algo)).to.include(algo);
  });

  it('writes the results folder: config, run (seed, versions, backend), metrics JSON = CSV, SVG + PNG plots, heatmaps, report', () => {
    const dir = path.join(tempDir(), 'out');
    const r = runCli(['reproduce', 'crowd-motion-fp', '--out', dir, '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).to.equal('match');
    for (const f of ['config.json', 'run.json', 'metrics.json', 'metrics.csv', 'exploitability.svg', 'exploitability.png', 'density.svg', 'density.png', 'report.md']) {
      expect(fs.existsSync(path.join(dir, f)), f).to.equal(true);
    }
    const run = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(run).to.include({ config: 'crowd-motion-fp', env: 'CrowdMotion-v0', algo: 'fp', seed: 0, completedIterations: 30, verdict: 'match' });
    expect(run.backend.precision).to.equal('float64');
    expect(run.versions.node).to.equal(process.versions.node);
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as { iteration: number; exploitability: number }[];
    expect(metrics).to.have.length(31);
    // Iteration 0 is the uniform policy: the dense numpy reference's figure, to 1e-9.
    expect(metrics[0]!.exploitability).to.be.closeTo(1.4674829515747163, 1e-9);
    const csv = fs.readFileSync(path.join(dir, 'metrics.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).to.equal('iteration,exploitability,bestResponseValue,policyValue,seconds');
    csv.slice(1).forEach((line, i) => expect(Number(line.split(',')[1])).to.equal(metrics[i]!.exploitability));
    expect(fs.readFileSync(path.join(dir, 'exploitability.png')).subarray(0, 8).equals(PNG_SIGNATURE)).to.equal(true);
    // 4 epochs of a 20x20 grid: 1600 cells, plus the colour bar's 32 steps and the frames.
    const density = fs.readFileSync(path.join(dir, 'density.svg'), 'utf8');
    expect(density.match(/<rect [^>]*fill="#/g)!.length).to.equal(1600 + 32);
    const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(report).to.contain('**Verdict: match**');
    expect(report).to.contain('test/envs/dense-reference.py');
    expect(report).to.contain('![density.png](density.png)');
  });

  it('same config and seed, same numbers; the LQ run follows its seed', () => {
    const base = tempDir();
    const metricsOf = (name: string, seed: string, sub: string): Record<string, number>[] => {
      const r = runCli(['reproduce', name, '--seed', seed, '--out', path.join(base, sub), '--json']);
      expect(r.status, r.stderr).to.equal(0);
      const rows = JSON.parse(fs.readFileSync(path.join(base, sub, 'metrics.json'), 'utf8')) as Record<string, number>[];
      return rows.map(({ seconds: _s, ...rest }) => rest);
    };
    expect(metricsOf('rps-omd', '3', 'a')).to.deep.equal(metricsOf('rps-omd', '3', 'b'));
    const lq1 = metricsOf('lq-closed-form', '7', 'c');
    expect(lq1).to.deep.equal(metricsOf('lq-closed-form', '7', 'd'));
    expect(lq1[99]!['variance']).to.not.equal(metricsOf('lq-closed-form', '8', 'e')[99]!['variance']);
    const lqRun = JSON.parse(fs.readFileSync(path.join(base, 'c', 'run.json'), 'utf8'));
    expect(lqRun.seed).to.equal(7);
    expect(lqRun.backend.name).to.equal('monte-carlo-particles');
    for (const f of ['distribution.svg', 'distribution.png', 'report.md']) expect(fs.existsSync(path.join(base, 'c', f)), f).to.equal(true);
    expect(fs.existsSync(path.join(base, 'c', 'exploitability.svg'))).to.equal(false);
  });

  it('a reference the run misses is a mismatch: exit status 3, the report says so, the results are still written', () => {
    const dir = tempDir();
    const file = path.join(dir, 'wrong.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        title: 'LeftRight OMD against a wrong figure',
        description: 'P(left) is 2/3, not 1/2',
        env: 'LeftRight-v0',
        algo: 'omd',
        params: { alpha: 1 },
        iterations: 50,
        references: [{ quantity: 'actionProbability', epoch: 0, state: 0, action: 0, value: 0.5, tolerance: 1e-3, source: 'a deliberately wrong figure' }],
      }),
    );
    const r = runCli(['reproduce', file, '--out', path.join(dir, 'out')]);
    expect(r.status, r.stderr).to.equal(3);
    expect(r.stdout).to.match(/mismatch\s+actionProbability/);
    expect(fs.readFileSync(path.join(dir, 'out', 'report.md'), 'utf8')).to.contain('**Verdict: mismatch**');
  });

  it('SIGINT stops after the current iteration, still writes the results folder, exits 130', async function () {
    this.timeout(30000);
    const dir = tempDir();
    const file = path.join(dir, 'long.json');
    fs.writeFileSync(file, JSON.stringify({ title: 'a long run', description: 'interrupted on purpose', env: 'LeftRight-v0', algo: 'fp', iterations: 20000000, references: [] }));
    const out = path.join(dir, 'out');
    const child = startCli(['reproduce', file, '--out', out, '--json']);
    try {
      let stderr = '';
      const started = new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('mfgym: reproducing long')) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await started;
      child.kill('SIGINT');
      expect(await exited, stderr).to.equal(130);
      const run = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8'));
      expect(run.stopped).to.equal('interrupted');
      const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as unknown[];
      expect(metrics).to.have.length(run.completedIterations + 1);
      expect(run.completedIterations).to.be.below(20000000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('an unknown config or a malformed one fails with MFG_ERR_CLI_BAD_ARGUMENT (exit 2)', () => {
    const r = runCli(['reproduce', 'no-such-config']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^mfgym: MFG_ERR_CLI_BAD_ARGUMENT: no reproduce config "no-such-config"/);
    const file = path.join(tempDir(), 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ title: 't', description: 'd', env: 'LeftRight-v0', algo: 'omd', references: [] }));
    const b = runCli(['reproduce', file]);
    expect(b.status).to.equal(2);
    expect(b.stderr).to.contain('"iterations" is required');
  });
});

describe('heatmap grid', () => {
  it('one colour scale: equal masses get equal colours in every panel, the maximum is the top of viridis', () => {
    const svg = heatmapGridSvg(
      [
        { label: 'a', values: [0, 0.25, 0.5, 1] },
        { label: 'b', values: [0.25, 0, 0, 0.5] },
      ],
      { rows: 2, cols: 2, gamma: 1 },
    );
    const fills = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="(#[0-9a-f]{6})"\/>/g)].map((m) => m[1]);
    // Panel a's cells, then panel b's (the colour bar follows).
    expect(fills[1]).to.equal(fills[4]);
    expect(fills[2]).to.equal(fills[7]);
    expect(fills[0]).to.equal(viridis(0));
    expect(fills[3]).to.equal(viridis(1));
    expect(viridis(0)).to.equal('#440154');
    expect(viridis(1)).to.equal('#fde725');
  });

  it('epochsToShow spreads at most `max` epochs, first and last included', () => {
    expect(epochsToShow(4, 8)).to.deep.equal([0, 1, 2, 3]);
    expect(epochsToShow(40, 8)).to.deep.equal([0, 6, 11, 17, 22, 28, 33, 39]);
  });
});
