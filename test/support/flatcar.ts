// Fixtures of the Flatcar profile: the trees of examples/flatcar.ts and
// examples/flatcar-ha.ts, a PKI folder per test suite without making a PKI
// in every suite, the write_files of a cloud-config, the parts of a
// kubeconfig, and verify.sh run against a fake kubectl.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { yaml11 } from './fixtures';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarHaCluster } from '../../examples/flatcar-ha';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, NodeRole, NodeTaint, VagrantCluster, WriteFile } from '../../lib';
import { Pki } from '../../lib/pki/pki';
import { PkiSpec } from '../../lib/pki/pki-spec';
import { pkiSpec } from '../../lib/profiles/flatcar/pki';

/** The prefix of examples/flatcar.ts and examples/flatcar-ha.ts. */
export const FLATCAR_PREFIX = '192.168.56';

/**
 * One complete PKI folder per example and prefix, made at most once per test
 * run and removed when the run ends. Suites never use these directly: they get copies,
 * which are removed when the run ends too (a suite may remove its own before), so that
 * no test key outlives the run in the temp folder.
 */
const templates = new Map<string, string>();
const copies: string[] = [];
process.on('exit', () => {
  for (const folder of [...templates.values(), ...copies]) { fs.rmSync(folder, { recursive: true, force: true }); }
});

/** A fresh temp folder (remove it with `fs.rmSync(..., { recursive: true })`). */
export function tempFolder(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk-vagrant-kubernetes-${label}-`));
}

/** A folder in the temp folder that no test writes: the outdir and pkiDir of a tree that is only read. */
export const UNUSED_FOLDER = path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-tree-only');
const UNUSED = UNUSED_FOLDER;

/**
 * The tree of examples/flatcar.ts, for reading what it holds before synthesis
 * (units, pods, the PKI spec): never synthesize it. Its folders are unused
 * paths in the temp folder, so that even a stray synth writes no key into the repository.
 */
export function flatcarTree(prefix: string = FLATCAR_PREFIX) {
  return flatcarCluster(path.join(UNUSED, 'out'), path.join(UNUSED, 'pki'), prefix);
}

/** The tree of examples/flatcar-ha.ts, for reading only, as {@link flatcarTree}. */
export function flatcarHaTree(prefix: string = FLATCAR_PREFIX) {
  return flatcarHaCluster(path.join(UNUSED, 'out'), path.join(UNUSED, 'pki'), prefix);
}

/** The taint of the `big` pool of examples/flatcar-ha.ts. */
export const FLATCAR_HA_BIG_TAINT: NodeTaint = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };

/**
 * The tiers of examples/flatcar-ha.ts with another controlPlaneEndpoint (or none) and
 * other taints on its `big` pool, for validation and rendering tests; for reading only,
 * as {@link flatcarTree}. A test proves the example's values give the example's files.
 */
export function flatcarHaVariant(controlPlaneEndpoint: string | undefined, bigTaints: NodeTaint[] = [FLATCAR_HA_BIG_TAINT]): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir: path.join(UNUSED, 'out'),
    profile: ClusterProfile.flatcar({ pkiDir: path.join(UNUSED, 'pki') }),
    prefix: FLATCAR_PREFIX,
    controlPlaneEndpoint,
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 3, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
  new KubeNodeTier(cluster, 'worker', { role: NodeRole.WORKER, count: 2, cpus: 2, memoryMb: 2048, firstIp: 31, etcd });
  new KubeNodeTier(cluster, 'big', {
    role: NodeRole.WORKER, count: 1, cpus: 4, memoryMb: 8192, firstIp: 41, etcd,
    labels: { disktype: 'ssd' },
    taints: bigTaints,
  });
  return cluster;
}

/** The PKI spec of examples/flatcar.ts with this prefix, as its ClusterPki computes it (Vagrant logs in with the cluster's SSH key). */
export function flatcarPkiSpec(prefix: string) {
  return pkiSpec(flatcarTree(prefix).model(), { loginKey: true });
}

/** The PKI spec of examples/flatcar-ha.ts with this prefix, as its ClusterPki computes it. */
export function flatcarHaPkiSpec(prefix: string) {
  return pkiSpec(flatcarHaTree(prefix).model(), { loginKey: true });
}

/**
 * A new folder holding a complete PKI for `flatcarCluster(outdir, <it>, prefix)`,
 * owned by the caller, so a suite may change it freely; removed when the run ends, if the suite has not removed it.
 *
 * Each suite gets a copy of one PKI folder made once per test run, so that suites
 * compare against the same keys and never share a folder they change; the PKI
 * of another prefix is the first one with its address-bearing certificates
 * re-issued for the same keys (Pki's regenerate), which takes no key generation.
 */
export function flatcarPkiCopy(prefix: string = FLATCAR_PREFIX): string {
  return pkiCopy(`flatcar-${prefix}`, () => flatcarPkiSpec(prefix));
}

/**
 * A new folder holding a complete PKI for `flatcarHaCluster(outdir, <it>, prefix)`,
 * owned by the caller, as {@link flatcarPkiCopy}. Made from any PKI template of the
 * run: the CAs, the etcd certificates and the control-plane identities keep their
 * keys, and only the pieces the HA example adds (its kubelets and kube-vip) get new ones.
 */
export function flatcarHaPkiCopy(prefix: string = FLATCAR_PREFIX): string {
  return pkiCopy(`flatcar-ha-${prefix}`, () => flatcarHaPkiSpec(prefix));
}

/** A copy of the template PKI folder of `name`, made first from another template when there is one. */
function pkiCopy(name: string, spec: () => PkiSpec): string {
  let template = templates.get(name);
  if (!template) {
    template = tempFolder(`pki-template-${name}`);
    const [other] = templates.values();
    if (other) {
      fs.cpSync(other, template, { recursive: true });
      Pki.loadOrCreate(template, spec(), { regenerate: true });
      // The other example's pieces that this one does not have (another cluster's kubelets) go:
      // a copy holds exactly the spec's files, as a folder synth made would.
      keepOnly(template, spec());
    } else {
      Pki.loadOrCreate(template, spec());
    }
    templates.set(name, template);
  }
  const copy = tempFolder(`pki-${name}`);
  copies.push(copy);
  fs.cpSync(template, copy, { recursive: true });
  return copy;
}

/** Removes every file of a PKI folder that the spec does not name. */
function keepOnly(folder: string, spec: PkiSpec): void {
  const names = new Set([...(spec.cas ?? []), ...(spec.certificates ?? [])].map(piece => piece.name));
  const keyPairs = new Set([...spec.keyPairs ?? [], ...(spec.sshKeys ?? []).map(key => key.name)]);
  const secretKeySets = new Set((spec.secretKeySets ?? []).map(set => set.name));
  for (const file of fs.readdirSync(folder)) {
    const extension = path.extname(file);
    const base = path.basename(file, extension);
    const kept = (names.has(base) && ['.crt', '.key'].includes(extension)) || (keyPairs.has(base) && ['.key', '.pub'].includes(extension))
      || (secretKeySets.has(base) && extension === '.key');
    if (!kept) { fs.rmSync(path.join(folder, file)); }
  }
}

/** The write_files of a cloud-config as written (read back as YAML 1.1), by guest path. */
export function writeFilesOf(cloudConfigText: string): Record<string, WriteFile> {
  const config = yaml11(cloudConfigText);
  return Object.fromEntries((config.write_files ?? []).map((file: WriteFile) => [file.path, file]));
}

/**
 * Writes the write_files of a cloud-config under `root` (guest path `/etc/x`
 * becomes `<root>/etc/x`) with their permissions, as coreos-cloudinit would on the VM.
 */
export function materialize(cloudConfigText: string, root: string): Record<string, WriteFile> {
  const files = writeFilesOf(cloudConfigText);
  for (const file of Object.values(files)) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const mode = parseInt(file.permissions ?? '0644', 8);
    fs.writeFileSync(target, file.content, { mode });
    fs.chmodSync(target, mode);
  }
  return files;
}

/** A kubeconfig's server, and its CA and client certificate and key decoded (embedded data, as the Flatcar profile writes them). */
export function kubeconfigParts(text: string) {
  const config = yaml11(text);
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf-8');
  return {
    config,
    server: config.clusters[0].cluster.server as string,
    ca: new crypto.X509Certificate(decode(config.clusters[0].cluster['certificate-authority-data'])),
    certificate: new crypto.X509Certificate(decode(config.users[0].user['client-certificate-data'])),
    key: crypto.createPrivateKey(decode(config.users[0].user['client-key-data'])),
  };
}

/** What the fake kubectl of {@link runVerifyWithFakeKubectl} prints. */
export interface FakeKubectlAnswers {
  /** `get nodes --no-headers`. */
  readonly nodes: string;
  /** `--namespace kube-system get pods --no-headers`. */
  readonly pods: string;
  /** The LABELS column of `get node NAME --show-labels --no-headers`, by node. */
  readonly labels: Readonly<Record<string, string>>;
  /** What the taints jsonpath prints (`key=value:effect,` each), by node. */
  readonly taints: Readonly<Record<string, string>>;
  /** `top nodes --no-headers`; without it, `top` fails. */
  readonly top?: string;
  /** Whether `wait --for=jsonpath=...=Bound pvc/...` succeeds; the claim's class is then `local-path`. */
  readonly claimBound?: boolean;
  /** What curl prints for the Ingress check (the answering pod's name); without it, curl fails. */
  readonly curl?: string;
}

/**
 * Runs a Flatcar verify.sh from another folder under /bin/sh, with a kubectl on PATH
 * that prints `answers` and logs its arguments: its exit status, its output lines and
 * kubectl's calls.
 */
export function runVerifyWithFakeKubectl(script: string, answers: FakeKubectlAnswers) {
  const dir = tempFolder('flatcar-verify');
  try {
    fs.mkdirSync(path.join(dir, 'out'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'out', 'verify.sh'), script);
    fs.writeFileSync(path.join(dir, 'nodes'), answers.nodes);
    fs.writeFileSync(path.join(dir, 'pods'), answers.pods);
    for (const [node, text] of Object.entries(answers.labels)) {
      fs.writeFileSync(path.join(dir, `labels-${node}`), `${node}   Ready   <none>   5m   v1.35.1   ${text}\n`);
    }
    for (const [node, text] of Object.entries(answers.taints)) { fs.writeFileSync(path.join(dir, `taints-${node}`), text); }
    if (answers.top !== undefined) { fs.writeFileSync(path.join(dir, 'top'), answers.top); }
    // The add-on checks: apply reads the manifest from stdin, delete and rollout succeed, wait and the claim's class follow claimBound.
    fs.writeFileSync(path.join(dir, 'bin', 'kubectl'), `#!/bin/sh\necho "$*" >> ${dir}/calls\n`
      + `case "$*" in *'get nodes'*) cat ${dir}/nodes ;; *'get pods'*) cat ${dir}/pods ;;\n`
      + `  *'get node '*'--show-labels'*) cat ${dir}/labels-$5 ;; *'get node '*'jsonpath='*) cat ${dir}/taints-$5 ;;\n`
      + `  *' top nodes '*) cat ${dir}/top ;; *' apply -f -') cat > ${dir}/applied ;; *' delete '*) ;; *' rollout status '*) echo rolled out ;;\n`
      + `  *' wait '*) ${answers.claimBound ? 'echo condition met' : 'echo "timed out waiting for the condition" >&2; exit 1'} ;;\n`
      + `  *' get pvc '*) echo local-path ;; *) exit 1 ;; esac\n`, { mode: 0o755 });
    // Always a fake curl: a test never sends traffic to a cluster address.
    fs.writeFileSync(path.join(dir, 'bin', 'curl'), `#!/bin/sh\necho "curl $*" >> ${dir}/calls\n`
      + (answers.curl !== undefined ? `echo ${answers.curl}\n` : 'echo "curl: no answer in this test" >&2; exit 7\n'), { mode: 0o755 });
    const result = spawnSync('sh', [path.join(dir, 'out', 'verify.sh')], {
      cwd: os.tmpdir(), encoding: 'utf-8', env: { ...process.env, PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin` },
    });
    const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf-8').trim().split('\n');
    return { status: result.status, lines: result.stdout.trim().split('\n'), calls, dir };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A Flatcar example the suites check alike: its file, how to build it, and a copy of a PKI made for it. */
export interface FlatcarExample {
  readonly name: string;
  readonly build: (outdir: string, pkiDir: string) => VagrantCluster;
  readonly pkiCopy: () => string;
}

/** examples/flatcar.ts (one control plane) and examples/flatcar-ha.ts (three behind a virtual IP). */
export const FLATCAR_EXAMPLES: readonly FlatcarExample[] = [
  { name: 'examples/flatcar.ts', build: (outdir, pkiDir) => flatcarCluster(outdir, pkiDir), pkiCopy: () => flatcarPkiCopy() },
  { name: 'examples/flatcar-ha.ts', build: (outdir, pkiDir) => flatcarHaCluster(outdir, pkiDir), pkiCopy: () => flatcarHaPkiCopy() },
];
