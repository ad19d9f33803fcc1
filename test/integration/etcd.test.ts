// A real etcd runs our cloud-configs: the 3 peers start with exactly the flags
// their coreos.etcd2 sections declare, a node's proxy with its own, and the
// flanneld drop-in's write goes through that proxy. Every address is loopback
// (prefix 127.0.10); nothing is sent anywhere else.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { assertLoopback, etcd2Flags, httpGet, isHealthy, portBusy, splitCommandLine, urlsIn, waitFor } from './support/etcd';
import { ProcessGroup, tail } from './support/processes';
import { SynthesizedCluster, synthesizeInto } from './support/synthesized';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run, skipOrFail } from './support/tools';
import { EtcdPeerTier, KubeNodeTier, VagrantCluster } from '../../lib';
import { parseUnit } from '../support/unit-syntax';
import { yaml11 } from '../support/fixtures';

/** The local etcd proxy every node runs, and what its clients (fleet, flannel, etcdctl) use. */
const PROXY_URL = 'http://127.0.0.1:2379';
/** The node whose proxy the test starts. */
const PROXY_NODE = 'node-02';

/** The cluster under test: all loopback, so it runs here without any network setup. */
function loopbackCluster(outdir: string): VagrantCluster {
  const cluster = new VagrantCluster({ outdir, prefix: '127.0.10', ipRange: '10.11.0.0/16', serviceIpRange: '10.12.0.0/16' });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 2, firstIp: 100, etcd });
  return cluster;
}

/** The environment etcd and etcdctl see: ours, minus any ETCD_ or ETCDCTL_ variable that would add flags behind our back. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^ETCD(CTL)?_/.test(key)));
  return { ...env, ...extra };
}

/** etcdctl (v2 API, as CoreOS etcd2 clients) against the local proxy only: --no-sync keeps it off the member URLs. */
function etcdctl(...args: string[]): Promise<RunResult> {
  return run('etcdctl', ['--no-sync', '--endpoints', PROXY_URL, ...args], { env: cleanEnv({ ETCDCTL_API: '2' }) });
}

describe('integration: etcd runs the etcd2 sections of the cloud-configs', function () {
  const processes = new ProcessGroup();
  let work: string | undefined;
  let synthesized: SynthesizedCluster;
  /** Flags per etcd machine name, straight from its user-data. */
  const flags: Record<string, string[]> = {};
  let memberNames: string[] = [];
  let clientUrlOf: Record<string, string> = {};
  const written: Record<string, string> = {};

  /** Starts one etcd from its user-data flags; data dirs live in the temp folder. */
  function startEtcd(name: string) {
    const dataDir = path.join(work!, 'data', name);
    return processes.start(name, 'etcd', [...flags[name], `--data-dir=${dataDir}`, '--enable-v2'],
      path.join(work!, `${name}.log`), cleanEnv());
  }

  async function waitHealthy(name: string, url: string) {
    const started = processes.get(name)!;
    await waitFor(`${name} to report healthy at ${url}/health\n${tail(started.logFile)}`, 15000, async () => {
      const exit = await Promise.race([started.exited, Promise.resolve(undefined)]);
      if (exit !== undefined) { throw new Error(`${name} exited (${exit}):\n${tail(started.logFile)}`); }
      return (await isHealthy(url)) ? true : undefined;
    });
  }

  before(async function () {
    requireTools(this, 'etcd', 'etcdctl');
    work = makeTempDir('etcd');
    synthesized = synthesizeInto(path.join(work, 'out'), loopbackCluster);
    const userData = (name: string) => yaml11(synthesized.files[`user-data/${name}.yaml`]);
    const tier = synthesized.cluster.tiers.find((t): t is EtcdPeerTier => t instanceof EtcdPeerTier)!;
    memberNames = tier.peers.map(peer => peer.hostname);
    for (const name of [...memberNames, PROXY_NODE]) {
      flags[name] = etcd2Flags(userData(name).coreos.etcd2);
    }
    // Every URL etcd would bind or dial must be loopback; check before starting anything.
    for (const value of Object.values(flags).flat()) {
      urlsIn(value).forEach(url => assertLoopback(url));
    }
    clientUrlOf = Object.fromEntries(memberNames.map(name => {
      const value = flags[name].find(flag => flag.startsWith('--advertise-client-urls='))!;
      return [name, value.slice(value.indexOf('=') + 1)];
    }));
    const listens = new Set([new URL(PROXY_URL).host, ...Object.values(flags).flat()
      .filter(flag => /^--listen-(client|peer)-urls=/.test(flag)).flatMap(urlsIn).map(url => url.host)]);
    const busy: string[] = [];
    for (const host of listens) {
      const reason = await portBusy(host.split(':')[0], Number(host.split(':')[1]));
      if (reason) { busy.push(reason); }
    }
    if (busy.length > 0) {
      skipOrFail(this, `the etcd test needs these loopback ports: ${busy.join('; ')}`);
    }

    const started = Date.now();
    for (const name of memberNames) { startEtcd(name); }
    await Promise.all(memberNames.map(name => waitHealthy(name, clientUrlOf[name])));
    // A v2 proxy reads the member list at start and refreshes it only every 30 s, so it starts after the members.
    startEtcd(PROXY_NODE);
    await waitHealthy(PROXY_NODE, PROXY_URL);
    process.stdout.write(`      3 members and the proxy healthy in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  });

  after(async () => {
    const stopping = Date.now();
    await processes.stopAll(1000);
    process.stdout.write(`      stopped every etcd by PID in ${((Date.now() - stopping) / 1000).toFixed(1)}s\n`);
    removeTempDir(work);
  });

  it('turns each coreos.etcd2 section into flags mechanically, all on 127.x addresses', () => {
    expect(flags['etcd-01']).to.deep.equal([
      '--advertise-client-urls=http://127.0.10.11:2379',
      '--initial-advertise-peer-urls=http://127.0.10.11:2380',
      '--initial-cluster=etcd-01=http://127.0.10.11:2380,etcd-02=http://127.0.10.12:2380,etcd-03=http://127.0.10.13:2380',
      '--initial-cluster-state=new',
      '--listen-client-urls=http://127.0.10.11:2379',
      '--listen-peer-urls=http://127.0.10.11:2380',
      '--name=etcd-01',
    ]);
    expect(flags[PROXY_NODE]).to.deep.equal([
      '--initial-cluster=etcd-01=http://127.0.10.11:2380,etcd-02=http://127.0.10.12:2380,etcd-03=http://127.0.10.13:2380',
      `--listen-client-urls=${PROXY_URL}`,
      '--proxy=on',
    ]);
  });

  it('the 3 members form one healthy cluster from exactly those flags', async () => {
    const result = await run('etcdctl', ['--no-sync', '--endpoints', Object.values(clientUrlOf).join(','), 'cluster-health'],
      { env: cleanEnv({ ETCDCTL_API: '2' }) });
    expect(result.code, output(result)).to.equal(0);
    expect(result.stdout).to.contain('cluster is healthy');
    const members = JSON.parse((await httpGet(`${clientUrlOf['etcd-01']}/v2/members`)).body).members;
    expect(members.map((m: any) => m.name).sort()).to.deep.equal(memberNames);
    expect(members.map((m: any) => m.clientURLs).flat().sort()).to.deep.equal(Object.values(clientUrlOf).sort());
  });

  it(`the proxy of ${PROXY_NODE}, started from its own user-data, serves the cluster on ${PROXY_URL}`, async () => {
    expect(await isHealthy(PROXY_URL)).to.equal(true);
    const result = await etcdctl('member', 'list');
    expect(result.code, output(result)).to.equal(0);
    expect(result.stdout.trim().split('\n')).to.have.length(3);
  });

  it('flanneld\'s ExecStartPre stores the network config through the proxy, and it reads back as ipRange over vxlan', async () => {
    const node = yaml11(synthesized.files[`user-data/${PROXY_NODE}.yaml`]);
    const flanneld = node.coreos.units.find((unit: any) => unit.name === 'flanneld.service');
    const dropIn = parseUnit(flanneld.drop_ins.find((d: any) => d.name === '50-network-config.conf').content);
    const [[, commandLine]] = dropIn.sections.flatMap(s => s.directives).filter(([key]) => key === 'ExecStartPre');
    const [program, ...args] = splitCommandLine(commandLine);
    expect(program).to.equal('/usr/bin/etcdctl');
    expect(args.slice(0, 2)).to.deep.equal(['set', '/coreos.com/network/config']);

    // The drop-in's own arguments; only the binary and the proxy endpoint are ours.
    const set = await etcdctl(...args);
    expect(set.code, output(set)).to.equal(0);
    written['/coreos.com/network/config'] = args[2];

    const get = await etcdctl('get', '/coreos.com/network/config');
    expect(get.code, output(get)).to.equal(0);
    expect(JSON.parse(get.stdout)).to.deep.equal({ Network: synthesized.cluster.ipRange, Backend: { Type: 'vxlan' } });
  });

  it('fault: with the leader killed, writes through the proxy still succeed', async () => {
    const states = await Promise.all(memberNames.map(async name =>
      [name, JSON.parse((await httpGet(`${clientUrlOf[name]}/v2/stats/self`)).body).state] as const));
    const leader = states.find(([, state]) => state === 'StateLeader')?.[0];
    expect(leader, JSON.stringify(states)).to.be.a('string');
    await processes.crash(leader!);

    // The first write may wait out one election (~1 s); every write after it must succeed at once.
    for (let i = 1; i <= 5; i++) {
      const key = `/cdk-vagrant-kubernetes/fault/key-${i}`;
      const value = `value ${i} written without ${leader}`;
      const result = i === 1
        ? await waitFor(`a write through the proxy after killing ${leader}`, 10000, async () => {
          const attempt = await etcdctl('set', key, value);
          return attempt.code === 0 ? attempt : undefined;
        })
        : await etcdctl('set', key, value);
      expect(result.code, output(result)).to.equal(0);
      written[key] = value;
    }
    const read = await etcdctl('get', '/cdk-vagrant-kubernetes/fault/key-5');
    expect(read.stdout.trim()).to.equal(written['/cdk-vagrant-kubernetes/fault/key-5']);

    // Restart it with the same flags from its user-data and the data dir it had.
    startEtcd(leader!);
    await waitHealthy(leader!, clientUrlOf[leader!]);
  });

  it('after the restart every key is intact and the members agree on it', async () => {
    expect(Object.keys(written)).to.have.length(6);
    // Each member answers from its own store (v2 reads are local unless quorum=true).
    const storeOf = async (name: string) => {
      const values: Record<string, string> = {};
      for (const key of Object.keys(written)) {
        const { status, body } = await httpGet(`${clientUrlOf[name]}/v2/keys${key}`);
        if (status !== 200) { return undefined; }
        const node = JSON.parse(body).node;
        values[key] = `${node.value} @${node.modifiedIndex}`;
      }
      return values;
    };
    const stores = await waitFor('every member to hold every key', 10000, async () => {
      const all = await Promise.all(memberNames.map(storeOf));
      return all.every(store => store !== undefined) ? all as Array<Record<string, string>> : undefined;
    });
    for (const [i, store] of stores.entries()) {
      expect(Object.fromEntries(Object.entries(store).map(([k, v]) => [k, v.replace(/ @\d+$/, '')])), memberNames[i]).to.deep.equal(written);
      expect(store, `${memberNames[i]} agrees with ${memberNames[0]}, modification indexes included`).to.deep.equal(stores[0]);
    }
    const health = await run('etcdctl', ['--no-sync', '--endpoints', Object.values(clientUrlOf).join(','), 'cluster-health'],
      { env: cleanEnv({ ETCDCTL_API: '2' }) });
    expect(health.stdout, output(health)).to.contain('cluster is healthy');
  });

  it('fails when a cloud-config\'s etcd2 key is one etcd does not know, or proxy is read as a YAML 1.1 boolean', async () => {
    // etcd rejects bad flags before it binds anything, so these runs need no free ports.
    const misspelled = etcd2Flags({ ...yaml11(synthesized.files['user-data/etcd-01.yaml']).coreos.etcd2, advertise_client_url: 'http://127.0.10.11:2379' });
    const unquoted = etcd2Flags(yaml11('proxy: on\nlisten_client_urls: http://127.0.0.1:2379\n'));
    expect(unquoted).to.deep.equal(['--proxy=true', `--listen-client-urls=${PROXY_URL}`]);
    for (const [bad, message] of [[misspelled, 'flag provided but not defined: -advertise-client-url'], [unquoted, 'invalid value "true" for flag -proxy']] as const) {
      const result = await run('etcd', [...bad, `--data-dir=${path.join(work!, 'data', 'never')}`, '--enable-v2'], { env: cleanEnv() });
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stderr).to.contain(message);
    }
    expect(fs.existsSync(path.join(work!, 'data', 'never'))).to.equal(false);
  });
});
