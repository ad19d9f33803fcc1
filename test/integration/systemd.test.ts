// systemd itself parses every unit we ship: the kubelet fleet units and every
// unit and drop-in embedded in the cloud-configs, for the seed cluster, another
// cluster, every Kubernetes release the classic profile supports, and the
// Flatcar examples (etcd-member.service, kubelet.service, install-cni-plugins.service,
// apply-addons.service), the HA one with its labelled and tainted pool.
import { expect } from 'chai';
import { requireTools } from './support/tools';
import { UnitUnderTest, Verdict, embeddedUnits, execPrograms, verifyUnit } from './support/systemd';
import { defaultCluster } from '../../examples/default';
import { Testing, VagrantCluster } from '../../lib';
import { CLASSIC_RELEASES } from '../../lib/profiles/classic/releases';
import { otherCluster } from '../support/fixtures';
import { flatcarHaTree, flatcarTree } from '../support/flatcar';

/** The kubelet fleet units (`kube/*.service`) of a tree, as synthesized. */
function fleetUnits(cluster: VagrantCluster): UnitUnderTest[] {
  return Object.entries(Testing.render(cluster))
    .filter(([file]) => /^kube\/[^/]+\.service$/.test(file))
    .map(([file, content]) => ({ source: file, unitName: file.slice('kube/'.length), content }));
}

/** Identical units are verified once; the source names the first one seen. */
function distinct(units: UnitUnderTest[]): UnitUnderTest[] {
  const seen = new Map<string, UnitUnderTest>();
  for (const unit of units) {
    const key = JSON.stringify([unit.unitName, unit.content, unit.dropIn]);
    if (!seen.has(key)) { seen.set(key, unit); }
  }
  return [...seen.values()];
}

function expectAccepted(unit: UnitUnderTest, verdict: Verdict): void {
  expect(verdict.findings, `systemd-analyze verify ${unit.source}`).to.deep.equal([]);
  expect(verdict.result.code, `systemd-analyze verify ${unit.source}`).to.equal(0);
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text).to.contain(from);
  return text.replace(from, to);
}

describe('integration: systemd-analyze verify accepts every unit', function () {
  before(function () {
    requireTools(this, 'systemd-analyze');
  });

  const seed = defaultCluster();
  const seedFleet = fleetUnits(seed);
  const seedEmbedded = embeddedUnits(seed);

  it('accepts both kubelet units of the seed cluster', async () => {
    expect(seedFleet.map(u => u.source)).to.deep.equal(['kube/kubelet-master.service', 'kube/kubelet-minion.service']);
    for (const unit of seedFleet) {
      expectAccepted(unit, await verifyUnit(unit));
    }
  });

  it('accepts every unit and drop-in embedded in the seed cloud-configs, each as a drop-in of its base unit', async () => {
    expect(distinct(seedEmbedded).map(u => u.source)).to.deep.equal([
      'user-data/node-01.yaml flanneld.service.d/50-network-config.conf',
      'user-data/node-01.yaml docker.service.d/40-flannel.conf',
    ]);
    expect(seedEmbedded).to.have.length(8); // two drop-ins on each of the 4 nodes
    for (const unit of distinct(seedEmbedded)) {
      expectAccepted(unit, await verifyUnit(unit));
    }
  });

  it('accepts the units of another cluster and of every supported Kubernetes release', async () => {
    const clusters = [otherCluster(), ...CLASSIC_RELEASES.map(release => otherCluster({ kubernetesVersion: release.knownPatch }))];
    for (const cluster of clusters) {
      expect(fleetUnits(cluster), cluster.kubernetesVersion).to.have.length(2);
      expect(embeddedUnits(cluster), cluster.kubernetesVersion).to.have.length(12); // two drop-ins on each of 6 workers
    }
    // Releases share most unit texts: each distinct text is verified once.
    for (const unit of distinct(clusters.flatMap(cluster => [...fleetUnits(cluster), ...embeddedUnits(cluster)]))) {
      expectAccepted(unit, await verifyUnit(unit));
    }
  });

  it('accepts every unit in the Flatcar cloud-configs: etcd-member.service on each member, the CNI installer and kubelet on each node, the add-on bootstrap on node-01', async () => {
    // The units are in the tree before synthesis: no PKI is needed to read them.
    const units = embeddedUnits(flatcarTree());
    expect(units.map(u => u.source)).to.deep.equal([
      ...['01', '02', '03'].map(n => `cloud-config/etcd-${n}.yaml etcd-member.service`),
      'cloud-config/node-01.yaml install-cni-plugins.service', 'cloud-config/node-01.yaml kubelet.service', 'cloud-config/node-01.yaml apply-addons.service',
      ...['02', '03', '04'].flatMap(n => [`cloud-config/node-${n}.yaml install-cni-plugins.service`, `cloud-config/node-${n}.yaml kubelet.service`]),
    ]);
    // The members' units are one text, so are the CNI installers; the kubelets' differ by --node-ip.
    expect(distinct(units)).to.have.length(1 + 1 + 4 + 1);
    for (const unit of distinct(units)) {
      expectAccepted(unit, await verifyUnit(unit));
    }
    expect(execPrograms(units[0].content!)).to.deep.equal(['/usr/bin/install', '/usr/bin/docker']);
    expect(execPrograms(units[4].content!)).to.deep.equal(['/opt/bin/install-kubelet', '/usr/bin/mkdir', '/opt/bin/kubelet']);
  });

  it('accepts every unit in the Flatcar HA cloud-configs: etcd-member.service on each member, the CNI installer and kubelet on each node, the add-on bootstrap on each control plane', async () => {
    const units = embeddedUnits(flatcarHaTree());
    const node = (vm: string) => ['install-cni-plugins.service', 'kubelet.service'].map(unit => `cloud-config/${vm}.yaml ${unit}`);
    expect(units.map(u => u.source)).to.deep.equal([
      ...['01', '02', '03'].map(n => `cloud-config/etcd-${n}.yaml etcd-member.service`),
      ...['cp-01', 'cp-02', 'cp-03'].flatMap(cp => [...node(cp), `cloud-config/${cp}.yaml apply-addons.service`]),
      ...['worker-01', 'worker-02', 'big-01'].flatMap(node),
    ]);
    // One text for the members, the CNI installers and the add-on bootstraps; the 6 kubelets differ by --node-ip (and big-01's by its label).
    expect(distinct(units)).to.have.length(1 + 1 + 6 + 1);
    const kubelet = (vm: string) => units.find(u => u.source === `cloud-config/${vm}.yaml kubelet.service`)!;
    expect(kubelet('big-01').content).to.contain(' \\\n  --node-labels=disktype=ssd\n');
    for (const unit of distinct(units)) {
      expectAccepted(unit, await verifyUnit(unit));
    }
  });

  it('fails when the big pool\'s kubelet unit loses the line continuation before --node-labels', async () => {
    const unit = embeddedUnits(flatcarHaTree()).find(u => u.source === 'cloud-config/big-01.yaml kubelet.service')!;
    // The flag on a line of its own reads as a key of [Service] named --node-labels.
    const verdict = await verifyUnit({ ...unit, content: replaceOnce(unit.content!, ' \\\n  --node-labels=', '\n--node-labels=') });
    expect(verdict.ok).to.equal(false);
    expect(verdict.findings.join('\n')).to.match(/Unknown key '?--node-labels'? in section \[Service\]/);
  });

  it('stubs the programs of every Exec line, so systemd checks them as executables', () => {
    expect(execPrograms(seedFleet[1].content!)).to.deep.equal(['/opt/bin/wait-for-port', '/usr/bin/kubelet']);
    expect(execPrograms(seedEmbedded[0].dropIn!.content)).to.deep.equal(['/usr/bin/etcdctl']);
  });

  it('fails when a kubelet unit misspells a key (ExecStrat=)', async () => {
    const unit = seedFleet[0];
    const broken = { ...unit, content: replaceOnce(unit.content!, 'ExecStart=', 'ExecStrat=') };
    const verdict = await verifyUnit(broken);
    expect(verdict.ok).to.equal(false);
    expect(verdict.findings.join('\n')).to.match(/Unknown key.*'?ExecStrat'?/);
  });

  it('fails when a drop-in misspells a key (Requries=)', async () => {
    const unit = seedEmbedded[0];
    const broken = { ...unit, dropIn: { ...unit.dropIn!, content: replaceOnce(unit.dropIn!.content, 'Requires=', 'Requries=') } };
    const verdict = await verifyUnit(broken);
    expect(verdict.ok).to.equal(false);
    expect(verdict.findings.join('\n')).to.match(/50-network-config\.conf.*Unknown key.*Requries/);
  });

  it('fails when a unit has a value systemd cannot parse (Restart=sometimes)', async () => {
    const unit = seedFleet[1];
    const broken = { ...unit, content: replaceOnce(unit.content!, 'Restart=on-failure', 'Restart=sometimes') };
    const verdict = await verifyUnit(broken);
    expect(verdict.ok).to.equal(false);
    expect(verdict.findings.join('\n')).to.contain('sometimes');
  });
});
