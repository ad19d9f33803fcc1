import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { defaultCluster } from '../examples/default';
import { kubernetes112Cluster } from '../examples/kubernetes-1.12';
import { Testing, VagrantCluster } from '../lib';
import { FLATCAR_MASKED_GOLDEN, maskedFlatcarOutput } from '../scripts/flatcar-golden';
import { flatcarPkiCopy, tempFolder } from './support/flatcar';

const DIST = path.join(__dirname, '..', 'dist.out');

describe('golden output', () => {
  it('re-synthesizing examples/default.ts gives dist.out/ byte for byte', () => {
    const fresh = Testing.synth(defaultCluster());
    const committed = Testing.readFolder(DIST);
    delete (committed as Record<string, string>)['.vagrant'];
    expect(Object.keys(fresh)).to.deep.equal(Object.keys(committed).filter(p => !p.startsWith('.vagrant/')));
    for (const [file, content] of Object.entries(fresh)) {
      expect(content, file).to.equal(committed[file]);
    }
  });

  it('re-synthesizing examples/kubernetes-1.12.ts gives dist.k8s-1.12/ byte for byte', () => {
    const committed = Testing.readFolder(path.join(__dirname, '..', 'dist.k8s-1.12'));
    expect(Testing.synth(kubernetes112Cluster())).to.deep.equal(
      Object.fromEntries(Object.entries(committed).filter(([p]) => !p.startsWith('.vagrant/'))));
  });

  it('re-synthesizing examples/flatcar.ts gives test/golden/flatcar.masked.txt, key material masked', () => {
    const work = tempFolder('flatcar-golden');
    try {
      const fresh = maskedFlatcarOutput(work, flatcarPkiCopy());
      expect(fresh).not.to.match(/PRIVATE KEY-----|BEGIN CERTIFICATE/);
      expect(fresh).to.equal(fs.readFileSync(FLATCAR_MASKED_GOLDEN, 'utf-8'));
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('writes exactly the files of the documented output layout', () => {
    expect(Object.keys(Testing.synth(defaultCluster()))).to.deep.equal([
      'README.md',
      'Vagrantfile',
      'kube/kubelet-master.service',
      'kube/kubelet-minion.service',
      'manifest.json',
      'pods/master/kube-master.yaml',
      'pods/minion/kube-minion.yaml',
      'topology.svg',
      'topology.txt',
      'user-data/etcd-01.yaml', 'user-data/etcd-02.yaml', 'user-data/etcd-03.yaml',
      'user-data/node-01.yaml', 'user-data/node-02.yaml', 'user-data/node-03.yaml', 'user-data/node-04.yaml',
      'verify.sh',
    ]);
  });

  it('fromMembers with the seed head gives the same files as examples/default.ts', () => {
    const fromHead = VagrantCluster.fromMembers({ etcd: [3, 1, 256, 11], node: [4, 2, 2048, 100] },
      { prefix: '10.10.10', ipRange: '10.11.0.0/16' });
    expect(Testing.synth(fromHead)).to.deep.equal(Testing.synth(defaultCluster()));
  });

  it('is deterministic: two synths are byte-identical', () => {
    expect(Testing.synth(defaultCluster())).to.deep.equal(Testing.synth(defaultCluster()));
  });

  it('records every file with its sha256 and construct in manifest.json', () => {
    const files = Testing.synth(defaultCluster());
    const manifest = JSON.parse(files['manifest.json']);
    expect(manifest.generator).to.equal('cdk-vagrant-kubernetes');
    expect(manifest.files.map((f: any) => f.path).sort()).to.deep.equal(Object.keys(files).filter(p => p !== 'manifest.json').sort());
    const master = manifest.files.find((f: any) => f.path === 'pods/master/kube-master.yaml');
    expect(master.constructPath).to.equal('cluster/node/kube-master');
    expect(master.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  it('uses LF line endings and no absolute paths of this machine', () => {
    for (const [file, content] of Object.entries(Testing.synth(defaultCluster()))) {
      expect(content, file).not.to.contain('\r');
      expect(content, file).not.to.contain(path.resolve('.'));
    }
    expect(fs.existsSync(DIST)).to.equal(true);
  });
});
