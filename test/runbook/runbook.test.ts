import { expect } from 'chai';
import { Testing } from '../../lib';
import { otherCluster, seedFiles } from '../support/fixtures';
import { sizedCluster } from './runbook-fixtures';

/** The lines of the fenced block that starts with `$ <command>`. */
function shownOutput(readme: string, command: string): string[] {
  const block = readme.split('```').find(part => part.startsWith(`\n$ ${command}\n`));
  expect(block, `a block showing ${command}`).to.not.equal(undefined);
  return block!.trim().split('\n').slice(1);
}

describe('README.md (the runbook in the output folder)', () => {
  const readme = seedFiles()['README.md'];

  it('lists every VM with its address, role, CPUs, memory and fleet metadata', () => {
    expect(readme).to.contain('| `etcd-01` | 10.10.10.11 | etcd peer | 1 | 256 MiB |  |');
    expect(readme).to.contain('| `node-01` | 10.10.10.100 | kube master | 2 | 2048 MiB | `core=node,kube=master` |');
    expect(readme).to.contain('| `node-04` | 10.10.10.103 | kube minion | 2 | 2048 MiB | `core=node,kube=minion` |');
    expect(readme).to.contain('room for 7 VMs: 11 CPUs and 8960 MiB of memory in total');
  });

  it('gives the prerequisites: Vagrant version, the box, and the networks.conf line for this prefix', () => {
    expect(readme).to.contain('- Vagrant >= 1.8.0');
    expect(seedFiles().Vagrantfile).to.contain('Vagrant.require_version ">= 1.8.0"');
    expect(readme).to.contain('VirtualBox 6.1.28 and later');
    expect(readme).to.contain('```\n* 10.10.10.0/24\n```');
    expect(readme).to.contain('kubectl v1.1.7');
  });

  it('needs no networks.conf line for a prefix inside 192.168.56.0/21, but says what the file must hold if it exists', () => {
    const other = Testing.render(otherCluster())['README.md'];
    expect(other).not.to.contain('* 192.168.56.0/24');
    expect(other).to.contain('This cluster uses 192.168.56.0/24, inside that default range: nothing to do');
    expect(other).to.contain('```\n* 192.168.56.0/21\n```');
    expect(other).not.to.contain('remove the line');
  });

  it('brings the cluster up with Vagrant and starts the kubelets with fleet through the first etcd peer', () => {
    expect(readme).to.contain('```sh\nvagrant up --provider virtualbox\n```');
    expect(shownOutput(readme, 'fleetctl --endpoint http://10.10.10.11:2379 list-machines')).to.deep.equal([
      'MACHINE   IP             METADATA',
      '...       10.10.10.100   core=node,kube=master',
      '...       10.10.10.101   core=node,kube=minion',
      '...       10.10.10.102   core=node,kube=minion',
      '...       10.10.10.103   core=node,kube=minion',
    ]);
    expect(readme).to.contain('$ fleetctl --endpoint http://10.10.10.11:2379 start kube/*.service');
    expect(readme).to.contain('- `kubelet-minion.service` (global, `MachineMetadata=kube=minion`) runs on node-02, node-03 and node-04.');
  });

  it('says what to wait for', () => {
    expect(readme).to.contain('Each kubelet first pulls `gcr.io/google_containers/hyperkube:v1.1.7`');
    expect(readme).to.contain('until curl -fsS http://10.10.10.100:8080/healthz; do sleep 10; done');
  });

  it('shows what kubectl should print on 1.1.7: the minions as nodes, the master pod 3/3 and a proxy pod 1/1 per minion', () => {
    expect(shownOutput(readme, 'kubectl --server http://10.10.10.100:8080 cluster-info')).to.deep.equal(
      ['Kubernetes master is running at http://10.10.10.100:8080']);
    expect(shownOutput(readme, 'kubectl --server http://10.10.10.100:8080 get nodes')).to.deep.equal([
      'NAME           STATUS', '10.10.10.101   Ready', '10.10.10.102   Ready', '10.10.10.103   Ready',
    ]);
    expect(readme).to.contain('node-01 is not listed: its kubelet runs with `--register-node=false`');
    expect(shownOutput(readme, 'kubectl --server http://10.10.10.100:8080 get pods')).to.deep.equal([
      'NAME                       READY   STATUS',
      'kube-master-node-01        3/3     Running',
      'kube-minion-10.10.10.101   1/1     Running',
      'kube-minion-10.10.10.102   1/1     Running',
      'kube-minion-10.10.10.103   1/1     Running',
    ]);
  });

  it('from 1.5 on also lists the master as a node, under its hostname', () => {
    const text = Testing.render(sizedCluster(3, 3, { kubernetesVersion: '1.6.13' }))['README.md'];
    expect(shownOutput(text, 'kubectl --server http://10.10.10.100:8080 get nodes')).to.deep.equal([
      'NAME           STATUS', '10.10.10.101   Ready', '10.10.10.102   Ready', 'node-01        Ready',
    ]);
    expect(text).to.contain('node-01 is listed too, as `node-01`');
    expect(text).to.contain('kube-master-node-01        3/3     Running');
  });

  it('points to verify.sh and the pictures, and tears down', () => {
    expect(readme).to.contain('[topology.txt](topology.txt), [topology.svg](topology.svg)');
    expect(readme).to.contain('`sh verify.sh`');
    expect(readme).to.contain('```sh\nvagrant destroy --force\n```');
    expect(readme).to.contain('remove the line `* 10.10.10.0/24` from `/etc/vbox/networks.conf`');
  });

  it('names every VM and address of another cluster', () => {
    const other = Testing.render(otherCluster({ kubernetesVersion: '1.2.7' }))['README.md'];
    for (let i = 1; i <= 5; i++) {
      expect(other).to.contain(`| \`kv-0${i}\` | 192.168.56.${20 + i} | etcd peer | 2 | 512 MiB |  |`);
    }
    for (let i = 1; i <= 6; i++) {
      expect(other).to.contain(`| \`worker-0${i}\` | 192.168.56.${50 + i} | kube ${i === 1 ? 'master' : 'minion'} | 3 | 3072 MiB |`);
    }
    expect(other).to.contain('$ fleetctl --endpoint http://192.168.56.21:2379 list-machines');
    expect(other).to.contain('$ kubectl --server http://192.168.56.51:8080 get pods');
    expect(other).to.contain('kube-minion-192.168.56.56   1/1     Running');
    expect(other).to.contain('kubectl v1.2.7');
    expect(other).not.to.match(/10\.10\.10\.|node-0|etcd-0/);
  });
});
