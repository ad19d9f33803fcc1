// The etcd TLS suite on a metal tree's material: the metal example is synthesized, each machine's
// Ignition config is written under a root folder of its own as Ignition would, and Debian's etcd
// 3.4 runs the 3 members from exactly the env files and TLS files of their configs, on the
// example's addresses (10.0.40.11-13), inside a network namespace this test creates. The API
// server's etcd flags come from the static pod in cp-01's config; its client certificate, at the
// paths of those flags under cp-01's root, gets in; no certificate, or admin's, does not.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { urlsIn, waitFor, waitForHealthyMembers } from './support/etcd';
import { NetworkNamespace } from './support/netns';
import { ProcessGroup } from './support/processes';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, skipOrFail } from './support/tools';
import { metalCluster } from '../../examples/metal';
import { Testing } from '../../lib';
import { parseEtcdEnv } from '../../lib/formats/etcd-env';
import { yaml11 } from '../support/fixtures';
import { materializeIgnition, metalPkiCopy } from '../support/metal';

const LAN = '10.0.40';
const ETCD_ENV_FILE = '/etc/etcd/etcd.env';
/** Every address the test's servers use: the members and cp-01; the namespace holds them. */
const ADDRESSES = ['11', '12', '13', '21'].map(octet => `${LAN}.${octet}`);

/** The environment etcd and etcdctl see: ours, minus any ETCD_ or ETCDCTL_ variable of the caller's shell, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^ETCD(CTL)?_/.test(key))), ...extra };
}

/** The env file's settings with the absolute paths (data dir, *_FILE) moved under `root`. */
function intoRoot(settings: Record<string, string>, root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) =>
    [key, key === 'ETCD_DATA_DIR' || key.endsWith('_FILE') ? path.join(root, value) : value]));
}

/** `--flag=value` arguments as `{ flag: value }`. */
function flagValues(args: string[]): Record<string, string> {
  return Object.fromEntries(args.filter(arg => arg.startsWith('--')).map(arg => [arg.slice(2, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]));
}

describe('integration: etcd runs the metal example\'s members from their Ignition configs, in a network namespace', function () {
  const processes = new ProcessGroup();
  let work: string | undefined;
  let pkiDir: string | undefined;
  let namespace: NetworkNamespace;
  const members = ['etcd-01', 'etcd-02', 'etcd-03'];
  const generated: Record<string, Record<string, string>> = {};
  let apiServer: { endpoints: string; cacert: string; cert: string; key: string };
  let admin: { cert: string; key: string };

  function etcdctl(tls: { cacert: string; cert?: string; key?: string }, args: string[], endpoints = apiServer.endpoints, commandTimeout = '5s'): Promise<RunResult> {
    return namespace.run('etcdctl', [
      `--endpoints=${endpoints}`, `--cacert=${tls.cacert}`, ...(tls.cert ? [`--cert=${tls.cert}`, `--key=${tls.key}`] : []),
      '--dial-timeout=1s', `--command-timeout=${commandTimeout}`, ...args,
    ], { env: cleanEnv({ ETCDCTL_API: '3' }) });
  }

  before(async function () {
    requireTools(this, 'etcd', 'etcdctl', 'unshare', 'nsenter', 'ip', 'ss');
    work = makeTempDir('metal-etcd');
    pkiDir = metalPkiCopy();
    const outdir = path.join(work, 'out');
    metalCluster(outdir, pkiDir).synth();
    const files = Testing.readFolder(outdir);
    const rootOf = (vm: string) => path.join(work!, 'root', vm);
    for (const vm of [...members, 'cp-01']) {
      materializeIgnition(files[`ignition/${vm}.ign`], rootOf(vm));
    }
    for (const vm of members) {
      generated[vm] = parseEtcdEnv(fs.readFileSync(path.join(rootOf(vm), ETCD_ENV_FILE), 'utf-8'));
    }
    // The API server's flags, from the static pod that cp-01's Ignition config delivers.
    const flags = flagValues(yaml11(fs.readFileSync(path.join(rootOf('cp-01'), 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf-8')).spec.containers[0].command);
    const inCp01 = (file: string) => path.join(rootOf('cp-01'), file);
    apiServer = { endpoints: flags['etcd-servers'], cacert: inCp01(flags['etcd-cafile']), cert: inCp01(flags['etcd-certfile']), key: inCp01(flags['etcd-keyfile']) };
    const kubeconfig = yaml11(files['admin.kubeconfig']);
    admin = { cert: path.join(work, 'admin.crt'), key: path.join(work, 'admin.key') };
    fs.writeFileSync(admin.cert, Buffer.from(kubeconfig.users[0].user['client-certificate-data'], 'base64'));
    fs.writeFileSync(admin.key, Buffer.from(kubeconfig.users[0].user['client-key-data'], 'base64'), { mode: 0o600 });

    // Every URL etcd binds, dials or advertises, and every endpoint etcdctl dials, is an address of the namespace.
    const urls = [...Object.values(generated).flatMap(settings => Object.values(settings).flatMap(urlsIn)), ...urlsIn(apiServer.endpoints)];
    for (const url of urls) { expect(ADDRESSES, url.href).to.include(url.hostname); }

    try {
      namespace = await NetworkNamespace.create(processes, 'netns', path.join(work, 'netns.log'),
        { interfaceName: 'lan0', addresses: ADDRESSES.map(address => `${address}/24`) });
    } catch (error) {
      skipOrFail(this, `the metal etcd test needs a network namespace of its own: ${(error as Error).message}`);
    }
    for (const vm of members) {
      namespace.start(processes, vm, 'etcd', [], path.join(work, `${vm}.log`), cleanEnv(intoRoot(generated[vm], rootOf(vm))));
    }
    await waitForHealthyMembers(apiServer.endpoints, members.map(vm => processes.get(vm)!), () => etcdctl(apiServer, ['endpoint', 'health']));
  });

  after(async () => {
    await processes.stopAll(1000);
    removeTempDir(work);
    removeTempDir(pkiDir);
  });

  it('starts each member from its config\'s env file, on the example\'s address, and etcd uses every setting', async () => {
    for (const vm of members) {
      expect(generated[vm].ETCD_LISTEN_CLIENT_URLS, vm).to.equal(`https://${LAN}.${10 + Number(vm.slice(-1))}:2379`);
      const log = fs.readFileSync(processes.get(vm)!.logFile, 'utf-8');
      for (const key of Object.keys(generated[vm])) { expect(log, `${vm} ${key}`).to.contain(`recognized and used environment variable ${key}=`); }
      expect(log, vm).to.not.contain('unrecognized environment variable');
    }
  });

  it('forms one healthy cluster that the API server\'s etcd client certificate, at the paths of cp-01\'s flags, reaches', async () => {
    expect(apiServer.endpoints).to.equal(members.map(vm => generated[vm].ETCD_ADVERTISE_CLIENT_URLS).join(','));
    const health = await etcdctl(apiServer, ['endpoint', 'health']);
    expect(health.code, output(health)).to.equal(0);
    expect((health.stdout + health.stderr).match(/is healthy/g), output(health)).to.have.length(3);
    const put = await etcdctl(apiServer, ['put', '/cdk-vagrant-kubernetes/metal', 'written over TLS']);
    expect(put.code, output(put)).to.equal(0);
    for (const vm of members) {
      const get = await etcdctl(apiServer, ['get', '--print-value-only', '/cdk-vagrant-kubernetes/metal'], generated[vm].ETCD_ADVERTISE_CLIENT_URLS);
      expect(get.stdout.trim(), `${vm}\n${output(get)}`).to.equal('written over TLS');
    }
  });

  it('each member listens on its own address only', async () => {
    const sockets = await namespace.run('ss', ['-Hltn']);
    expect(sockets.code, output(sockets)).to.equal(0);
    const listening = sockets.stdout.trim().split('\n').map(line => line.trim().split(/\s+/)[3]).sort();
    expect(listening).to.deep.equal(members.flatMap(vm => [`${generated[vm].ETCD_LISTEN_CLIENT_URLS}`, `${generated[vm].ETCD_LISTEN_PEER_URLS}`])
      .map(url => new URL(url).host).sort());
  });

  it('fails when a client has no certificate, or one from the Kubernetes CA (admin of admin.kubeconfig): the member refuses it', async () => {
    const endpoint = generated['etcd-01'].ETCD_ADVERTISE_CLIENT_URLS;
    const anonymous = await etcdctl({ cacert: apiServer.cacert }, ['get', '/cdk-vagrant-kubernetes/metal'], endpoint, '1s');
    expect(anonymous.code, output(anonymous)).to.not.equal(0);
    const wrongCa = await etcdctl({ cacert: apiServer.cacert, ...admin }, ['get', '/cdk-vagrant-kubernetes/metal'], endpoint, '1s');
    expect(wrongCa.code, output(wrongCa)).to.not.equal(0);
    expect(wrongCa.stdout).to.not.contain('written over TLS');
    await waitFor('etcd-01 to log the refused certificate', 5000, async () =>
      /failed to verify client certificate: x509: certificate signed by unknown authority/.test(fs.readFileSync(processes.get('etcd-01')!.logFile, 'utf-8')) || undefined);
  });
});
