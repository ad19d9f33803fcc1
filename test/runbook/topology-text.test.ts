import { expect } from 'chai';
import { Testing } from '../../lib';
import { TopologyModel, wrapText } from '../../lib/runbook/topology-layout';
import { renderTopologyText } from '../../lib/runbook/topology-text';
import { otherCluster, seedFiles } from '../support/fixtures';
import { sizedCluster, twentyFiveVms } from './runbook-fixtures';

const lines = (text: string) => text.replace(/\n$/, '').split('\n');

describe('topology.txt', () => {
  it('draws the seed cluster on one row under the host network, nodes at .100-.103', () => {
    const text = seedFiles()['topology.txt'];
    expect(lines(text)[0]).to.equal('Kubernetes 1.1.7 on Vagrant (classic profile): 7 VMs, 3 etcd peers, 1 kube master, 3 kube minions');
    expect(text.match(/host-only network 10\.10\.10\.0\/24/g)).to.have.length(1);
    const addressLine = lines(text).find(line => line.includes('10.10.10.11│'))!;
    expect(addressLine.match(/10\.10\.10\.\d+│/g)).to.deep.equal(
      ['10.10.10.11│', '10.10.10.12│', '10.10.10.13│', '10.10.10.100│', '10.10.10.101│', '10.10.10.102│', '10.10.10.103│']);
    expect(text).not.to.contain('10.10.10.104');
  });

  it('stacks what runs on each VM: pod and containers, kubelet, fleet, etcd2 peer or proxy', () => {
    const text = seedFiles()['topology.txt'];
    const column = (name: string) => {
      const all = lines(text);
      const row = all.findIndex(line => line.includes(`│ ${name} `));
      const x = all[row].indexOf(`│ ${name} `);
      const end = all[row].indexOf('│', x + 1);
      return all.slice(row).map(line => line.slice(x + 1, end).trim()).filter(cell => /^[a-z]/.test(cell));
    };
    expect(column('node-01')).to.deep.equal(
      ['node-01', 'kube master', 'pod', 'kube-master', 'apiserver', 'controller-', 'manager', 'scheduler', 'kubelet', 'fleet', 'etcd2 proxy']);
    expect(column('node-03')).to.deep.equal(['node-03', 'kube minion', 'pod', 'kube-minion', 'proxy', 'kubelet', 'fleet', 'etcd2 proxy']);
    expect(column('etcd-02').slice(0, 5)).to.deep.equal(['etcd-02', 'etcd', 'peer', 'etcd2', 'peer']);
  });

  it('names every VM and address of another cluster, each once', () => {
    const text = Testing.render(otherCluster())['topology.txt'];
    for (const [name, ip] of [
      ...[1, 2, 3, 4, 5].map(i => [`kv-0${i}`, `192.168.56.${20 + i}`]),
      ...[1, 2, 3, 4, 5, 6].map(i => [`worker-0${i}`, `192.168.56.${50 + i}`]),
    ]) {
      expect(text.match(new RegExp(`│ ${name} `, 'g')), name).to.have.length(1);
      expect(text.match(new RegExp(`${ip.replace(/\./g, '\\.')}│`, 'g')), ip).to.have.length(1);
    }
    expect(text).to.contain('host-only network 192.168.56.0/24');
  });

  it('keeps every line within 120 characters at 25 VMs, wrapping into rows that each hang off the network', () => {
    const text = Testing.render(twentyFiveVms())['topology.txt'];
    const long = lines(text).filter(line => [...line].length > 120);
    expect(long, long.join('\n')).to.deep.equal([]);
    const bars = text.match(/host-only network 192\.168\.100\.0\/24/g)!;
    expect(bars.length).to.be.greaterThan(2);
    for (let i = 1; i <= 22; i++) {
      expect(text, `node-${i}`).to.contain(`│ node-${String(i).padStart(2, '0')} `);
      expect(text).to.contain(`192.168.100.${99 + i}│`);
    }
  });

  it('stays within the limit at any size, with long tier names and the widest addresses', () => {
    for (const [etcd, nodes] of [[1, 2], [5, 40], [9, 120]]) {
      const text = Testing.render(sizedCluster(etcd, nodes, { prefix: '172.16.254' }))['topology.txt'];
      expect(Math.max(...lines(text).map(line => [...line].length)), `${etcd}+${nodes}`).to.be.at.most(120);
    }
    const model: TopologyModel = {
      title: 'x'.repeat(300),
      notes: [],
      network: 'n',
      interfaceName: 'eth1',
      tiers: [{ name: 't', caption: 't', machines: [{ name: 'm'.repeat(200), ip: '255.255.255.255', role: 'r', layers: [{ title: 'a-'.repeat(90), items: ['b'.repeat(150)] }] }] }],
    };
    expect(Math.max(...lines(renderTopologyText(model)).map(line => [...line].length))).to.be.at.most(120);
  });

  it('draws a character outside the BMP whole, and a line of 200,000 characters whole', () => {
    const model: TopologyModel = {
      title: 'emoji',
      notes: [],
      network: 'n',
      interfaceName: 'eth1',
      tiers: [{ name: 't', caption: 't', machines: [{ name: 'vm', ip: '10.0.0.1', role: '🚀 rocket', layers: [{ title: 'pod 😀', items: ['a😀b'] }] }] }],
    };
    // Columns count code points; padding counts UTF-16 units, so a line with an emoji is one column shorter,
    // which a terminal that draws the emoji two columns wide shows aligned.
    expect(lines(renderTopologyText(model)).slice(10)).to.deep.equal(
      ['│ vm     │', '│ 🚀     │', '│ rocket │', '├────────┤', '│ pod 😀 │', '│  a😀b  │', '└────────┘']);

    // Wider than one call can take as arguments (about 125,000 on Node's default stack), so it is made in parts.
    const wide = renderTopologyText({ ...model, network: 'w'.repeat(200_000) }, 200_010);
    expect(lines(wide)[3] === `│ ${'w'.repeat(200_000)} │`, 'the network bar holds the whole label').to.equal(true);
  });

  it('wraps text at spaces, then after hyphens when asked, then hard', () => {
    expect(wrapText('kube master', 11)).to.deep.equal(['kube master']);
    expect(wrapText('kube master', 8)).to.deep.equal(['kube', 'master']);
    expect(wrapText('controller-manager', 12, true)).to.deep.equal(['controller-', 'manager']);
    expect(wrapText('controller-manager', 12)).to.deep.equal(['controller-m', 'anager']);
    expect(wrapText('', 5)).to.deep.equal(['']);
  });
});
