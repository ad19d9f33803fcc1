// The TLS suite on a metal tree's material: the certificates and keys as each machine's Ignition
// config delivers them (written under a root folder per machine) go through `openssl verify` for
// the addresses of the example's LAN, and real kubectl, with the generated admin.kubeconfig and
// with a worker's kubelet kubeconfig, completes a mutual-TLS handshake with `openssl s_server`
// holding cp-01's API server certificate and key on the virtual IP 10.0.40.20:6443, inside a
// network namespace this test creates. Each check also fails on purpose.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { waitFor } from './support/etcd';
import { NetworkNamespace } from './support/netns';
import { ProcessGroup, tail } from './support/processes';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run, skipOrFail } from './support/tools';
import { metalCluster } from '../../examples/metal';
import { Testing } from '../../lib';
import { yaml11 } from '../support/fixtures';
import { materializeIgnition, metalPkiCopy } from '../support/metal';

const LAN = '10.0.40';
const ENDPOINT = `${LAN}.20`;

describe('integration: TLS as OpenSSL and kubectl see the metal example\'s Ignition material, in a network namespace', function () {
  const processes = new ProcessGroup();
  let work: string | undefined;
  let pkiDir: string | undefined;
  let files: Record<string, string>;
  let namespace: NetworkNamespace;
  const rootOf = (vm: string) => path.join(work!, 'root', vm);
  const inRoot = (vm: string, file: string) => path.join(rootOf(vm), file);

  function openssl(...args: string[]): Promise<RunResult> {
    return run('openssl', args);
  }

  /** `kubectl get --raw /` in the namespace with a kubeconfig text; nothing of the caller's kubectl setup is used. */
  function kubectl(kubeconfig: string, label: string): Promise<RunResult> {
    const file = path.join(work!, `${label}.kubeconfig`);
    fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'KUBECONFIG'));
    return namespace.run('kubectl', ['--kubeconfig', file, '--request-timeout=5s', 'get', '--raw', '/'], { env: { ...env, HOME: work! } });
  }

  /** Starts s_server on the endpoint in the namespace, with a certificate and key, demanding a client certificate of the CA. */
  async function startServer(label: string, certificate: string, key: string, ca: string): Promise<void> {
    const log = path.join(work!, `${label}.log`);
    const started = namespace.start(processes, label, 'openssl', ['s_server', '-accept', `${ENDPOINT}:6443`, '-cert', certificate, '-key', key,
      '-CAfile', ca, '-Verify', '1', '-verify_return_error', '-www'], log, process.env);
    await waitFor(`openssl s_server (${label}) to accept on ${ENDPOINT}:6443`, 5000, async () => {
      const exit = await Promise.race([started.exited, Promise.resolve(undefined)]);
      if (exit !== undefined) { throw new Error(`s_server exited (${exit}):\n${tail(log)}`); }
      const sockets = await namespace.run('ss', ['-Hltn', `src ${ENDPOINT}:6443`]);
      return sockets.stdout.includes(`${ENDPOINT}:6443`) ? true : undefined;
    });
  }

  /** A kubeconfig's text with its cluster CA replaced by a PEM file. */
  function trusting(text: string, ca: string): string {
    const config = yaml11(text);
    config.clusters[0].cluster['certificate-authority-data'] = fs.readFileSync(ca).toString('base64');
    return stringify(config);
  }

  before(async function () {
    requireTools(this, 'openssl', 'kubectl', 'unshare', 'nsenter', 'ip', 'ss');
    work = makeTempDir('metal-tls');
    pkiDir = metalPkiCopy();
    const outdir = path.join(work, 'out');
    metalCluster(outdir, pkiDir).synth();
    files = Testing.readFolder(outdir);
    for (const vm of ['etcd-01', 'etcd-02', 'etcd-03', 'cp-01', 'cp-02', 'cp-03', 'worker-01']) {
      materializeIgnition(files[`ignition/${vm}.ign`], rootOf(vm));
    }
    try {
      namespace = await NetworkNamespace.create(processes, 'netns', path.join(work, 'netns.log'), { interfaceName: 'lan0', addresses: [`${ENDPOINT}/24`] });
    } catch (error) {
      skipOrFail(this, `the metal TLS test needs a network namespace of its own: ${(error as Error).message}`);
    }
  });

  after(async () => {
    await processes.stopAll(1000);
    removeTempDir(work);
    removeTempDir(pkiDir);
  });

  describe('openssl verify, on the files each machine gets', () => {
    it('verifies each etcd member\'s server and peer certificates against its etcd CA, for its own address', async () => {
      for (const [vm, octet] of [['etcd-01', 11], ['etcd-02', 12], ['etcd-03', 13]] as const) {
        for (const [file, purpose] of [['server', 'sslserver'], ['peer', 'sslserver'], ['peer', 'sslclient']]) {
          const result = await openssl('verify', '-CAfile', inRoot(vm, 'etc/etcd/pki/ca.crt'), '-purpose', purpose, '-verify_ip', `${LAN}.${octet}`,
            inRoot(vm, `etc/etcd/pki/${file}.crt`));
          expect(result.code, `${vm} ${file} ${purpose}\n${output(result)}`).to.equal(0);
        }
      }
    });

    it('verifies each control plane\'s API server certificate for the virtual IP and its own address, and its etcd client certificate', async () => {
      for (const [vm, octet] of [['cp-01', 21], ['cp-02', 22], ['cp-03', 23]] as const) {
        for (const ip of [ENDPOINT, `${LAN}.${octet}`, '127.0.0.1']) {
          const result = await openssl('verify', '-CAfile', inRoot(vm, 'etc/kubernetes/pki/ca.crt'), '-purpose', 'sslserver', '-verify_ip', ip,
            inRoot(vm, 'etc/kubernetes/pki/apiserver.crt'));
          expect(result.code, `${vm} apiserver for ${ip}\n${output(result)}`).to.equal(0);
        }
        const etcdClient = await openssl('verify', '-CAfile', inRoot(vm, 'etc/kubernetes/pki/etcd-ca.crt'), '-purpose', 'sslclient',
          inRoot(vm, 'etc/kubernetes/pki/apiserver-etcd-client.crt'));
        expect(etcdClient.code, `${vm}\n${output(etcdClient)}`).to.equal(0);
      }
    });

    it('fails when a member\'s certificate is checked for another member\'s address, or under the Kubernetes CA', async () => {
      const otherAddress = await openssl('verify', '-CAfile', inRoot('etcd-01', 'etc/etcd/pki/ca.crt'), '-purpose', 'sslserver', '-verify_ip', `${LAN}.12`,
        inRoot('etcd-01', 'etc/etcd/pki/server.crt'));
      expect(otherAddress.code, output(otherAddress)).to.not.equal(0);
      expect(otherAddress.stdout + otherAddress.stderr).to.contain('IP address mismatch');
      const otherCa = await openssl('verify', '-CAfile', inRoot('cp-01', 'etc/kubernetes/pki/ca.crt'), inRoot('etcd-01', 'etc/etcd/pki/server.crt'));
      expect(otherCa.code, output(otherCa)).to.not.equal(0);
      expect(otherCa.stdout + otherCa.stderr).to.contain('unable to get local issuer certificate');
    });
  });

  describe('kubectl against openssl s_server holding cp-01\'s API server certificate on the virtual IP', () => {
    before(async () => {
      await startServer('s_server', inRoot('cp-01', 'etc/kubernetes/pki/apiserver.crt'), inRoot('cp-01', 'etc/kubernetes/pki/apiserver.key'),
        inRoot('cp-01', 'etc/kubernetes/pki/ca.crt'));
    });

    it('completes the handshake both ways with admin.kubeconfig: kubectl trusts the server, the server verifies admin', async () => {
      expect(yaml11(files['admin.kubeconfig']).clusters[0].cluster.server).to.equal(`https://${ENDPOINT}:6443`);
      const result = await kubectl(files['admin.kubeconfig'], 'admin');
      expect(result.code, output(result)).to.equal(0);
      expect(result.stdout, output(result)).to.contain('Verify return code: 0 (ok)');
      expect(result.stdout).to.match(/Subject: O\s?=\s?system:masters, CN\s?=\s?kubernetes-admin\n/);
    });

    it('completes it with worker-01\'s kubelet kubeconfig, as its Ignition config delivers it', async () => {
      const kubelet = fs.readFileSync(inRoot('worker-01', 'etc/kubernetes/kubelet.conf'), 'utf-8');
      expect((fs.statSync(inRoot('worker-01', 'etc/kubernetes/kubelet.conf')).mode & 0o777).toString(8)).to.equal('600');
      const result = await kubectl(kubelet, 'kubelet');
      expect(result.code, output(result)).to.equal(0);
      expect(result.stdout).to.match(/Subject: O\s?=\s?system:nodes, CN\s?=\s?system:node:worker-01\n/);
    });

    it('fails when the kubeconfig trusts the etcd CA: kubectl rejects the server certificate', async () => {
      const result = await kubectl(trusting(files['admin.kubeconfig'], inRoot('cp-01', 'etc/kubernetes/pki/etcd-ca.crt')), 'etcd-ca');
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stderr).to.match(/x509: certificate signed by unknown authority/);
    });

    it('fails when the server holds an etcd member\'s certificate instead: kubectl rejects it', async () => {
      await processes.crash('s_server');
      await startServer('s_server-etcd', inRoot('etcd-01', 'etc/etcd/pki/server.crt'), inRoot('etcd-01', 'etc/etcd/pki/server.key'),
        inRoot('cp-01', 'etc/kubernetes/pki/ca.crt'));
      const result = await kubectl(files['admin.kubeconfig'], 'etcd-server');
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stderr).to.match(/x509: certificate (signed by unknown authority|is valid for)/);
    });
  });
});
