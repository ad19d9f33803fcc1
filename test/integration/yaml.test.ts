// Every YAML file we write reads back, under YAML 1.1 (what coreos-cloudinit and
// the kubelet of the era use), as exactly the values the tree meant: no `on`
// turned into true, no `0755` turned into 493.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { psychLoad } from './support/ruby';
import { SynthesizedCluster, cloudConfigs, hyperkubePods, synthesizeInto } from './support/synthesized';
import { makeTempDir, output, removeTempDir, requireTools, run } from './support/tools';
import { defaultCluster } from '../../examples/default';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarHaCluster } from '../../examples/flatcar-ha';
import { CLASSIC_RELEASES, StaticPod } from '../../lib';
import { otherCluster, yaml11 } from '../support/fixtures';
import { flatcarHaPkiCopy, flatcarPkiCopy, materialize } from '../support/flatcar';

const YAMLLINT_CONFIG = path.join(__dirname, 'yaml', 'yamllint.yaml');

/** Each YAML file of a synthesized tree with the value its construct meant, as plain JSON. */
function meantValues(synthesized: SynthesizedCluster): Record<string, unknown> {
  const json = (value: unknown) => JSON.parse(JSON.stringify(value));
  const meant: Record<string, unknown> = {};
  for (const cloudConfig of cloudConfigs(synthesized.cluster)) { meant[cloudConfig.filePath] = json(cloudConfig.config); }
  for (const pod of hyperkubePods(synthesized.cluster)) { meant[pod.filePath] = json(pod.toManifest()); }
  return meant;
}

/** What YAML 1.1 turns an unquoted `on` and `0755` into: the traps our files must avoid. */
const TRAP = '#cloud-config\ncoreos:\n  etcd2:\n    proxy: on\nwrite_files:\n  - path: /opt/bin/x\n    permissions: 0755\n';

describe('integration: YAML 1.1 readers get the values we meant', function () {
  let work: string | undefined;
  let clusters: SynthesizedCluster[];

  before(function () {
    work = makeTempDir('yaml');
    clusters = [
      synthesizeInto(path.join(work, 'seed'), outdir => defaultCluster(outdir)),
      synthesizeInto(path.join(work, 'other'), outdir => otherCluster({ outdir })),
      // 1.8+ adds a kubeconfig to write_files; the newest release covers it.
      synthesizeInto(path.join(work, 'newest'), outdir => otherCluster({ outdir, kubernetesVersion: CLASSIC_RELEASES[CLASSIC_RELEASES.length - 1].knownPatch })),
    ];
  });

  after(() => removeTempDir(work));

  it('every YAML file has a construct that meant it', () => {
    for (const synthesized of clusters) {
      const yamlFiles = Object.keys(synthesized.files).filter(file => file.endsWith('.yaml'));
      expect(Object.keys(meantValues(synthesized)).sort()).to.deep.equal(yamlFiles.sort());
    }
    expect(Object.keys(meantValues(clusters[0]))).to.have.length(9);
  });

  it('the yaml package in YAML 1.1 mode reads every file as the tree meant it', () => {
    for (const synthesized of clusters) {
      for (const [file, value] of Object.entries(meantValues(synthesized))) {
        expect(yaml11(synthesized.files[file]), file).to.deep.equal(value);
      }
    }
    const node = yaml11(clusters[0].files['user-data/node-01.yaml']);
    expect(node.coreos.etcd2.proxy).to.equal('on');
    expect(node.write_files[0].permissions).to.equal('0755');
  });

  it('Ruby\'s Psych (YAML 1.1) reads every file as the tree meant it', async function () {
    requireTools(this, 'ruby');
    for (const synthesized of clusters) {
      const meant = meantValues(synthesized);
      const read = await psychLoad(Object.keys(meant).map(file => path.join(synthesized.outdir, file)));
      for (const [file, value] of Object.entries(meant)) {
        expect(read[path.join(synthesized.outdir, file)], file).to.deep.equal(value);
      }
    }
  });

  it('yamllint --strict finds no unquoted boolean-like or octal-like value, nor any other problem', async function () {
    requireTools(this, 'yamllint');
    for (const synthesized of clusters) {
      const result = await run('yamllint', ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, 'user-data', 'pods'], { cwd: synthesized.outdir });
      expect(result.code, output(result)).to.equal(0);
      expect(result.stdout).to.equal('');
    }
  });

  describe('the Flatcar example', () => {
    let pkiDir: string | undefined;
    let flatcar: SynthesizedCluster;
    /** Every YAML file of the output, and the YAML files the cloud-configs write on node-01 and node-02. */
    let yamlFiles: string[];

    before(() => {
      pkiDir = flatcarPkiCopy();
      flatcar = synthesizeInto(path.join(work!, 'flatcar'), outdir => flatcarCluster(outdir, pkiDir));
      const outputs = Object.keys(flatcar.files).filter(file => file.endsWith('.yaml') || file.endsWith('.kubeconfig'));
      const written = ['node-01', 'node-02'].flatMap(vm => {
        const root = path.join(work!, 'flatcar-root', vm);
        return Object.keys(materialize(flatcar.files[`cloud-config/${vm}.yaml`], root))
          .filter(file => /\.(yaml|conf)$/.test(file)).map(file => path.join(root, file));
      });
      yamlFiles = [...outputs.map(file => path.join(flatcar.outdir, file)), ...written];
      // 7 cloud-configs, 3 pods, 4 add-ons, admin.kubeconfig; on node-01 the kubelet config, 4 kubeconfigs, the
      // 4 add-ons it applies and the API server's audit policy, authentication and encryption configurations,
      // on node-02 2 files.
      expect(yamlFiles).to.have.length(15 + 12 + 2);
    });

    after(() => removeTempDir(pkiDir));

    it('Psych reads every YAML file as the yaml package in YAML 1.1 mode does, "off" and "0600" staying strings', async function () {
      requireTools(this, 'ruby');
      // The add-ons are multi-document streams; test/addons/yamllint.test.ts and yamllint below read them.
      const singleDocuments = yamlFiles.filter(file => !fs.readFileSync(file, 'utf-8').includes('\n---\n'));
      expect(singleDocuments).to.have.length(yamlFiles.length - 6);
      const read = await psychLoad(singleDocuments);
      for (const file of singleDocuments) {
        expect(read[file], file).to.deep.equal(yaml11(fs.readFileSync(file, 'utf-8')));
      }
      const member = read[path.join(flatcar.outdir, 'cloud-config/etcd-01.yaml')] as any;
      expect(member.coreos.update.reboot_strategy).to.equal('off');
      expect(member.write_files.map((f: any) => f.permissions)).to.include.members(['0644', '0600']);
    });

    it('yamllint --strict finds no problem in any of them', async function () {
      requireTools(this, 'yamllint');
      const result = await run('yamllint', ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, ...yamlFiles]);
      expect(result.code, output(result)).to.equal(0);
      expect(result.stdout).to.equal('');
    });
  });

  describe('the Flatcar HA example', () => {
    let pkiDir: string | undefined;
    let ha: SynthesizedCluster;
    /** Every YAML file of the output, and the YAML files the cloud-configs write on cp-01 and big-01. */
    let yamlFiles: string[];
    /** Each static pod file, absolute, with the value its construct meant. */
    let pods: Array<[string, unknown]>;
    const kubeVip = () => path.join(ha.outdir, 'pods/cp-01/kube-vip.yaml');

    before(() => {
      pkiDir = flatcarHaPkiCopy();
      ha = synthesizeInto(path.join(work!, 'flatcar-ha'), outdir => flatcarHaCluster(outdir, pkiDir));
      const outputs = Object.keys(ha.files).filter(file => file.endsWith('.yaml') || file.endsWith('.kubeconfig'));
      const written = ['cp-01', 'big-01'].flatMap(vm => {
        const root = path.join(work!, 'flatcar-ha-root', vm);
        return Object.keys(materialize(ha.files[`cloud-config/${vm}.yaml`], root))
          .filter(file => /\.(yaml|conf)$/.test(file)).map(file => path.join(root, file));
      });
      yamlFiles = [...outputs.map(file => path.join(ha.outdir, file)), ...written];
      // 9 cloud-configs, 12 pods, 4 add-ons, admin.kubeconfig; on cp-01 the kubelet config, 5 kubeconfigs (kubelet,
      // admin, controller-manager, scheduler, kube-vip), the 4 add-ons it applies and the API server's 3 configuration
      // files, on big-01 2 files.
      expect(yamlFiles).to.have.length(26 + 13 + 2);
      pods = ha.cluster.bind().node.findAll().filter((c): c is StaticPod => c instanceof StaticPod)
        .map(pod => [path.join(ha.outdir, pod.filePath), JSON.parse(JSON.stringify(pod.toManifest()))]);
    });

    after(() => removeTempDir(pkiDir));

    it('Psych reads every YAML file as the yaml package in YAML 1.1 mode does, and every static pod as its construct meant it', async function () {
      requireTools(this, 'ruby');
      const singleDocuments = yamlFiles.filter(file => !fs.readFileSync(file, 'utf-8').includes('\n---\n'));
      expect(singleDocuments).to.have.length(yamlFiles.length - 6);
      const read = await psychLoad(singleDocuments);
      for (const file of singleDocuments) {
        expect(read[file], file).to.deep.equal(yaml11(fs.readFileSync(file, 'utf-8')));
      }
      expect(pods).to.have.length(12);
      for (const [file, meant] of pods) {
        expect(read[file], file).to.deep.equal(meant);
      }
    });

    it('kube-vip\'s settings stay strings under Psych: "true", "6443", "32", the virtual IP', async function () {
      requireTools(this, 'ruby');
      // `":2112"` is written quoted: plain, Psych would read it as a Ruby Symbol and its safe mode refuse the file.
      const pod = (await psychLoad([kubeVip()]))[kubeVip()] as any;
      const env = Object.fromEntries(pod.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
      expect(env).to.deep.include({ vip_arp: 'true', cp_enable: 'true', vip_leaderelection: 'true', port: '6443', vip_subnet: '32', prometheus_server: ':2112', address: '192.168.56.20' });
      for (const [name, value] of Object.entries(env)) { expect(value, name).to.be.a('string'); }
    });

    it('yamllint --strict finds no problem in any of them', async function () {
      requireTools(this, 'yamllint');
      const result = await run('yamllint', ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, ...yamlFiles]);
      expect(result.code, output(result)).to.equal(0);
      expect(result.stdout).to.equal('');
    });

    it('fails when kube-vip\'s "true" is written unquoted: Psych reads the boolean true, not the string the pod meant', async function () {
      requireTools(this, 'ruby');
      const text = fs.readFileSync(kubeVip(), 'utf-8');
      expect(text).to.contain('          value: "true"\n');
      const file = path.join(work!, 'kube-vip-unquoted.yaml');
      fs.writeFileSync(file, text.split('          value: "true"\n').join('          value: true\n'));
      const pod = (await psychLoad([file]))[file] as any;
      expect(pod.spec.containers[0].env.find((e: any) => e.name === 'vip_arp').value).to.equal(true);
      expect(pod).to.not.deep.equal(pods.find(([meant]) => meant === kubeVip())![1]);
    });
  });

  describe('fails when a value is left unquoted', () => {
    it('fails when proxy: on is unquoted: YAML 1.1 reads true, and 0755 reads 493', () => {
      const trap = yaml11(TRAP);
      expect(trap.coreos.etcd2.proxy).to.equal(true);
      expect(trap.write_files[0].permissions).to.equal(493);
    });

    it('fails when proxy: on is unquoted: Psych reads true, and 0755 reads 493', async function () {
      requireTools(this, 'ruby');
      const file = path.join(work!, 'trap.yaml');
      fs.writeFileSync(file, TRAP);
      const trap = (await psychLoad([file]))[file] as any;
      expect(trap.coreos.etcd2.proxy).to.equal(true);
      expect(trap.write_files[0].permissions).to.equal(493);
    });

    it('fails when proxy: on is unquoted: yamllint reports both values', async function () {
      requireTools(this, 'yamllint');
      const file = path.join(work!, 'trap.yaml');
      fs.writeFileSync(file, TRAP);
      const result = await run('yamllint', ['--strict', '-f', 'parsable', '-c', YAMLLINT_CONFIG, file]);
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stdout).to.contain('4:12: [error] truthy value should be one of [false, true] (truthy)');
      expect(result.stdout).to.contain('7:22: [error] forbidden implicit octal value "0755" (octal-values)');
    });
  });
});
