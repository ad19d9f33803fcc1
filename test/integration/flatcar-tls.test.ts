// The Flatcar PKI as TLS peers see it: OpenSSL verifies every chain, purpose
// and SAN of the PKI folder, and real kubectl (a Go TLS client) uses the
// generated admin.kubeconfig against `openssl s_server` holding the generated
// API server certificate, with client verification on. Each check also fails
// on purpose: a certificate for the wrong address, a kubeconfig trusting the
// wrong CA, a client certificate from the wrong CA. All on loopback (127.0.30.21).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { assertLoopback, portBusy, waitFor } from './support/etcd';
import { ProcessGroup, tail } from './support/processes';
import { SynthesizedCluster, synthesizeInto } from './support/synthesized';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run, skipOrFail } from './support/tools';
import { flatcarCluster } from '../../examples/flatcar';
import { CertificateSpec, Pki, PkiSpec, pkiSpec } from '../../lib';
import { yaml11 } from '../support/fixtures';
import { flatcarPkiCopy, materialize } from '../support/flatcar';

const PREFIX = '127.0.30';
/** OpenSSL's name of each usage, for `-purpose`. */
const PURPOSE = { server: 'sslserver', client: 'sslclient' } as const;

function openssl(...args: string[]): Promise<RunResult> {
  return run('openssl', args);
}

/**
 * `openssl verify` of several certificates of the PKI folder at once: each one's
 * verdict, `OK` or OpenSSL's reason, keyed `<name>` (or `<name> as <purpose>`).
 */
async function verifyIn(pkiDir: string, ca: string, usage: 'server' | 'client' | undefined, names: string[]): Promise<Record<string, string>> {
  expect(names, `certificates to verify under ${ca}`).to.not.be.empty;
  const file = (name: string) => path.join(pkiDir, `${name}.crt`);
  const result = await openssl('verify', '-CAfile', file(ca), ...(usage ? ['-purpose', PURPOSE[usage]] : []), ...names.map(file));
  const lines = `${result.stdout}${result.stderr}`.split('\n');
  const verdicts: Record<string, string> = {};
  for (const name of names) {
    const label = usage ? `${name} as ${PURPOSE[usage]}` : name;
    if (lines.includes(`${file(name)}: OK`)) {
      verdicts[label] = 'OK';
    } else {
      // "error 26 at 0 depth lookup: unsuitable certificate purpose" comes just before "error <file>: verification failed".
      const at = lines.indexOf(`error ${file(name)}: verification failed`);
      verdicts[label] = at > 0 ? lines[at - 1].replace(/^error \d+ at \d+ depth lookup: /, '') : `no verdict in\n${output(result)}`;
    }
  }
  expect(result.code === 0, output(result)).to.equal(Object.values(verdicts).every(v => v === 'OK'));
  return verdicts;
}

/** The subjectAltName entries as OpenSSL prints them, e.g. `['DNS:localhost', 'IP Address:127.0.0.1']`. */
async function opensslSans(file: string): Promise<string[]> {
  const result = await openssl('x509', '-noout', '-ext', 'subjectAltName', '-in', file);
  expect(result.code, output(result)).to.equal(0);
  const [, ...lines] = result.stdout.trim().split('\n');
  return lines.join(',').split(',').map(entry => entry.trim()).filter(entry => entry !== '');
}

/** A kubeconfig's text with its cluster CA or its user's certificate and key replaced by PEM files. */
function kubeconfigWith(text: string, change: { ca?: string; cert?: string; key?: string }): string {
  const config = yaml11(text);
  const b64 = (file: string) => fs.readFileSync(file).toString('base64');
  if (change.ca) { config.clusters[0].cluster['certificate-authority-data'] = b64(change.ca); }
  if (change.cert) { config.users[0].user['client-certificate-data'] = b64(change.cert); }
  if (change.key) { config.users[0].user['client-key-data'] = b64(change.key); }
  return stringify(config);
}

describe('integration: TLS as OpenSSL and kubectl see the Flatcar PKI', function () {
  let work: string | undefined;
  let pkiDir: string | undefined;
  let synthesized: SynthesizedCluster;
  let spec: PkiSpec;
  let server: URL;
  const crt = (name: string) => path.join(pkiDir!, `${name}.crt`);
  const verify = (ca: string, usage: 'server' | 'client' | undefined, names: string[]) => verifyIn(pkiDir!, ca, usage, names);

  before(function () {
    requireTools(this, 'openssl', 'kubectl');
    work = makeTempDir('flatcar-tls');
    pkiDir = flatcarPkiCopy(PREFIX);
    synthesized = synthesizeInto(path.join(work, 'out'), outdir => flatcarCluster(outdir, pkiDir, PREFIX));
    spec = pkiSpec(synthesized.cluster.model());
    server = assertLoopback(yaml11(synthesized.files['admin.kubeconfig']).clusters[0].cluster.server);
  });

  after(() => {
    removeTempDir(work);
    removeTempDir(pkiDir);
  });

  describe('openssl verify', () => {
    it('the PKI folder holds exactly the certificates of the spec: 2 CAs and 20 leaves', () => {
      const held = fs.readdirSync(pkiDir!).filter(file => file.endsWith('.crt')).map(file => file.slice(0, -'.crt'.length)).sort();
      expect(held).to.deep.equal([...spec.cas!.map(ca => ca.name), ...spec.certificates!.map(c => c.name)].sort());
      expect(spec.cas!.map(ca => ca.name)).to.deep.equal(['kubernetes-ca', 'etcd-ca']);
      expect(spec.certificates).to.have.length(20);
    });

    it('verifies each CA as self-signed, and every leaf against its own CA for each purpose it is issued for', async () => {
      const runs = spec.cas!.map(ca => verify(ca.name, undefined, [ca.name]));
      for (const ca of spec.cas!) {
        for (const usage of ['server', 'client'] as const) {
          const names = spec.certificates!.filter(c => c.ca === ca.name && c.usages.includes(usage)).map(c => c.name);
          runs.push(verify(ca.name, usage, names));
        }
      }
      const verdicts = Object.assign({}, ...await Promise.all(runs));
      expect(Object.keys(verdicts)).to.have.length(2 + 20 + 6); // the etcd server and peer certificates serve and dial
      for (const [label, verdict] of Object.entries(verdicts)) {
        expect(verdict, label).to.equal('OK');
      }
    });

    it('fails for every leaf under the other CA, and for a purpose it is not issued for', async () => {
      const runs: Array<Promise<Record<string, string>>> = [];
      for (const ca of spec.cas!) {
        const other = spec.cas!.find(c => c.name !== ca.name)!.name;
        runs.push(verify(other, undefined, spec.certificates!.filter(c => c.ca === ca.name).map(c => c.name)));
        for (const usage of ['server', 'client'] as const) {
          const names = spec.certificates!.filter(c => c.ca === ca.name && !c.usages.includes(usage)).map(c => c.name);
          if (names.length > 0) { runs.push(verify(ca.name, usage, names)); } // every etcd-CA leaf is a client
        }
      }
      const verdicts = Object.entries(Object.assign({}, ...await Promise.all(runs)) as Record<string, string>);
      expect(verdicts).to.have.length(20 + 14); // every leaf but the 6 etcd ones has one purpose only
      for (const [label, verdict] of verdicts) {
        expect(verdict, label).to.equal(label.includes(' as ') ? 'unsuitable certificate purpose' : 'unable to get local issuer certificate');
      }
    });

    it('every certificate carries exactly the SANs of its spec, and openssl verifies a server certificate for its own address', async () => {
      const withSans = spec.certificates!.filter(c => (c.dnsNames ?? []).length + (c.ipAddresses ?? []).length > 0);
      expect(withSans.map(c => c.name)).to.deep.equal([
        ...['01', '02', '03'].flatMap(n => [`etcd-etcd-${n}-server`, `etcd-etcd-${n}-peer`]), 'apiserver',
        ...['01', '02', '03', '04'].map(n => `kubelet-node-${n}-serving`),
      ]);
      const sans = await Promise.all(withSans.map(c => opensslSans(crt(c.name))));
      for (const [i, certificate] of withSans.entries()) {
        expect(sans[i], certificate.name).to.deep.equal([
          ...(certificate.dnsNames ?? []).map(name => `DNS:${name}`),
          ...(certificate.ipAddresses ?? []).map(ip => `IP Address:${ip}`),
        ]);
        // Go and OpenSSL match names and addresses alike; Node's checks are the same rules, in-process.
        const x509 = new crypto.X509Certificate(fs.readFileSync(crt(certificate.name)));
        for (const ip of certificate.ipAddresses!) { expect(x509.checkIP(ip), `${certificate.name} ${ip}`).to.equal(ip); }
        for (const name of certificate.dnsNames!) { expect(x509.checkHost(name), `${certificate.name} ${name}`).to.equal(name); }
      }
      for (const certificate of spec.certificates!.filter(c => !withSans.includes(c))) {
        expect(new crypto.X509Certificate(fs.readFileSync(crt(certificate.name))).subjectAltName, certificate.name).to.equal(undefined);
      }
      const ownAddress = await Promise.all(withSans.map(c =>
        openssl('verify', '-CAfile', crt(c.ca), '-purpose', 'sslserver', '-verify_ip', c.ipAddresses![0], crt(c.name))));
      for (const [i, result] of ownAddress.entries()) {
        expect(result.code, `${withSans[i].name} -verify_ip ${withSans[i].ipAddresses![0]}\n${output(result)}`).to.equal(0);
      }
      const apiServer = spec.certificates!.find(c => c.name === 'apiserver')!;
      expect(apiServer.ipAddresses).to.deep.equal([`${PREFIX}.21`, '10.3.0.1', '127.0.0.1']);
      expect(apiServer.dnsNames).to.include.members(['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);
      expect(spec.certificates!.find(c => c.name === 'etcd-etcd-02-server')!.ipAddresses).to.deep.equal([`${PREFIX}.12`, '127.0.0.1']);
    });

    it('fails when a certificate does not carry the address it is checked for: a member\'s certificate for another member', async () => {
      const result = await openssl('verify', '-CAfile', crt('etcd-ca'), '-purpose', 'sslserver', '-verify_ip', `${PREFIX}.12`, crt('etcd-etcd-01-server'));
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stdout + result.stderr).to.contain('IP address mismatch');
    });
  });

  describe('the kubelets\' serving certificates, as delivered', () => {
    const NODES = ['node-01', 'node-02', 'node-03', 'node-04'];
    /** Each node's files as its cloud-config writes them, under `<work>/kubelets/<node>`. */
    const root = (node: string) => path.join(work!, 'kubelets', node);
    const file = (node: string, guestPath: string) => path.join(root(node), guestPath);
    let serving: Record<string, { certificate: string; ca: string }>;

    before(() => {
      serving = {};
      for (const node of NODES) {
        materialize(synthesized.files[`cloud-config/${node}.yaml`], root(node));
        const config = yaml11(fs.readFileSync(file(node, '/etc/kubernetes/kubelet-config.yaml'), 'utf-8'));
        serving[node] = { certificate: file(node, config.tlsCertFile), ca: file('node-01', '/etc/kubernetes/pki/ca.crt') };
      }
      // The CA the API servers verify kubelets with (--kubelet-certificate-authority), as node-01 holds it.
      const apiServer = yaml11(synthesized.files['pods/node-01/kube-apiserver.yaml']).spec.containers[0].command as string[];
      expect(apiServer).to.include('--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt');
    });

    it('openssl verifies each with the API server\'s kubelet CA, as a TLS server, for its node\'s hostname and address', async () => {
      const results = await Promise.all(NODES.map((node, i) => openssl('verify', '-CAfile', serving[node].ca, '-purpose', 'sslserver',
        '-verify_hostname', node, '-verify_ip', `${PREFIX}.${21 + i}`, serving[node].certificate)));
      for (const [i, result] of results.entries()) {
        expect(result.code, `${NODES[i]}\n${output(result)}`).to.equal(0);
        expect(result.stdout.trim(), NODES[i]).to.equal(`${serving[NODES[i]].certificate}: OK`);
      }
    });

    it('fails for another node\'s hostname or address, as a TLS client, and under the etcd CA', async () => {
      const node = serving['node-02'];
      const [hostname, address, client, etcd] = await Promise.all([
        openssl('verify', '-CAfile', node.ca, '-purpose', 'sslserver', '-verify_hostname', 'node-03', node.certificate),
        openssl('verify', '-CAfile', node.ca, '-purpose', 'sslserver', '-verify_ip', `${PREFIX}.23`, node.certificate),
        openssl('verify', '-CAfile', node.ca, '-purpose', 'sslclient', node.certificate),
        openssl('verify', '-CAfile', crt('etcd-ca'), '-purpose', 'sslserver', node.certificate),
      ]);
      expect(hostname.stdout + hostname.stderr).to.contain('hostname mismatch');
      expect(address.stdout + address.stderr).to.contain('IP address mismatch');
      expect(client.stdout + client.stderr).to.contain('unsuitable certificate purpose');
      expect(etcd.stdout + etcd.stderr).to.contain('unable to get local issuer certificate');
      for (const result of [hostname, address, client, etcd]) { expect(result.code, output(result)).to.not.equal(0); }
    });

    it('delivers each key 0600 beside its certificate, and the key is the certificate\'s', async () => {
      for (const node of NODES) {
        const config = yaml11(fs.readFileSync(file(node, '/etc/kubernetes/kubelet-config.yaml'), 'utf-8'));
        const key = file(node, config.tlsPrivateKeyFile);
        expect(fs.statSync(key).mode & 0o777, node).to.equal(0o600);
        const [fromCertificate, fromKey] = await Promise.all([
          openssl('x509', '-noout', '-pubkey', '-in', serving[node].certificate),
          openssl('pkey', '-pubout', '-in', key),
        ]);
        expect(fromKey.code, output(fromKey)).to.equal(0);
        expect(fromCertificate.stdout, node).to.equal(fromKey.stdout);
      }
    });
  });

  describe('kubectl with admin.kubeconfig against openssl s_server holding the API server certificate', () => {
    const processes = new ProcessGroup();
    /** A certificate of the Kubernetes CA for the API server's key, issued for the address the node had before a move. */
    let wrongSan: string;

    /** Starts s_server on the kubeconfig's address, demanding a client certificate of the Kubernetes CA. */
    async function startServer(label: string, certificate: string): Promise<void> {
      const log = path.join(work!, `${label}.log`);
      const started = processes.start(label, 'openssl', ['s_server', '-accept', `${server.hostname}:${server.port}`,
        '-cert', certificate, '-key', path.join(pkiDir!, 'apiserver.key'), '-CAfile', crt('kubernetes-ca'),
        '-Verify', '1', '-verify_return_error', '-www'], log, process.env);
      await waitFor(`openssl s_server (${label}) to accept on ${server.host}\n${tail(log)}`, 5000, async () => {
        const exit = await Promise.race([started.exited, Promise.resolve(undefined)]);
        if (exit !== undefined) { throw new Error(`s_server exited (${exit}):\n${tail(log)}`); }
        return await new Promise<true | undefined>(resolve => {
          const socket = net.connect({ host: server.hostname, port: Number(server.port) });
          socket.once('connect', () => { socket.destroy(); resolve(true); });
          socket.once('error', () => resolve(undefined));
        });
      });
    }

    /** `kubectl get --raw /` with a kubeconfig text; nothing of the caller's kubectl setup is used. */
    function kubectl(kubeconfig: string, label: string): Promise<RunResult> {
      const file = path.join(work!, `${label}.kubeconfig`);
      fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'KUBECONFIG'));
      return run('kubectl', ['--kubeconfig', file, '--request-timeout=5s', 'get', '--raw', '/'], { env: { ...env, HOME: work! } });
    }

    before(async function () {
      const busy = await portBusy(server.hostname, Number(server.port));
      if (busy) { skipOrFail(this, `the kubectl test needs ${busy.replace(' is not free', '')} free`); }
      // The API server's key, and a certificate for it from the same CA, but for the address .31 instead of .21.
      const folder = path.join(work!, 'wrong-san');
      fs.mkdirSync(folder, { mode: 0o700 });
      for (const file of ['kubernetes-ca.crt', 'kubernetes-ca.key', 'apiserver.key']) {
        fs.copyFileSync(path.join(pkiDir!, file), path.join(folder, file));
      }
      const apiServer: CertificateSpec = spec.certificates!.find(c => c.name === 'apiserver')!;
      const moved = { ...apiServer, ipAddresses: apiServer.ipAddresses!.map(ip => (ip === server.hostname ? `${PREFIX}.31` : ip)) };
      Pki.loadOrCreate(folder, { cas: spec.cas!.filter(ca => ca.name === apiServer.ca), certificates: [moved] });
      wrongSan = path.join(folder, 'apiserver.crt');
      await startServer('s_server', crt('apiserver'));
    });

    after(() => processes.stopAll(1000));

    it('completes the TLS handshake both ways: kubectl trusts the server, the server verifies admin\'s certificate', async () => {
      expect(server.href).to.equal(`https://${PREFIX}.21:6443/`);
      const result = await kubectl(synthesized.files['admin.kubeconfig'], 'admin');
      expect(result.code, output(result)).to.equal(0);
      // s_server -www answers with its view of the session: the client certificate it verified, and the verdict.
      expect(result.stdout, output(result)).to.contain('Verify return code: 0 (ok)');
      expect(result.stdout).to.match(/Client certificate\n[\s\S]*Issuer: CN\s?=\s?kubernetes-ca\n[\s\S]*Subject: O\s?=\s?system:masters, CN\s?=\s?kubernetes-admin\n/);
      const log = fs.readFileSync(processes.get('s_server')!.logFile, 'utf-8');
      expect(log).to.match(/depth=0 O = system:masters, CN = kubernetes-admin\nverify return:1/);
    });

    it('fails when the kubeconfig trusts the etcd CA: kubectl rejects the server certificate', async () => {
      const result = await kubectl(kubeconfigWith(synthesized.files['admin.kubeconfig'], { ca: crt('etcd-ca') }), 'etcd-ca');
      expect(result.code, output(result)).to.not.equal(0);
      // Go 1.20 and later say "tls: failed to verify certificate: x509: ...", older ones "x509: ..." alone.
      expect(result.stderr).to.match(/x509: certificate signed by unknown authority/);
    });

    it('fails when the client certificate is from the etcd CA (the API server\'s etcd client): the server rejects it', async () => {
      const result = await kubectl(kubeconfigWith(synthesized.files['admin.kubeconfig'],
        { cert: crt('apiserver-etcd-client'), key: path.join(pkiDir!, 'apiserver-etcd-client.key') }), 'etcd-client');
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stderr).to.contain('remote error: tls: unknown certificate authority');
      expect(fs.readFileSync(processes.get('s_server')!.logFile, 'utf-8')).to.match(/depth=0 CN = kube-apiserver-etcd-client\nverify error:num=20:unable to get local issuer certificate/);
    });

    it('fails when the server certificate was issued for another address: kubectl and openssl verify both reject it', async () => {
      // Same CA, same key, a valid chain: only the SAN is wrong.
      const chain = await openssl('verify', '-CAfile', crt('kubernetes-ca'), '-purpose', 'sslserver', wrongSan);
      expect(chain.code, output(chain)).to.equal(0);
      const san = await openssl('verify', '-CAfile', crt('kubernetes-ca'), '-purpose', 'sslserver', '-verify_ip', server.hostname, wrongSan);
      expect(san.code, output(san)).to.not.equal(0);
      expect(san.stdout + san.stderr).to.contain('IP address mismatch');
      expect(await opensslSans(wrongSan)).to.include(`IP Address:${PREFIX}.31`).and.not.include(`IP Address:${server.hostname}`);

      await processes.crash('s_server');
      await startServer('s_server-wrong-san', wrongSan);
      const result = await kubectl(synthesized.files['admin.kubeconfig'], 'wrong-san');
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stderr).to.match(new RegExp(`x509: certificate is valid for .*${PREFIX}\\.31.*, not ${server.hostname.replace(/\./g, '\\.')}`));
    });
  });
});
