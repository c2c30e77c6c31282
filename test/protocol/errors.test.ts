import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_CODES } from '../../src/core/errors';
import { protocolDir } from '../../src/server/request-validator';

// protocol/gen-errors.js derives both files from src/core/errors.ts (STYLE.md habits 3 and 5).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const gen = require(path.join(protocolDir(), 'gen-errors.js')) as {
  errorsJson(codes: Record<string, string>): string;
  withTable(markdown: string, codes: Record<string, string>): string;
};

describe('protocol: the error-code table', () => {
  const dir = protocolDir();
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'errors.json'), 'utf8')) as { codes: Record<string, string> };
  const markdown = fs.readFileSync(path.join(dir, 'PROTOCOL.md'), 'utf8');

  it('every code of src/core/errors.ts is in protocol/errors.json with the same message', () => {
    for (const [code, message] of Object.entries(ERROR_CODES)) expect(json.codes[code], code).to.equal(message);
  });

  it('every code of protocol/errors.json exists in src/core/errors.ts', () => {
    const missing = Object.keys(json.codes).filter((c) => !(c in ERROR_CODES));
    expect(missing).to.deep.equal([]);
  });

  it('errors.json and the PROTOCOL.md table are what the generator writes today (npm run gen:protocol)', () => {
    expect(fs.readFileSync(path.join(dir, 'errors.json'), 'utf8')).to.equal(gen.errorsJson(ERROR_CODES));
    expect(markdown).to.equal(gen.withTable(markdown, ERROR_CODES));
  });

  it('every MFG_ERR_ code PROTOCOL.md mentions exists, and codes are MFG_ERR_ in capitals', () => {
    const mentioned = new Set(markdown.match(/MFG_ERR_[A-Z0-9_]+/g) ?? []);
    // `MFG_ERR_SESSION_*` style wildcards must prefix some code
    const unknown = [...mentioned].filter((c) => (c.endsWith('_') ? !Object.keys(ERROR_CODES).some((k) => k.startsWith(c)) : !(c in ERROR_CODES)));
    expect(unknown).to.deep.equal([]);
    for (const code of Object.keys(ERROR_CODES)) expect(code).to.match(/^MFG_ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/);
  });
});
