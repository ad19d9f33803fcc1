// Shared by the PKI tests: a realistic spec, folder snapshots, and openssl.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VERIFIED_RECORD } from '../../lib/pki/pki';
import { CertificateSpec, PkiSpec } from '../../lib/pki/pki-spec';

/** Set to `1` (CI does) to turn a skip for a missing tool into a failure. */
export const REQUIRE_TOOLS_ENV = 'CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS';

/**
 * What a Flatcar cluster with 3 etcd peers and 4 nodes needs (the list):
 * 3 CAs (Kubernetes, etcd, the front proxy), 14 certificates and the service-account key pair.
 */
export function clusterSpec(): PkiSpec {
  const etcd = [11, 12, 13].map((last, i): CertificateSpec => ({
    name: `etcd-0${i + 1}`,
    ca: 'etcd-ca',
    commonName: `etcd-0${i + 1}`,
    dnsNames: [`etcd-0${i + 1}`, 'localhost'],
    ipAddresses: [`192.168.56.${last}`, '127.0.0.1'],
    usages: ['server', 'client'],
  }));
  const nodes = [21, 22, 23, 24].map((last, i): CertificateSpec => ({
    name: `node-0${i + 1}`,
    ca: 'kubernetes-ca',
    commonName: `system:node:node-0${i + 1}`,
    organizations: ['system:nodes'],
    dnsNames: [`node-0${i + 1}`],
    ipAddresses: [`192.168.56.${last}`],
    usages: ['client', 'server'],
  }));
  return {
    cas: [
      { name: 'kubernetes-ca', commonName: 'kubernetes-ca' },
      { name: 'etcd-ca', commonName: 'etcd-ca' },
      { name: 'front-proxy-ca', commonName: 'front-proxy-ca' },
    ],
    certificates: [
      {
        name: 'apiserver',
        ca: 'kubernetes-ca',
        commonName: 'kube-apiserver',
        dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'node-01'],
        ipAddresses: ['192.168.56.21', '10.3.0.1'],
        usages: ['server'],
      },
      { name: 'apiserver-etcd-client', ca: 'etcd-ca', commonName: 'kube-apiserver-etcd-client', usages: ['client'] },
      { name: 'apiserver-kubelet-client', ca: 'kubernetes-ca', commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usages: ['client'] },
      { name: 'controller-manager', ca: 'kubernetes-ca', commonName: 'system:kube-controller-manager', usages: ['client'] },
      { name: 'scheduler', ca: 'kubernetes-ca', commonName: 'system:kube-scheduler', usages: ['client'] },
      { name: 'admin', ca: 'kubernetes-ca', commonName: 'admin', organizations: ['system:masters'], usages: ['client'] },
      { name: 'front-proxy-client', ca: 'front-proxy-ca', commonName: 'front-proxy-client', usages: ['client'] },
      ...etcd,
      ...nodes,
    ],
    keyPairs: ['service-account'],
  };
}

/** A small spec for the tests that change things: 2 CAs, 3 certificates, 1 key pair. */
export function smallSpec(): PkiSpec {
  return {
    cas: [
      { name: 'kubernetes-ca', commonName: 'kubernetes-ca' },
      { name: 'etcd-ca', commonName: 'etcd-ca' },
    ],
    certificates: [
      {
        name: 'apiserver',
        ca: 'kubernetes-ca',
        commonName: 'kube-apiserver',
        dnsNames: ['kubernetes', 'kubernetes.default'],
        ipAddresses: ['192.168.56.21', '10.3.0.1'],
        usages: ['server'],
      },
      { name: 'admin', ca: 'kubernetes-ca', commonName: 'admin', organizations: ['system:masters'], usages: ['client'] },
      { name: 'etcd-01', ca: 'etcd-ca', commonName: 'etcd-01', dnsNames: ['etcd-01', 'localhost'], ipAddresses: ['192.168.56.11', '127.0.0.1'], usages: ['server', 'client'] },
    ],
    keyPairs: ['service-account'],
  };
}

/** The spec with one certificate changed. */
export function withCertificate(spec: PkiSpec, name: string, change: Partial<CertificateSpec>): PkiSpec {
  return { ...spec, certificates: spec.certificates!.map(c => (c.name === name ? { ...c, ...change } : c)) };
}

/** Every file of a folder with its content and mtime, to prove a load rewrote nothing. */
export function folderState(dir: string): Record<string, { content: string; mtimeMs: number; mode: number }> {
  const state: Record<string, { content: string; mtimeMs: number; mode: number }> = {};
  // The verification record changes with any piece; its own tests are in verified-record.test.ts.
  for (const name of fs.readdirSync(dir).filter(name => name !== VERIFIED_RECORD).sort()) {
    const stat = fs.statSync(path.join(dir, name));
    state[name] = { content: fs.readFileSync(path.join(dir, name), 'utf-8'), mtimeMs: stat.mtimeMs, mode: stat.mode & 0o777 };
  }
  return state;
}

/** Names whose content differs between two folder states (added, removed or changed). */
export function changedFiles(before: ReturnType<typeof folderState>, after: ReturnType<typeof folderState>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter(n => before[n]?.content !== after[n]?.content).sort();
}

/** What a finished openssl run did. */
export interface OpensslResult {
  readonly code: number | null;
  /** stdout and stderr together. */
  readonly output: string;
}

/** Runs openssl (never through a shell). */
export function openssl(args: string[], cwd?: string): OpensslResult {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf-8' });
  if (result.error) { throw result.error; }
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Skips the suite with a printed reason when openssl is missing, or fails it under CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1. */
export function requireOpenssl(context: Mocha.Context): void {
  const found = spawnSync('openssl', ['version'], { encoding: 'utf-8' });
  if (!found.error && found.status === 0) { return; }
  const reason = 'openssl not found on PATH; install openssl';
  if (process.env[REQUIRE_TOOLS_ENV] === '1') {
    throw new Error(`${reason} (${REQUIRE_TOOLS_ENV}=1 turns this skip into a failure)`);
  }
  process.stdout.write(`      skipped: ${reason}\n`);
  context.skip();
}
