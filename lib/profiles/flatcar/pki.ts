import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import type { ClusterModel } from '../../cluster/cluster-model';
import { Pki } from '../../pki/pki';
import { PkiError } from '../../pki/pki-error';
import { PkiSpec } from '../../pki/pki-spec';
import { MANIFEST_FILE } from '../../synth/manifest';
import type { IPreparable, IWarningSource } from '../../synth/synthesizer';

/** Names of the pieces in the PKI folder. */
export const PKI_NAMES = {
  kubernetesCa: 'kubernetes-ca',
  etcdCa: 'etcd-ca',
  /** The CA of the aggregation layer's request headers (kubeadm's front-proxy-ca). */
  frontProxyCa: 'front-proxy-ca',
  /** What the API server presents to an aggregated API server (metrics-server), signed by the front-proxy CA. */
  frontProxyClient: 'front-proxy-client',
  apiServer: 'apiserver',
  apiServerKubeletClient: 'apiserver-kubelet-client',
  apiServerEtcdClient: 'apiserver-etcd-client',
  controllerManager: 'controller-manager',
  scheduler: 'scheduler',
  admin: 'admin',
  kubeVip: 'kube-vip',
  serviceAccount: 'service-account',
  etcdServer: (hostname: string) => `etcd-${hostname}-server`,
  etcdPeer: (hostname: string) => `etcd-${hostname}-peer`,
  kubelet: (hostname: string) => `kubelet-${hostname}`,
  kubeletServing: (hostname: string) => `kubelet-${hostname}-serving`,
  /** The SSH key every machine accepts for `core`, and alone once provisioned. */
  clusterSsh: 'cluster-ssh',
  /** The keys that encrypt Secrets at rest in etcd. */
  secretsEncryption: 'secrets-encryption',
} as const;

/** The length of a secretbox key (XSalsa20-Poly1305), in bytes. */
export const SECRETBOX_KEY_BYTES = 32;

/** Props of a {@link ClusterPki}. */
export interface ClusterPkiProps {
  /** Folder the CAs, certificates and keys are kept in, and reused from. */
  readonly dir: string;
  /**
   * Re-issue expired or mismatched pieces instead of failing.
   * @default false
   */
  readonly regenerate?: boolean;
  /**
   * Hold the SSH key the target logs in with (see {@link PkiSpecOptions.loginKey}).
   * @default false
   */
  readonly loginKey?: boolean;
  /**
   * The output folder the PKI is for: a new PKI made beside an output that an earlier one made
   * is warned of (the machines set up from it no longer match).
   * @default - none checked
   */
  readonly outdir?: string;
}

/** Options of {@link pkiSpec}. */
export interface PkiSpecOptions {
  /**
   * Hold the cluster's SSH key, for a target that logs in to the machines (Vagrant).
   * @default false
   */
  readonly loginKey?: boolean;
}

/**
 * The cluster's PKI: a CA for Kubernetes, one for etcd and one for the front proxy, the certificates
 * every component needs and the service-account key pair. Its spec is computed
 * from the model; in the prepare phase it is loaded from `dir`, missing pieces
 * are created there, and a piece that no longer fits (e.g. wrong SANs for
 * today's addresses) is an error unless `regenerate` is set. Keys never leave
 * `dir` except inside the files that need them.
 */
export class ClusterPki extends Construct implements IPreparable, IWarningSource {
  private loaded?: Pki;

  constructor(scope: Construct, id: string, private readonly model: ClusterModel, private readonly props: ClusterPkiProps) {
    super(scope, id);
  }

  /**
   * A PKI folder without its Kubernetes CA, beside an output that holds a cluster's admin.kubeconfig: the PKI
   * that made that cluster is gone (deleted, or another pkiDir), and the new one matches no machine set up from it.
   */
  public warnings(): string[] {
    const outdir = this.props.outdir;
    if (outdir === undefined || fs.existsSync(path.join(this.props.dir, `${PKI_NAMES.kubernetesCa}.crt`))) { return []; }
    if (!fs.existsSync(path.join(outdir, MANIFEST_FILE)) || !fs.existsSync(path.join(outdir, 'admin.kubeconfig'))) { return []; }
    return [`PKI folder ${this.props.dir} holds no Kubernetes CA, so synth makes a new PKI, but ${outdir} holds a cluster made with another one `
      + '(its admin.kubeconfig): the machines set up from that output no longer match the new certificates and keys, and the Secrets they '
      + 'stored were encrypted with a key that is gone; restore the PKI folder that made them if you have it, else recreate the machines'];
  }

  /** The PKI, once prepared. */
  public get material(): Pki {
    if (!this.loaded) {
      throw new Error(`${this.node.path} is used before the prepare phase of synth`);
    }
    return this.loaded;
  }

  /** What the PKI must hold for the cluster. */
  public spec(): PkiSpec {
    return pkiSpec(this.model, { loginKey: this.props.loginKey });
  }

  /** Plans the PKI in memory: reads the folder, makes what is missing or stale, writes nothing. */
  public prepare(): string[] {
    try {
      this.loaded = Pki.prepare(this.props.dir, this.spec(), { regenerate: this.props.regenerate });
    } catch (error) {
      if (error instanceof PkiError) {
        const hint = this.props.regenerate ? '' : '; set the profile option regeneratePki to re-issue it: ClusterProfile.flatcar({ regeneratePki: true }), '
          + 'or in a cluster file profile: { name: flatcar, options: { regeneratePki: true } }';
        return error.problems.map(problem => `${problem.location}: ${problem.message}${problem.final ? '' : hint}`);
      }
      throw error;
    }
    return [];
  }

  /** The PKI folder, which the outdirs of several clusters may share: synth locks it from prepare to commit. */
  public lockPaths(): string[] {
    return [this.props.dir];
  }

  /** Writes the new pieces, once the output that uses them is certain; the folder's .gitignore first. */
  public commit(): void {
    const pki = this.material;
    if (pki.pending.length > 0 || !fs.existsSync(path.join(this.props.dir, '.gitignore'))) {
      // Keys must never be committed by accident, wherever the folder is: the .gitignore comes before them.
      fs.mkdirSync(this.props.dir, { recursive: true, mode: 0o700 });
      const gitignore = path.join(this.props.dir, '.gitignore');
      if (!fs.existsSync(gitignore)) {
        fs.writeFileSync(gitignore, '# Private keys of a cdk-vagrant-kubernetes cluster: never commit them.\n*\n', { mode: 0o644 });
      }
    }
    pki.commit();
  }
}

/**
 * What the PKI of a cluster holds: three CAs, every component's certificate, each kubelet's
 * client and serving certificates, the service-account key pair, the SSH key a target logs in
 * with (when asked) and the keys that encrypt Secrets at rest.
 */
export function pkiSpec(model: ClusterModel, options: PkiSpecOptions = {}): PkiSpec {
  const endpoint = model.endpoints.controlPlaneEndpoint;
  const k8s = PKI_NAMES.kubernetesCa;
  const etcd = PKI_NAMES.etcdCa;
  const frontProxy = PKI_NAMES.frontProxyCa;
  return {
    // The front-proxy CA is a CA of its own, as kubeadm makes it: an aggregated API server trusts the
    // request headers of any client certificate that CA signs, so it must sign nothing but the API server's.
    cas: [{ name: k8s, commonName: 'kubernetes-ca' }, { name: etcd, commonName: 'etcd-ca' }, { name: frontProxy, commonName: 'front-proxy-ca' }],
    certificates: [
      ...model.etcdPeers.flatMap(peer => [PKI_NAMES.etcdServer(peer.hostname), PKI_NAMES.etcdPeer(peer.hostname)].map(name => ({
        name, ca: etcd, commonName: peer.hostname, usages: ['server', 'client'] as Array<'server' | 'client'>,
        dnsNames: [peer.hostname, 'localhost'], ipAddresses: [peer.ip, '127.0.0.1'],
      }))),
      { name: PKI_NAMES.apiServerEtcdClient, ca: etcd, commonName: 'kube-apiserver-etcd-client', usages: ['client'] },
      {
        name: PKI_NAMES.apiServer, ca: k8s, commonName: 'kube-apiserver', usages: ['server'],
        dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local',
          ...model.controlPlanes.map(cp => cp.hostname), 'localhost'],
        // The virtual IP, every control plane's own address (each API server advertises it), the
        // `kubernetes` Service, and the loopback the local components and kube-vip use.
        ipAddresses: [...(endpoint ? [endpoint] : []), ...model.controlPlanes.map(cp => cp.ip), model.networks.kubernetesServiceAddress, '127.0.0.1'],
      },
      { name: PKI_NAMES.apiServerKubeletClient, ca: k8s, commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usages: ['client'] },
      { name: PKI_NAMES.controllerManager, ca: k8s, commonName: 'system:kube-controller-manager', usages: ['client'] },
      { name: PKI_NAMES.scheduler, ca: k8s, commonName: 'system:kube-scheduler', usages: ['client'] },
      // --proxy-client-cert-file: the name --requestheader-allowed-names lists.
      { name: PKI_NAMES.frontProxyClient, ca: frontProxy, commonName: 'front-proxy-client', usages: ['client'] },
      { name: PKI_NAMES.admin, ca: k8s, commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] },
      // kube-vip takes its lease in kube-system before any add-on RBAC exists: it is a cluster admin.
      ...(endpoint ? [{ name: PKI_NAMES.kubeVip, ca: k8s, commonName: 'kube-vip', organizations: ['system:masters'], usages: ['client'] as Array<'server' | 'client'> }] : []),
      ...model.nodes.map(node => ({
        name: PKI_NAMES.kubelet(node.hostname), ca: k8s, commonName: `system:node:${node.hostname}`,
        organizations: ['system:nodes'], usages: ['client'] as Array<'server' | 'client'>,
      })),
      // What the API server verifies (--kubelet-certificate-authority) when it calls a kubelet at its InternalIP.
      ...model.nodes.map(node => ({
        name: PKI_NAMES.kubeletServing(node.hostname), ca: k8s, commonName: `system:node:${node.hostname}`,
        organizations: ['system:nodes'], usages: ['server'] as Array<'server' | 'client'>, dnsNames: [node.hostname], ipAddresses: [node.ip],
      })),
    ],
    keyPairs: [PKI_NAMES.serviceAccount],
    sshKeys: options.loginKey ? [{ name: PKI_NAMES.clusterSsh, comment: 'cdk-vagrant-kubernetes cluster key' }] : [],
    secretKeySets: [{
      name: PKI_NAMES.secretsEncryption,
      bytes: SECRETBOX_KEY_BYTES,
      header: [
        'Keys that encrypt the cluster\'s Secrets in etcd (secretbox): one "<name> <base64 of 32 bytes>" line each, the newest first.',
        'The first key encrypts, every key decrypts. Losing this file loses every Secret of the cluster: back it up.',
        'To rotate, follow "Encryption at rest" in the README of cdk-vagrant-kubernetes; never reuse a key name.',
      ],
    }],
  };
}
