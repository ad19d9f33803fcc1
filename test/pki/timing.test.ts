import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Pki } from '../../lib/pki/pki';
import { tempDir } from '../support/snapshot';
import { clusterSpec } from './support';

// synth() is synchronous and runs on every edit: report what the PKI costs it.
// Nothing is asserted about speed (machines differ); the numbers are printed.
describe('pki: timing', () => {
  let parent: string;
  beforeEach(() => { parent = tempDir(); });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('reports how long a cluster PKI takes to generate and to reuse (3 CAs, 14 certificates, 1 key pair)', () => {
    const spec = clusterSpec();
    const dir = path.join(parent, 'pki');
    const started = process.hrtime.bigint();
    const created = Pki.loadOrCreate(dir, spec);
    const generatedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const reuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const again = process.hrtime.bigint();
      expect(Pki.loadOrCreate(dir, spec).written).to.deep.equal([]);
      reuses.push(Number(process.hrtime.bigint() - again) / 1e6);
    }
    expect(created.written).to.have.length(36);
    process.stdout.write(`      generate: ${generatedMs.toFixed(0)} ms for 18 keys and 17 certificates; `
      + `reuse: ${reuses.map(ms => ms.toFixed(0)).join(', ')} ms\n`);
  });
});
