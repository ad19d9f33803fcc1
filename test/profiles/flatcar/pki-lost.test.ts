// A new PKI beside an output an earlier PKI made: the machines set up from that output no longer
// match, and the Secrets they stored are lost with the old encryption key. Synth says so.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { flatcarCluster } from '../../../examples/flatcar';
import { flatcarPkiCopy, tempFolder } from '../../support/flatcar';

const LOST = 'holds no Kubernetes CA, so synth makes a new PKI, but';

describe('a PKI folder lost beside its output', function () {
  this.timeout(120_000);
  let folder: string;
  let pkiDir: string;
  beforeEach(() => {
    folder = tempFolder('pki-lost');
    pkiDir = flatcarPkiCopy();
  });
  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(pkiDir, { recursive: true, force: true });
  });

  it('warns when a new PKI is made for an output that holds a cluster, and only then', () => {
    const outdir = path.join(folder, 'out');
    const first = flatcarCluster(outdir, pkiDir).synth();
    expect(first.warnings.filter(w => w.includes(LOST))).to.deep.equal([]);
    const fresh = path.join(folder, 'fresh.pki');
    const second = flatcarCluster(outdir, fresh).synth();
    expect(second.warnings.filter(w => w.includes(LOST))).to.deep.equal([
      `[cluster/pki] PKI folder ${fresh} ${LOST} ${outdir} holds a cluster made with another one (its admin.kubeconfig): the machines set up `
        + 'from that output no longer match the new certificates and keys, and the Secrets they stored were encrypted with a key that is gone; '
        + 'restore the PKI folder that made them if you have it, else recreate the machines',
    ]);
    // Once made, the new PKI is the output's: no warning again.
    expect(flatcarCluster(outdir, fresh).synth().warnings.filter(w => w.includes(LOST))).to.deep.equal([]);
  });

  it('does not warn for a first synth into an empty or missing outdir', () => {
    expect(flatcarCluster(path.join(folder, 'new-out'), path.join(folder, 'new.pki')).synth().warnings.filter(w => w.includes(LOST))).to.deep.equal([]);
  });
});
