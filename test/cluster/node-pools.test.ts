// Node pools with roles, labels and taints, under both profiles: what each pool's
// machines get, and what the tiers and the model say about them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { CloudConfigData, KubeNodeTier, NodeRole, NodeTaint, Testing, ValidationError, VagrantCluster } from '../../lib';
import { execStartWords, machineRows, otherCluster, unitDirectives, yaml11 } from '../support/fixtures';
import { UNUSED_FOLDER, flatcarHaTree } from '../support/flatcar';
import { PoolSpec, boundMachines, controlPlanePool, flatcarProps, poolCluster, workerPool } from '../support/node-pools';

const DB_TAINT: NodeTaint = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };

/** A classic cluster: one control plane, a pool of 2 small workers and a pool of 3 big ones. */
function classicPools(kubernetesVersion = '1.1.7', pools: { cp?: Partial<PoolSpec>; small?: Partial<PoolSpec>; big?: Partial<PoolSpec> } = {}): VagrantCluster {
  return poolCluster({ kubernetesVersion }, [
    controlPlanePool(1, pools.cp),
    workerPool('small', 2, pools.small),
    workerPool('big', 3, { cpus: 4, memoryMb: 8192, ...pools.big }),
  ]);
}

const tier = (cluster: VagrantCluster, id: string) => cluster.node.findChild(id) as KubeNodeTier;
const hostnames = (machines: ReadonlyArray<{ hostname: string }>) => machines.map(machine => machine.hostname);

/** The fleet units of the classic output, by file name. */
function fleetUnits(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([file]) => file.startsWith('kube/')).map(([file, text]) => [file.slice('kube/'.length), text]));
}

/** The nodes whose fleet metadata (in their cloud-config) satisfies every `MachineMetadata` of a unit: fleet ANDs different keys. */
function scheduledOn(files: Record<string, string>, unit: string): string[] {
  const wanted = unitDirectives(unit, 'X-Fleet').filter(([key]) => key === 'MachineMetadata').map(([, value]) => value);
  return Object.keys(files).filter(file => file.startsWith('user-data/')).map(file => yaml11(files[file]))
    .filter(config => config.coreos.fleet !== undefined)
    .filter(config => wanted.every(pair => config.coreos.fleet.metadata.split(',').includes(pair)))
    .map(config => config.hostname);
}

/** The flags of a kubelet unit that start with `prefix`. */
const flags = (unit: string, prefix: string) => execStartWords(unit).filter(word => word.startsWith(prefix));

/** A write_file of a cloud-config, by path. */
function writeFile(config: CloudConfigData, filePath: string): string {
  return config.write_files!.find(file => file.path === filePath)!.content;
}

/** A unit of a cloud-config, by name. */
function unitOf(config: CloudConfigData, name: string): string {
  return config.coreos!.units!.find(unit => unit.name === name)!.content!;
}

describe('node pools', () => {
  describe('classic profile', () => {
    it('renders the files of every pool with Testing.render', () => {
      const files = Testing.render(classicPools());
      expect(Object.keys(files).sort()).to.deep.equal([
        'README.md', 'Vagrantfile',
        'kube/kubelet-master.service', 'kube/kubelet-minion.service',
        'manifest.json', 'pods/master/kube-master.yaml', 'pods/minion/kube-minion.yaml',
        'topology.svg', 'topology.txt',
        ...['big-01', 'big-02', 'big-03', 'cp-01', 'etcd-01', 'etcd-02', 'etcd-03', 'small-01', 'small-02'].map(vm => `user-data/${vm}.yaml`),
        'verify.sh',
      ]);
    });

    it('gives each pool its own size and addresses in the Vagrantfile', () => {
      const rows = machineRows(Testing.render(classicPools()).Vagrantfile).map(row => [row.name, row.ip, row.cpus, row.memory]);
      expect(rows.filter(([name]) => !name.startsWith('etcd'))).to.deep.equal([
        ['cp-01', '10.10.10.21', 2, 2048],
        ['small-01', '10.10.10.31', 2, 2048], ['small-02', '10.10.10.32', 2, 2048],
        ['big-01', '10.10.10.41', 4, 8192], ['big-02', '10.10.10.42', 4, 8192], ['big-03', '10.10.10.43', 4, 8192],
      ]);
    });

    it('tags each node with the fleet metadata core=<pool> and kube=master or kube=minion', () => {
      const files = Testing.render(classicPools());
      const metadata = (vm: string) => yaml11(files[`user-data/${vm}.yaml`]).coreos.fleet.metadata;
      expect(metadata('cp-01')).to.equal('core=cp,kube=master');
      expect(metadata('small-02')).to.equal('core=small,kube=minion');
      expect(metadata('big-03')).to.equal('core=big,kube=minion');
    });

    it('rsyncs the master pod to the control plane and the minion pod to every worker of every pool', () => {
      const rows = machineRows(Testing.render(classicPools()).Vagrantfile);
      const folder = (vm: string) => rows.find(row => row.name === vm).synced_folders.map((f: { host: string }) => f.host);
      expect(folder('cp-01')).to.deep.equal(['pods/master']);
      expect(folder('small-01')).to.deep.equal(['pods/minion']);
      expect(folder('big-03')).to.deep.equal(['pods/minion']);
    });

    it('starts one global kubelet-minion unit when the pools register alike (1.1.7, no labels)', () => {
      const files = Testing.render(classicPools());
      const units = fleetUnits(files);
      expect(Object.keys(units)).to.deep.equal(['kubelet-master.service', 'kubelet-minion.service']);
      expect(unitDirectives(units['kubelet-minion.service'], 'X-Fleet')).to.deep.equal([['MachineMetadata', 'kube=minion'], ['Global', 'true']]);
      expect(scheduledOn(files, units['kubelet-minion.service'])).to.deep.equal(['small-01', 'small-02', 'big-01', 'big-02', 'big-03']);
      expect(scheduledOn(files, units['kubelet-master.service'])).to.deep.equal(['cp-01']);
    });

    it('starts one global kubelet-minion unit with the shared labels and taints when the pools register alike (1.6)', () => {
      const alike = { labels: { disktype: 'ssd' }, taints: [DB_TAINT] };
      const units = fleetUnits(Testing.render(classicPools('1.6.13', { small: alike, big: alike })));
      expect(Object.keys(units)).to.deep.equal(['kubelet-master.service', 'kubelet-minion.service']);
      const minion = units['kubelet-minion.service'];
      expect(flags(minion, '--node-labels')).to.deep.equal(['--node-labels=disktype=ssd']);
      expect(flags(minion, '--register-with-taints')).to.deep.equal(['--register-with-taints=dedicated=db:NoSchedule']);
    });

    it('starts a kubelet-minion-<pool> unit per pool when the pools register differently, placed by core=<pool> and kube=minion (1.6)', () => {
      const files = Testing.render(classicPools('1.6.13', { small: { labels: { disktype: 'hdd' } }, big: { labels: { disktype: 'ssd', size: 'big' }, taints: [DB_TAINT] } }));
      const units = fleetUnits(files);
      expect(Object.keys(units).sort()).to.deep.equal(['kubelet-master.service', 'kubelet-minion-big.service', 'kubelet-minion-small.service']);
      for (const pool of ['small', 'big']) {
        expect(unitDirectives(units[`kubelet-minion-${pool}.service`], 'X-Fleet'), pool).to.deep.equal([
          ['MachineMetadata', `core=${pool}`], ['MachineMetadata', 'kube=minion'], ['Global', 'true'],
        ]);
      }
      expect(scheduledOn(files, units['kubelet-minion-small.service'])).to.deep.equal(['small-01', 'small-02']);
      expect(scheduledOn(files, units['kubelet-minion-big.service'])).to.deep.equal(['big-01', 'big-02', 'big-03']);

      const small = units['kubelet-minion-small.service'];
      const big = units['kubelet-minion-big.service'];
      expect(flags(small, '--node-labels')).to.deep.equal(['--node-labels=disktype=hdd']);
      expect(flags(small, '--register-with-taints')).to.deep.equal([]);
      expect(flags(big, '--node-labels')).to.deep.equal(['--node-labels=disktype=ssd,size=big']);
      expect(flags(big, '--register-with-taints')).to.deep.equal(['--register-with-taints=dedicated=db:NoSchedule']);
      for (const unit of [small, big]) {
        expect(flags(unit, '--register-node')).to.deep.equal(['--register-node=true']);
        expect(unitDirectives(unit, 'Service')).to.deep.include(['ExecStartPre', '/opt/bin/wait-for-port 10.10.10.21 8080']);
      }
    });

    it('keeps the master\'s own taint first in its --register-with-taints, then its pool\'s, each as key=value:effect (1.6)', () => {
      const units = fleetUnits(Testing.render(classicPools('1.6.13', { cp: { labels: { tier: 'control' }, taints: [{ key: 'critical', effect: 'NoExecute' }] } })));
      const master = units['kubelet-master.service'];
      expect(flags(master, '--register-with-taints')).to.deep.equal(['--register-with-taints=node-role.kubernetes.io/master=:NoSchedule,critical=:NoExecute']);
      expect(flags(master, '--node-labels')).to.deep.equal(['--node-labels=tier=control']);
      expect(flags(master, '--register-node')).to.deep.equal(['--register-node=true']);
      expect(unitDirectives(master, 'X-Fleet')).to.deep.equal([['MachineMetadata', 'kube=master']]);
    });

    it('passes labels but no taint flag on a release with --node-labels only (1.2)', () => {
      const units = fleetUnits(Testing.render(classicPools('1.2.7', { small: { labels: { disktype: 'hdd' } } })));
      expect(flags(units['kubelet-minion-small.service'], '--node-labels')).to.deep.equal(['--node-labels=disktype=hdd']);
      for (const unit of Object.values(units)) {
        expect(flags(unit, '--register-with-taints')).to.deep.equal([]);
      }
      expect(flags(units['kubelet-minion-big.service'], '--node-labels')).to.deep.equal([]);
    });
  });

  describe('Flatcar profile', () => {
    it('binds without key material: the PKI folder is neither read nor created', () => {
      const bound = boundMachines(flatcarHaTree());
      expect(Object.keys(bound.cloudConfigs)).to.have.length(9);
      expect(fs.existsSync(UNUSED_FOLDER)).to.equal(false);
    });

    it('gives each pool its own size and addresses in the Vagrantfile', () => {
      const { vagrantfile } = boundMachines(flatcarHaTree());
      expect(machineRows(vagrantfile).map(row => [row.name, row.ip, row.cpus, row.memory])).to.deep.equal([
        ['etcd-01', '192.168.56.11', 1, 1024], ['etcd-02', '192.168.56.12', 1, 1024], ['etcd-03', '192.168.56.13', 1, 1024],
        ['cp-01', '192.168.56.21', 2, 2048], ['cp-02', '192.168.56.22', 2, 2048], ['cp-03', '192.168.56.23', 2, 2048],
        ['worker-01', '192.168.56.31', 2, 2048], ['worker-02', '192.168.56.32', 2, 2048],
        ['big-01', '192.168.56.41', 4, 8192],
      ]);
      expect(vagrantfile).to.contain('# big-01     192.168.56.41   4 CPU 8192 MiB worker, pool big, labels disktype=ssd, taints dedicated=db:NoSchedule\n');
      expect(vagrantfile).to.contain('# cp-02      192.168.56.22   2 CPU 2048 MiB control plane, pool cp\n');
    });

    it('rsyncs each control plane its own static pods, and no worker any', () => {
      const rows = machineRows(boundMachines(flatcarHaTree()).vagrantfile);
      const folders = (vm: string) => rows.find(row => row.name === vm).synced_folders;
      for (const cp of ['cp-01', 'cp-02', 'cp-03']) {
        expect(folders(cp)).to.deep.equal([{ host: `pods/${cp}`, guest: '/etc/kubernetes/manifests' }]);
      }
      expect(folders('worker-01')).to.deep.equal([]);
      expect(folders('big-01')).to.deep.equal([]);
    });

    describe('labels and taints', () => {
      const labels = {
        'node-role.kubernetes.io/db': '', 'node.kubernetes.io/instance-type': 'big', 'topology.kubernetes.io/zone': 'a', 'example.com/x': 'y',
      };
      const cluster = () => poolCluster(flatcarProps(path.join(UNUSED_FOLDER, 'pools-out')), [
        controlPlanePool(1, { labels: { 'example.com/tier': 'control' }, taints: [{ key: 'critical', effect: 'NoExecute' }] }),
        workerPool('db', 2, { labels, taints: [DB_TAINT, { key: 'dedicated', value: 'db', effect: 'NoExecute' }] }),
        workerPool('web', 1),
      ]);
      const { cloudConfigs } = boundMachines(cluster());
      const kubeletConfig = (vm: string) => yaml11(writeFile(cloudConfigs[vm], '/etc/kubernetes/kubelet-config.yaml'));

      it('accepts labels the kubelet may set, labels the API sets, and a key tainted with two effects', () => {
        expect(() => cluster().model()).to.not.throw();
      });

      it('passes the labels a kubelet may set with --node-labels, sorted, and none that only the API may set', () => {
        for (const vm of ['db-01', 'db-02']) {
          expect(flags(unitOf(cloudConfigs[vm], 'kubelet.service'), '--node-labels'), vm).to.deep.equal([
            '--node-labels=example.com/x=y,node.kubernetes.io/instance-type=big,topology.kubernetes.io/zone=a',
          ]);
        }
        expect(flags(unitOf(cloudConfigs['cp-01'], 'kubelet.service'), '--node-labels')).to.deep.equal(['--node-labels=example.com/tier=control']);
        expect(flags(unitOf(cloudConfigs['web-01'], 'kubelet.service'), '--node-labels')).to.deep.equal([]);
      });

      it('sets the node-role labels through apply-addons on the control plane, which alone runs it', () => {
        const script = writeFile(cloudConfigs['cp-01'], '/opt/bin/apply-addons');
        const lines = /^node_labels="([^"]*)"$/m.exec(script)![1].split('\n');
        expect(lines).to.deep.equal([
          'cp-01 node-role.kubernetes.io/control-plane=',
          'db-01 node-role.kubernetes.io/db=',
          'db-02 node-role.kubernetes.io/db=',
        ]);
        for (const vm of ['db-01', 'web-01']) {
          expect(cloudConfigs[vm].write_files!.map(file => file.path), vm).to.not.include('/opt/bin/apply-addons');
          expect(cloudConfigs[vm].coreos!.units!.map(unit => unit.name), vm).to.not.include('apply-addons.service');
        }
      });

      it('registers the taints through the KubeletConfiguration: a control plane\'s own first, then its pool\'s', () => {
        expect(kubeletConfig('cp-01').registerWithTaints).to.deep.equal([
          { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          { key: 'critical', effect: 'NoExecute' },
        ]);
        expect(kubeletConfig('db-02').registerWithTaints).to.deep.equal([
          { key: 'dedicated', value: 'db', effect: 'NoSchedule' },
          { key: 'dedicated', value: 'db', effect: 'NoExecute' },
        ]);
        expect(kubeletConfig('web-01')).to.not.have.property('registerWithTaints');
        expect(flags(unitOf(cloudConfigs['db-01'], 'kubelet.service'), '--register-with-taints')).to.deep.equal([]);
      });
    });

    it('labels and taints the big pool of the HA example only', () => {
      const { cloudConfigs } = boundMachines(flatcarHaTree());
      const big = cloudConfigs['big-01'];
      expect(flags(unitOf(big, 'kubelet.service'), '--node-labels')).to.deep.equal(['--node-labels=disktype=ssd']);
      expect(yaml11(writeFile(big, '/etc/kubernetes/kubelet-config.yaml')).registerWithTaints).to.deep.equal([DB_TAINT]);
      const worker = cloudConfigs['worker-01'];
      expect(flags(unitOf(worker, 'kubelet.service'), '--node-labels')).to.deep.equal([]);
      expect(yaml11(writeFile(worker, '/etc/kubernetes/kubelet-config.yaml'))).to.not.have.property('registerWithTaints');
      for (const cp of ['cp-01', 'cp-02', 'cp-03']) {
        expect(yaml11(writeFile(cloudConfigs[cp], '/etc/kubernetes/kubelet-config.yaml')).registerWithTaints, cp)
          .to.deep.equal([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
      }
    });
  });

  describe('tier getters', () => {
    it('name the control planes of a control-plane tier: master is its first, it has no worker', () => {
      const cp = tier(flatcarHaTree(), 'cp');
      expect(cp.role).to.equal(NodeRole.CONTROL_PLANE);
      expect(cp.master?.hostname).to.equal('cp-01');
      expect(cp.masterIp).to.equal('192.168.56.21');
      expect(hostnames(cp.controlPlanes)).to.deep.equal(['cp-01', 'cp-02', 'cp-03']);
      expect(cp.workers).to.deep.equal([]);
      expect(cp.minions).to.deep.equal([]);
    });

    it('name the workers of a worker tier: it has no master and no control plane', () => {
      const worker = tier(flatcarHaTree(), 'worker');
      expect(worker.role).to.equal(NodeRole.WORKER);
      expect(worker.master).to.equal(undefined);
      expect(worker.masterIp).to.equal(undefined);
      expect(worker.controlPlanes).to.deep.equal([]);
      expect(hostnames(worker.workers)).to.deep.equal(['worker-01', 'worker-02']);
      expect(hostnames(worker.minions)).to.deep.equal(['worker-01', 'worker-02']);
    });

    it('keep the seed\'s layout on a tier without a role: the first node is the master, the others minions', () => {
      const worker = tier(otherCluster(), 'worker');
      expect(worker.role).to.equal(undefined);
      expect(worker.master?.hostname).to.equal('worker-01');
      expect(hostnames(worker.controlPlanes)).to.deep.equal(['worker-01']);
      expect(hostnames(worker.workers)).to.deep.equal(['worker-02', 'worker-03', 'worker-04', 'worker-05', 'worker-06']);
      expect(hostnames(worker.minions)).to.deep.equal(hostnames(worker.workers));
      expect(worker.nodes.map(node => node.role)).to.deep.equal([NodeRole.CONTROL_PLANE, ...new Array(5).fill(NodeRole.WORKER)]);
    });

    it('return copies of the labels and taints', () => {
      const big = tier(flatcarHaTree(), 'big');
      big.labels.disktype = 'hdd';
      (big.taints[0] as { value?: string }).value = 'web';
      big.taints.push(DB_TAINT);
      expect(big.labels).to.deep.equal({ disktype: 'ssd' });
      expect(big.taints).to.deep.equal([DB_TAINT]);
    });
  });

  describe('the model', () => {
    it('lists every machine with its role and pool, and its pool\'s labels and taints', () => {
      const model = flatcarHaTree().model();
      expect(model.machines.map(m => [m.hostname, m.role, m.pool])).to.deep.equal([
        ['etcd-01', undefined, 'etcd'], ['etcd-02', undefined, 'etcd'], ['etcd-03', undefined, 'etcd'],
        ['cp-01', NodeRole.CONTROL_PLANE, 'cp'], ['cp-02', NodeRole.CONTROL_PLANE, 'cp'], ['cp-03', NodeRole.CONTROL_PLANE, 'cp'],
        ['worker-01', NodeRole.WORKER, 'worker'], ['worker-02', NodeRole.WORKER, 'worker'],
        ['big-01', NodeRole.WORKER, 'big'],
      ]);
      expect(hostnames(model.controlPlanes)).to.deep.equal(['cp-01', 'cp-02', 'cp-03']);
      expect(hostnames(model.workers)).to.deep.equal(['worker-01', 'worker-02', 'big-01']);
      expect(model.nodeTiers.map(t => [t.id, t.role])).to.deep.equal([['cp', NodeRole.CONTROL_PLANE], ['worker', NodeRole.WORKER], ['big', NodeRole.WORKER]]);
      expect(model.machine('big-01').labels).to.deep.equal({ disktype: 'ssd' });
      expect(model.machine('big-01').taints).to.deep.equal([DB_TAINT]);
      expect(model.machine('worker-01').labels).to.deep.equal({});
      expect(model.machine('cp-01').tierPath).to.equal('cluster/cp');
    });

    it('makes the control-plane endpoint the API server when one is given', () => {
      const { endpoints, hasControlPlaneEndpoint } = flatcarHaTree().model();
      expect(hasControlPlaneEndpoint).to.equal(true);
      expect(endpoints.controlPlaneEndpoint).to.equal('192.168.56.20');
      expect(endpoints.apiServerAddress).to.equal('192.168.56.20');
      expect(endpoints.apiServer).to.equal('https://192.168.56.20:6443');
      expect(endpoints.localApiServer).to.equal('https://127.0.0.1:6443');
    });

    it('makes the first control plane the API server without an endpoint', () => {
      const classic = classicPools().model();
      expect(classic.hasControlPlaneEndpoint).to.equal(false);
      expect(classic.endpoints.apiServer).to.equal('http://10.10.10.21:8080');
      const flatcar = poolCluster(flatcarProps(path.join(UNUSED_FOLDER, 'single-out')), [controlPlanePool(1), workerPool('worker')]).model();
      expect(flatcar.endpoints.controlPlaneEndpoint).to.equal(undefined);
      expect(flatcar.endpoints.apiServer).to.equal('https://192.168.56.21:6443');
    });

    it('is frozen', () => {
      const model = classicPools().model();
      expect(Object.isFrozen(model.machines)).to.equal(true);
      expect(Object.isFrozen(model.machines[0])).to.equal(true);
      expect(Object.isFrozen(model.endpoints)).to.equal(true);
    });

    it('fails when the tree is invalid: model() throws the ValidationError that synth() would', () => {
      expect(() => poolCluster({}, [workerPool('worker')]).model()).to.throw(ValidationError, 'has no control plane');
    });
  });
});
