import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { expect } from 'chai';
import { Pki } from '../../lib/pki/pki';
import { tempDir } from '../support/snapshot';
import { REQUIRE_TOOLS_ENV, clusterSpec } from './support';

// Go parses X.509 more strictly than OpenSSL (minimal DER integers, raw name
// matching), and etcd, kubectl and the kubelet are Go: a real etcd serves with
// the generated certificates and requires client certificates, and kubectl
// talks to it. No cluster is involved; this checks the certificates only.
describe('pki: Go TLS (etcd server, kubectl client)', () => {
  let parent: string;
  let dir: string;
  let etcd: ChildProcess | undefined;
  let port: number;
  let log = '';

  before(async function () {
    const missing = ['etcd', 'kubectl'].filter(tool => spawnSync(tool, ['--version']).error);
    if (missing.length > 0) {
      const reason = `${missing.join(', ')} not found on PATH; install etcd-server and kubectl`;
      if (process.env[REQUIRE_TOOLS_ENV] === '1') { throw new Error(`${reason} (${REQUIRE_TOOLS_ENV}=1 turns this skip into a failure)`); }
      process.stdout.write(`      skipped: ${reason}\n`);
      this.skip();
    }
    parent = tempDir();
    dir = path.join(parent, 'pki');
    Pki.loadOrCreate(dir, clusterSpec());
    port = await freePort();
    const peerPort = await freePort();
    etcd = spawn('etcd', [
      '--name', 'etcd-01', '--data-dir', path.join(parent, 'data'),
      '--listen-client-urls', `https://127.0.0.1:${port}`, '--advertise-client-urls', `https://127.0.0.1:${port}`,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-cluster', `etcd-01=http://127.0.0.1:${peerPort}`,
      '--cert-file', path.join(dir, 'etcd-01.crt'), '--key-file', path.join(dir, 'etcd-01.key'),
      '--client-cert-auth', '--trusted-ca-file', path.join(dir, 'etcd-ca.crt'),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    etcd.stdout!.on('data', chunk => { log += chunk; });
    etcd.stderr!.on('data', chunk => { log += chunk; });
    for (let waited = 0; ; waited += 200) {
      if (health('apiserver-etcd-client').code === 0) { break; }
      if (waited > 30_000 || etcd.exitCode !== null) { throw new Error(`etcd did not become healthy:\n${log}`); }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  });
  after(() => {
    etcd?.kill();
    if (parent) { fs.rmSync(parent, { recursive: true, force: true }); }
  });

  /** `kubectl get --raw /health` against etcd with a client certificate of the PKI, checking `serverName`. */
  function health(client: string, serverName = 'etcd-01'): { code: number | null; output: string } {
    const kubeconfig = path.join(parent, `${client}-${serverName}.kubeconfig`);
    fs.writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'etcd', cluster: { 'server': `https://127.0.0.1:${port}`, 'certificate-authority': path.join(dir, 'etcd-ca.crt'), 'tls-server-name': serverName } }],
      users: [{ name: client, user: { 'client-certificate': path.join(dir, `${client}.crt`), 'client-key': path.join(dir, `${client}.key`) } }],
      contexts: [{ name: 'etcd', context: { cluster: 'etcd', user: client } }],
      ['current-context']: 'etcd',
    }));
    const result = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout', '5s', 'get', '--raw', '/health'], { encoding: 'utf-8' });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('lets kubectl reach etcd with the apiserver etcd client certificate, both sides verifying', () => {
    const result = health('apiserver-etcd-client');
    expect(result.output).to.contain('"health":"true"');
  });

  it('fails when the client certificate comes from the Kubernetes CA', async () => {
    const result = health('admin');
    expect(result.code).not.to.equal(0);
    const rejected = 'tls: failed to verify client certificate: x509: certificate signed by unknown authority';
    for (let waited = 0; !log.includes(rejected) && waited < 5000; waited += 100) {
      await new Promise(resolve => setTimeout(resolve, 100)); // etcd logs the rejection a moment later
    }
    expect(log).to.contain(rejected);
  });

  it('fails when kubectl expects a name the etcd server certificate lacks', () => {
    const result = health('apiserver-etcd-client', 'etcd-02');
    expect(result.code).not.to.equal(0);
    expect(result.output).to.contain('x509: certificate is valid for etcd-01, localhost, not etcd-02');
  });
});

/** A TCP port that is free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
