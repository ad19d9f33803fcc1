// A real etcd (Debian's 3.4, which reads the same ETCD_* variables as the
// pinned 3.6) runs the Flatcar profile's etcd members: each member starts from
// exactly the env file its cloud-config writes, with TLS and client-certificate
// auth for clients and peers, and the API server's etcd client certificate, at
// the paths the kube-apiserver flags name, is the one that gets in. The HA
// example's members have the same env files and unit, and its control planes the
// same etcd flags, so these members are its members too. Every address is
// loopback (prefix 127.0.30); nothing is sent anywhere else.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { expect } from 'chai';
import { assertLoopback, portBusy, urlsIn, waitFor, waitForHealthyMembers } from './support/etcd';
import { ProcessGroup } from './support/processes';
import { SynthesizedCluster, cloudConfigs, synthesizeInto } from './support/synthesized';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run, skipOrFail } from './support/tools';
import { flatcarCluster } from '../../examples/flatcar';
import { EtcdPeerTier, StaticPod } from '../../lib';
import { parseEtcdEnv } from '../../lib/formats/etcd-env';
import { yaml11 } from '../support/fixtures';
import { flatcarHaTree, flatcarPkiCopy, materialize, writeFilesOf } from '../support/flatcar';

const PREFIX = '127.0.30';
const ETCD_ENV_FILE = '/etc/etcd/etcd.env';

/** The environment etcd and etcdctl see: ours, minus any ETCD_ or ETCDCTL_ variable of the caller's shell, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^ETCD(CTL)?_/.test(key)));
  return { ...env, ...extra };
}

/** The settings etcd gets: the env file's, with absolute paths (the data dir, the *_FILE settings) moved under `root`. */
function intoRoot(settings: Record<string, string>, root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => {
    if (key === 'ETCD_DATA_DIR' || key.endsWith('_FILE')) {
      expect(path.isAbsolute(value), `${key}=${value} is an absolute path`).to.equal(true);
      return [key, path.join(root, value)];
    }
    return [key, value];
  }));
}

/** `--flag=value` arguments as `{ flag: value }`. */
function flagValues(args: string[]): Record<string, string> {
  return Object.fromEntries(args.filter(arg => arg.startsWith('--')).map(arg => {
    const at = arg.indexOf('=');
    return [arg.slice(2, at), arg.slice(at + 1)];
  }));
}

/** Whether a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  assertLoopback(`tcp://${host}:${port}`);
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

describe('integration: etcd runs the Flatcar etcd members from their env files, with TLS', function () {
  const processes = new ProcessGroup();
  let work: string | undefined;
  let pkiDir: string | undefined;
  let synthesized: SynthesizedCluster;
  let members: string[] = [];
  /** Each member's env file as generated, and as etcd gets it. */
  const generated: Record<string, Record<string, string>> = {};
  const started: Record<string, Record<string, string>> = {};
  /** The etcd flags of node-01's API server, as generated. */
  let etcdFlags: Record<string, string>;
  /** The API server's etcd client: endpoints and TLS files, from its flags, mapped into node-01's root. */
  let apiServer: { endpoints: string; cacert: string; cert: string; key: string };
  /** admin's client certificate and key (Kubernetes CA), from admin.kubeconfig. */
  let admin: { cert: string; key: string };

  /** etcdctl (v3 API) with these TLS files; a client that expects to be refused passes a short command timeout. */
  function etcdctl(tls: { cacert: string; cert?: string; key?: string }, args: string[], endpoints = apiServer.endpoints, commandTimeout = '5s'): Promise<RunResult> {
    return run('etcdctl', [
      `--endpoints=${endpoints}`, `--cacert=${tls.cacert}`,
      ...(tls.cert ? [`--cert=${tls.cert}`, `--key=${tls.key}`] : []),
      '--dial-timeout=1s', `--command-timeout=${commandTimeout}`, ...args,
    ], { env: cleanEnv({ ETCDCTL_API: '3' }) });
  }

  /** Waits until a member's log has a line matching `pattern`. */
  function logLine(member: string, pattern: RegExp): Promise<string> {
    const log = processes.get(member)!.logFile;
    return waitFor(`${member}'s log to match ${pattern}`, 5000, async () =>
      fs.readFileSync(log, 'utf-8').split('\n').find(line => pattern.test(line)));
  }

  before(async function () {
    requireTools(this, 'etcd', 'etcdctl');
    work = makeTempDir('flatcar-etcd');
    pkiDir = flatcarPkiCopy(PREFIX);
    synthesized = synthesizeInto(path.join(work, 'out'), outdir => flatcarCluster(outdir, pkiDir, PREFIX));
    const tier = synthesized.cluster.tiers.find((t): t is EtcdPeerTier => t instanceof EtcdPeerTier)!;
    members = tier.peers.map(peer => peer.hostname);

    // Each VM's write_files, written under its own root as coreos-cloudinit would.
    const rootOf = (vm: string) => path.join(work!, 'root', vm);
    for (const vm of [...members, 'node-01']) {
      materialize(synthesized.files[`cloud-config/${vm}.yaml`], rootOf(vm));
    }
    for (const vm of members) {
      generated[vm] = parseEtcdEnv(fs.readFileSync(path.join(rootOf(vm), ETCD_ENV_FILE), 'utf-8'));
      started[vm] = intoRoot(generated[vm], rootOf(vm));
    }

    const pod = yaml11(synthesized.files['pods/node-01/kube-apiserver.yaml']);
    const flags = flagValues(pod.spec.containers[0].command);
    etcdFlags = Object.fromEntries(Object.entries(flags).filter(([flag]) => flag.startsWith('etcd-')));
    const inNode01 = (file: string) => path.join(rootOf('node-01'), file);
    apiServer = {
      endpoints: flags['etcd-servers'],
      cacert: inNode01(flags['etcd-cafile']),
      cert: inNode01(flags['etcd-certfile']),
      key: inNode01(flags['etcd-keyfile']),
    };
    const kubeconfig = yaml11(synthesized.files['admin.kubeconfig']);
    admin = { cert: path.join(work, 'admin.crt'), key: path.join(work, 'admin.key') };
    fs.writeFileSync(admin.cert, Buffer.from(kubeconfig.users[0].user['client-certificate-data'], 'base64'));
    fs.writeFileSync(admin.key, Buffer.from(kubeconfig.users[0].user['client-key-data'], 'base64'), { mode: 0o600 });

    // Every URL etcd would bind, dial or advertise, and every endpoint etcdctl dials, is loopback: checked before anything starts.
    const urls = [...Object.values(started).flatMap(settings => Object.values(settings).flatMap(urlsIn)), ...urlsIn(apiServer.endpoints)];
    urls.forEach(url => assertLoopback(url));
    const listens = new Set(Object.values(started).flatMap(s => [...urlsIn(s.ETCD_LISTEN_CLIENT_URLS), ...urlsIn(s.ETCD_LISTEN_PEER_URLS)]).map(url => url.host));
    const busy: string[] = [];
    for (const host of listens) {
      const reason = await portBusy(host.split(':')[0], Number(host.split(':')[1]));
      if (reason) { busy.push(reason); }
    }
    if (busy.length > 0) {
      skipOrFail(this, `the Flatcar etcd test needs these loopback ports: ${busy.join('; ')}`);
    }

    const starting = Date.now();
    for (const vm of members) {
      // No flags: etcd refuses a setting given both as a flag and as ETCD_*, and the unit passes none.
      processes.start(vm, 'etcd', [], path.join(work, `${vm}.log`), cleanEnv(started[vm]));
    }
    await waitForHealthyMembers(apiServer.endpoints, members.map(vm => processes.get(vm)!), () => etcdctl(apiServer, ['endpoint', 'health']));
    process.stdout.write(`      3 TLS members healthy in ${((Date.now() - starting) / 1000).toFixed(1)}s\n`);
  });

  after(async () => {
    const stopping = Date.now();
    await processes.stopAll(1000);
    process.stdout.write(`      stopped every etcd by PID in ${((Date.now() - stopping) / 1000).toFixed(1)}s\n`);
    removeTempDir(work);
    removeTempDir(pkiDir);
  });

  it('starts each member from exactly its env file: only absolute paths move into the temp root, and etcd uses every setting', async () => {
    expect(members).to.deep.equal(['etcd-01', 'etcd-02', 'etcd-03']);
    for (const vm of members) {
      const moved = Object.keys(generated[vm]).filter(key => generated[vm][key] !== started[vm][key]);
      expect(moved, vm).to.deep.equal(['ETCD_DATA_DIR', 'ETCD_CERT_FILE', 'ETCD_KEY_FILE', 'ETCD_TRUSTED_CA_FILE',
        'ETCD_PEER_CERT_FILE', 'ETCD_PEER_KEY_FILE', 'ETCD_PEER_TRUSTED_CA_FILE']);
      expect(generated[vm].ETCD_LISTEN_CLIENT_URLS, vm).to.match(new RegExp(`^https://${PREFIX.replace(/\./g, '\\.')}\\.1[1-3]:2379$`));
      // etcd 3.4 logs each ETCD_* it takes, and warns about any it does not know.
      for (const key of Object.keys(generated[vm])) {
        await logLine(vm, new RegExp(`recognized and used environment variable ${key}=`));
      }
      expect(fs.readFileSync(processes.get(vm)!.logFile, 'utf-8'), vm).to.not.contain('unrecognized environment variable');
    }
  });

  it('the HA example\'s members get these env files and this unit, and each of its control planes\' API servers these etcd flags', () => {
    const ha = flatcarHaTree(PREFIX);
    const written = Object.fromEntries(cloudConfigs(ha).map(cloudConfig => [cloudConfig.filePath, cloudConfig.config]));
    for (const vm of members) {
      const config = written[`cloud-config/${vm}.yaml`];
      expect(config, vm).to.not.equal(undefined);
      const env = config.write_files!.find(file => file.path === ETCD_ENV_FILE)!;
      // Byte for byte: the same file as the member this suite started.
      expect(env.content, vm).to.equal(writeFilesOf(synthesized.files[`cloud-config/${vm}.yaml`])[ETCD_ENV_FILE].content);
      expect(parseEtcdEnv(env.content), vm).to.deep.equal(generated[vm]);
      expect(config.coreos!.units, vm).to.deep.equal(yaml11(synthesized.files[`cloud-config/${vm}.yaml`]).coreos.units);
    }
    const apiServers = ha.bind().node.findAll().filter((c): c is StaticPod => c instanceof StaticPod && c.node.id === 'kube-apiserver');
    expect(apiServers.map(pod => pod.filePath)).to.deep.equal(['cp-01', 'cp-02', 'cp-03'].map(cp => `pods/${cp}/kube-apiserver.yaml`));
    expect(Object.keys(etcdFlags)).to.deep.equal(['etcd-servers', 'etcd-cafile', 'etcd-certfile', 'etcd-keyfile']);
    for (const pod of apiServers) {
      const flags = flagValues(yaml11(pod.renderFile().content).spec.containers[0].command);
      expect(Object.fromEntries(Object.entries(flags).filter(([flag]) => flag.startsWith('etcd-'))), pod.filePath).to.deep.equal(etcdFlags);
    }
  });

  it('the 3 members form one healthy cluster that etcdctl reaches with the API server\'s etcd client certificate at the paths of its flags', async () => {
    expect(apiServer.endpoints).to.equal(members.map(vm => generated[vm].ETCD_ADVERTISE_CLIENT_URLS).join(','));
    expect(path.relative(path.join(work!, 'root', 'node-01'), apiServer.cert)).to.equal('etc/kubernetes/pki/apiserver-etcd-client.crt');
    const health = await etcdctl(apiServer, ['endpoint', 'health']);
    expect(health.code, output(health)).to.equal(0);
    expect((health.stdout + health.stderr).match(/is healthy/g), output(health)).to.have.length(3);

    const list = await etcdctl(apiServer, ['member', 'list', '--write-out=json']);
    expect(list.code, output(list)).to.equal(0);
    const listed = JSON.parse(list.stdout).members.map((m: any) => [m.name, m.peerURLs, m.clientURLs]);
    expect(listed.sort()).to.deep.equal(members.map(vm => [vm, [generated[vm].ETCD_INITIAL_ADVERTISE_PEER_URLS], [generated[vm].ETCD_ADVERTISE_CLIENT_URLS]]));
  });

  it('writes a key through one member and reads it back from each of them', async () => {
    const put = await etcdctl(apiServer, ['put', '/cdk-vagrant-kubernetes/flatcar', 'written over TLS']);
    expect(put.code, output(put)).to.equal(0);
    for (const vm of members) {
      const get = await etcdctl(apiServer, ['get', '--print-value-only', '/cdk-vagrant-kubernetes/flatcar'], generated[vm].ETCD_ADVERTISE_CLIENT_URLS);
      expect(get.code, output(get)).to.equal(0);
      expect(get.stdout.trim(), vm).to.equal('written over TLS');
    }
  });

  it('each member listens on its own address only, not on every address (a wildcard listener would accept on 127.0.30.99 too)', async () => {
    for (const vm of members) {
      for (const url of [generated[vm].ETCD_LISTEN_CLIENT_URLS, generated[vm].ETCD_LISTEN_PEER_URLS].map(u => new URL(u))) {
        expect(await accepts(url.hostname, Number(url.port)), `${vm} on ${url.host}`).to.equal(true);
      }
    }
    expect(await accepts(`${PREFIX}.99`, 2379)).to.equal(false);
    expect(await accepts(`${PREFIX}.99`, 2380)).to.equal(false);
  });

  it('fails when a client has no certificate: the member refuses the TLS handshake', async () => {
    const endpoint = generated['etcd-01'].ETCD_ADVERTISE_CLIENT_URLS;
    const result = await etcdctl({ cacert: apiServer.cacert }, ['get', '/cdk-vagrant-kubernetes/flatcar'], endpoint, '1s');
    expect(result.code, output(result)).to.not.equal(0);
    expect(result.stdout, output(result)).to.not.contain('written over TLS');
    expect(await logLine('etcd-01', /rejected connection.*client didn't provide a certificate/)).to.contain('"remote-addr":"127.');
  });

  it('fails when a client\'s certificate is from the Kubernetes CA (admin of admin.kubeconfig): the member refuses it', async () => {
    const endpoint = generated['etcd-02'].ETCD_ADVERTISE_CLIENT_URLS;
    const result = await etcdctl({ cacert: apiServer.cacert, ...admin }, ['get', '/cdk-vagrant-kubernetes/flatcar'], endpoint, '1s');
    expect(result.code, output(result)).to.not.equal(0);
    expect(result.stdout, output(result)).to.not.contain('written over TLS');
    await logLine('etcd-02', /rejected connection.*failed to verify client certificate: x509: certificate signed by unknown authority/);
  });
});
