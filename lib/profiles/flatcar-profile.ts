import { Construct } from 'constructs';
import { IClusterProfile, ProfileDefaults, VagrantBox } from './cluster-profile';
import { ClusterPki, PKI_NAMES } from './flatcar-pki';
import { CloudConfig } from '../cloud-config/cloud-config';
import { CloudConfigData, WriteFile } from '../cloud-config/cloud-config-data';
import { renderEtcdEnv } from '../etcd/etcd-env';
import { ETCD_ENV_FILE, ETCD_PKI_DIR, etcdMemberSettings, etcdMemberUnit, etcdTlsClientUrl, httpsUrl } from '../etcd/etcd-member';
import { EtcdPeerTier } from '../etcd/etcd-peer-tier';
import {
  CONTROLLER_MANAGER_KUBECONFIG, INSTALL_KUBELET, KUBELET_CONFIG, KUBELET_KUBECONFIG, PKI_DIR, SCHEDULER_KUBECONFIG, SECURE_PORT,
  STATIC_POD_DIR, controlPlaneContainers, flatcarKubeletUnit, installKubeletScript,
} from '../kube/flatcar-control-plane';
import { ETCD_IMAGE, FLATCAR_DEFAULT_VERSION, FlatcarRelease, flatcarRelease } from '../kube/flatcar-releases';
import { KubeNode, KubeNodeTier, KubeRole } from '../kube/kube-node-tier';
import { renderKubeconfig } from '../kube/kubeconfig';
import { CONTROL_PLANE_TAINT, renderKubeletConfiguration } from '../kube/kubelet-configuration';
import { StaticPod } from '../kube/static-pod';
import { IFileOwner, SynthesizedFile } from '../synth/synthesized-file';
import { nthAddress, parseCidr } from '../vagrant/ipv4';
import type { VagrantCluster } from '../vagrant/vagrant-cluster';
import { VagrantMachine } from '../vagrant/vagrant-machine';

/** Options of the Flatcar profile. */
export interface FlatcarProfileOptions {
  /**
   * Folder of the cluster's CAs, certificates and keys, reused on every synth.
   * It gets a `.gitignore` of `*`, so it is never committed by accident.
   * @default - `<outdir>.pki`, beside the output folder
   */
  readonly pkiDir?: string;
  /**
   * Re-issue PKI pieces that expired or no longer match the cluster (e.g. after
   * an address change) instead of failing.
   * @default false
   */
  readonly regeneratePki?: boolean;
  /**
   * sha256 of the kubelet binary, for a release the profile has no pin for.
   * @default - the pin of the release table
   */
  readonly kubeletSha256?: string;
  /**
   * The etcd image of the etcd members.
   * @default - etcd v3.6.9 from registry.k8s.io, pinned by digest
   */
  readonly etcdImage?: string;
}

/** The output folder of the control-plane static pods, rsynced to the kubelet's staticPodPath. */
const CONTROL_PLANE_PODS = 'pods/control-plane';
/** Cluster name in kubeconfigs. */
const CLUSTER_NAME = 'kubernetes';

/**
 * A cluster that boots on today's boxes: Flatcar Container Linux, etcd v3.6
 * with TLS on dedicated VMs, node-01 as the control plane running static pods
 * from registry.k8s.io, the others as workers. No fleet: placement is decided
 * at synth time and each VM gets exactly its own files.
 */
export class FlatcarProfile implements IClusterProfile {
  public readonly name = 'flatcar';
  public readonly defaults: ProfileDefaults = {
    // VirtualBox 6.1.28+ allows host-only networks only in 192.168.56.0/21 without extra setup.
    prefix: '192.168.56',
    ipRange: '10.244.0.0/16',
    serviceIpRange: '10.96.0.0/16',
    kubernetesVersion: FLATCAR_DEFAULT_VERSION,
    imageRepository: 'registry.k8s.io',
  };
  public readonly box: VagrantBox = {
    name: 'flatcar-stable',
    url: 'https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_vagrant.json',
    // The box's OEM watches this path and runs coreos-cloudinit on it (flatcar/scripts oem-vagrant cloud-config.yml).
    userDataPath: '/var/lib/flatcar-vagrant/vagrantfile-user-data',
    description: 'Flatcar Container Linux, stable channel (box flatcar-stable)',
    // The box's own Vagrantfile requires it.
    minVagrantVersion: '2.2.5',
    // The box's Vagrantfile uploads any `user-data` path it finds to every VM: never use that name.
    userDataFolder: 'cloud-config',
  };

  constructor(private readonly options: FlatcarProfileOptions = {}) {}

  public validateCluster(cluster: VagrantCluster): string[] {
    const result = flatcarRelease(cluster.kubernetesVersion, this.options.kubeletSha256);
    return 'problem' in result ? [result.problem] : [];
  }

  public populateEtcdTier(tier: EtcdPeerTier): void {
    const pki = this.pki(tier.cluster);
    const image = this.options.etcdImage ?? ETCD_IMAGE;
    for (const peer of tier.peers) {
      const settings = etcdMemberSettings(peer, tier, `${tier.cluster.node.id}-${tier.node.id}`);
      const cloudConfig = attachCloudConfig(peer, this.box.userDataFolder, {
        hostname: peer.hostname,
        write_files: [{ path: ETCD_ENV_FILE, permissions: '0644', owner: 'root', content: renderEtcdEnv(settings) }],
        coreos: {
          update: { reboot_strategy: 'off' },
          units: [{ name: 'etcd-member.service', command: 'start', enable: true, content: etcdMemberUnit(image).render() }],
        },
      });
      cloudConfig.addWriteFiles(() => {
        const material = pki.material;
        return [
          certificateFile(`${ETCD_PKI_DIR}/ca.crt`, material.caCertificate(PKI_NAMES.etcdCa)),
          certificateFile(`${ETCD_PKI_DIR}/server.crt`, material.certificate(PKI_NAMES.etcdServer(peer.hostname))),
          keyFile(`${ETCD_PKI_DIR}/server.key`, material.privateKey(PKI_NAMES.etcdServer(peer.hostname))),
          certificateFile(`${ETCD_PKI_DIR}/peer.crt`, material.certificate(PKI_NAMES.etcdPeer(peer.hostname))),
          keyFile(`${ETCD_PKI_DIR}/peer.key`, material.privateKey(PKI_NAMES.etcdPeer(peer.hostname))),
        ];
      });
    }
  }

  /** The runbook files (README.md, topology, verify.sh) follow the classic design (fleet, insecure port); Flatcar has none yet. */
  public populateCluster(_cluster: VagrantCluster): void {}

  public populateNodeTier(tier: KubeNodeTier): void {
    const controller = tier.master;
    const result = flatcarRelease(tier.cluster.kubernetesVersion, this.options.kubeletSha256);
    const service = parseCidr(tier.cluster.serviceIpRange);
    if (!controller || tier.minions.length === 0 || !(tier.etcd instanceof EtcdPeerTier) || !service
      || 'problem' in result || tier.cluster.propsProblems.length > 0) {
      return; // validation reports the cause; nothing sensible to add
    }
    const pki = this.pki(tier.cluster);
    const server = httpsUrl(controller.ip, SECURE_PORT);
    const clusterDns = nthAddress(service, 10);
    for (const node of tier.nodes) {
      const cloudConfig = attachCloudConfig(node, this.box.userDataFolder, nodeCloudConfig(node, result.release, clusterDns));
      cloudConfig.addWriteFiles(() => nodeSecrets(node, pki, server));
    }
    controller.addSyncedFolder({ hostPath: CONTROL_PLANE_PODS, guestPath: STATIC_POD_DIR });

    const containers = controlPlaneContainers({
      release: result.release,
      imageRepository: tier.cluster.imageRepository,
      controllerIp: controller.ip,
      etcdServers: tier.etcd.peers.map(etcdTlsClientUrl),
      serviceIpRange: tier.cluster.serviceIpRange,
      podIpRange: tier.cluster.ipRange,
    });
    const pkiMount = { name: 'k8s-certs', path: PKI_DIR };
    new StaticPod(tier, 'kube-apiserver', { folder: CONTROL_PLANE_PODS, containers: [containers.apiServer], hostMounts: [pkiMount] });
    new StaticPod(tier, 'kube-controller-manager', {
      folder: CONTROL_PLANE_PODS,
      containers: [containers.controllerManager],
      hostMounts: [pkiMount, { name: 'kubeconfig', path: CONTROLLER_MANAGER_KUBECONFIG, file: true }],
    });
    new StaticPod(tier, 'kube-scheduler', {
      folder: CONTROL_PLANE_PODS,
      containers: [containers.scheduler],
      hostMounts: [{ name: 'kubeconfig', path: SCHEDULER_KUBECONFIG, file: true }],
    });

    new SecretFile(tier.cluster, 'admin-kubeconfig', 'admin.kubeconfig', () => kubeconfigFor(pki, server, 'kubernetes-admin', PKI_NAMES.admin));
    // The output holds private keys: keep the whole folder out of git, wherever it is.
    new SecretFile(tier.cluster, 'gitignore', '.gitignore', () => '# Holds private keys: never commit this folder.\n*\n', 0o644);
  }

  private pki(cluster: VagrantCluster): ClusterPki {
    return ClusterPki.of(cluster, { dir: this.options.pkiDir ?? `${cluster.outdir}.pki`, regenerate: this.options.regeneratePki });
  }
}

/** A file of the output rendered at render time (after the PKI is prepared), mode 0600 unless told. */
class SecretFile extends Construct implements IFileOwner {
  constructor(scope: Construct, id: string, public readonly filePath: string, private readonly content: () => string, private readonly mode = 0o600) {
    super(scope, id);
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: this.content(), mode: this.mode };
  }
}

function attachCloudConfig(machine: VagrantMachine, folder: string, config: CloudConfigData): CloudConfig {
  const cloudConfig = new CloudConfig(machine, 'user-data', { filePath: `${folder}/${machine.hostname}.yaml`, config, secret: true });
  machine.useUserData(cloudConfig);
  return cloudConfig;
}

function certificateFile(path: string, pem: string): WriteFile {
  return { path, permissions: '0644', owner: 'root', content: pem };
}

function keyFile(path: string, pem: string): WriteFile {
  return { path, permissions: '0600', owner: 'root', content: pem };
}

function kubeconfigFor(pki: ClusterPki, server: string, user: string, certificate: string): string {
  const material = pki.material;
  return renderKubeconfig({
    clusterName: CLUSTER_NAME,
    server,
    caPem: material.caCertificate(PKI_NAMES.kubernetesCa),
    user,
    certificatePem: material.certificate(certificate),
    keyPem: material.privateKey(certificate),
  });
}

/** The key-free part of a node's cloud-config: the kubelet, its installer and its configuration. */
function nodeCloudConfig(node: KubeNode, release: FlatcarRelease, clusterDns: string): CloudConfigData {
  const controlPlane = node.role === KubeRole.MASTER;
  return {
    hostname: node.hostname,
    write_files: [
      { path: INSTALL_KUBELET, permissions: '0755', owner: 'root', content: installKubeletScript(release) },
      {
        path: KUBELET_CONFIG, permissions: '0644', owner: 'root',
        content: renderKubeletConfiguration({
          clientCaFile: `${PKI_DIR}/ca.crt`, clusterDns, staticPodPath: STATIC_POD_DIR,
          taint: controlPlane ? CONTROL_PLANE_TAINT : undefined,
        }),
      },
    ],
    coreos: {
      update: { reboot_strategy: 'off' },
      units: [{ name: 'kubelet.service', command: 'start', enable: true, content: flatcarKubeletUnit(release, node.ip).render() }],
    },
  };
}

/** A node's certificates, keys and kubeconfigs: everything of the control plane on node-01, its own identity elsewhere. */
function nodeSecrets(node: KubeNode, pki: ClusterPki, server: string): WriteFile[] {
  const material = pki.material;
  const files: WriteFile[] = [
    certificateFile(`${PKI_DIR}/ca.crt`, material.caCertificate(PKI_NAMES.kubernetesCa)),
    keyFile(KUBELET_KUBECONFIG, kubeconfigFor(pki, server, `system:node:${node.hostname}`, PKI_NAMES.kubelet(node.hostname))),
  ];
  if (node.role !== KubeRole.MASTER) { return files; }
  const pair = (file: string, name: string) => [
    certificateFile(`${PKI_DIR}/${file}.crt`, material.certificate(name)),
    keyFile(`${PKI_DIR}/${file}.key`, material.privateKey(name)),
  ];
  return [
    ...files,
    // The controller-manager signs kubelet CSRs with the Kubernetes CA.
    keyFile(`${PKI_DIR}/ca.key`, material.privateKey(PKI_NAMES.kubernetesCa)),
    ...pair('apiserver', PKI_NAMES.apiServer),
    ...pair('apiserver-kubelet-client', PKI_NAMES.apiServerKubeletClient),
    ...pair('apiserver-etcd-client', PKI_NAMES.apiServerEtcdClient),
    certificateFile(`${PKI_DIR}/etcd-ca.crt`, material.caCertificate(PKI_NAMES.etcdCa)),
    keyFile(`${PKI_DIR}/sa.key`, material.privateKey(PKI_NAMES.serviceAccount)),
    certificateFile(`${PKI_DIR}/sa.pub`, material.publicKey(PKI_NAMES.serviceAccount)),
    keyFile(CONTROLLER_MANAGER_KUBECONFIG, kubeconfigFor(pki, server, 'system:kube-controller-manager', PKI_NAMES.controllerManager)),
    keyFile(SCHEDULER_KUBECONFIG, kubeconfigFor(pki, server, 'system:kube-scheduler', PKI_NAMES.scheduler)),
  ];
}
