// The metal target sits beside the Vagrant one: the neutral core loads neither (a type at most),
// and neither target loads the other.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { layerViolations, sourcesUnder } from '../support/imports';

const LIB = path.join(__dirname, '..', '..', 'lib');
const CORE = ['cluster', 'synth', 'formats', 'pki', 'addons', 'runbook'];

describe('layout of the metal target', () => {
  it('is loaded by no core source and by no profile: they refer to it with `import type` at most', () => {
    const violations = [...CORE, 'profiles'].flatMap(folder => sourcesUnder(LIB, folder))
      .flatMap(file => layerViolations(LIB, file, fs.readFileSync(path.join(LIB, file), 'utf-8'), ['metal']));
    expect(violations.map(v => `lib/${v.file}:${v.line} ${v.text}`)).to.deep.equal([]);
  });

  it('neither target loads the other', () => {
    const check = (from: string, to: string) => sourcesUnder(LIB, from)
      .flatMap(file => layerViolations(LIB, file, fs.readFileSync(path.join(LIB, file), 'utf-8'), [to]));
    expect([...check('metal', 'vagrant'), ...check('vagrant', 'metal')].map(v => `lib/${v.file}:${v.line} ${v.text}`)).to.deep.equal([]);
  });

  it('fails when a core source loads the metal target', () => {
    const violations = layerViolations(LIB, path.join('cluster', 'fabricated.ts'), 'import { MetalCluster } from \'../metal/metal-cluster\';\n', ['metal']);
    expect(violations.map(v => v.target)).to.deep.equal(['metal/metal-cluster']);
  });
});
