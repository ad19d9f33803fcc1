import { Construct } from 'constructs';
import { IClusterProfile, ProfileDefaults, VagrantBox } from '../cluster-profile';
import { Addon } from '../../addons/addon';
import { CoreDnsAddon } from '../../addons/coredns-addon';
import { FlannelAddon } from '../../addons/flannel-addon';
import {
  ADDONS_DIR, ADMIN_KUBECONFIG, APPLY_ADDONS, APPLY_ADDONS_UNIT, CNI_PLUGINS_UNIT, INSTALL_CNI_PLUGINS, INSTALL_KUBECTL,
  applyAddonsScript, applyAddonsUnit, cniPluginsUnit, installCniPluginsScript, installKubectlScript,
} from './bootstrap';
import { KubeProxyAddon } from '../../addons/kube-proxy-addon';
import { ClusterPki, PKI_NAMES } from './pki';
import { CloudConfig } from '../../formats/cloud-config';
import { CloudConfigData, CloudConfigUnit, WriteFile } from '../../formats/cloud-config-data';
import { renderEtcdEnv } from '../../formats/etcd-env';
import { ETCD_ENV_FILE, ETCD_PKI_DIR, etcdMemberSettings, etcdMemberUnit, etcdTlsClientUrl, httpsUrl } from './etcd';
import { EtcdPeerTier } from '../../cluster/etcd-peer-tier';
import {
  CONTROLLER_MANAGER_KUBECONFIG, INSTALL_KUBELET, KUBELET_CONFIG, KUBELET_KUBECONFIG, PKI_DIR, SCHEDULER_KUBECONFIG, SECURE_PORT,
  STATIC_POD_DIR, controlPlaneContainers, flatcarKubeletUnit, installKubeletScript,
} from './control-plane';
import {
  CNI_PLUGINS, ETCD_IMAGE, FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE, FLATCAR_DEFAULT_VERSION, FlatcarRelease, coreDnsImage, flatcarRelease,
  kubeProxyImage,
} from './releases';
import { KubeNode, KubeNodeTier, KubeRole } from '../../cluster/kube-node-tier';
import { renderKubeconfig } from '../../formats/kubeconfig';
import { CONTROL_PLANE_TAINT, renderKubeletConfiguration } from '../../formats/kubelet-configuration';
import { StaticPod } from '../../formats/static-pod';
import { FlatcarRunbook, FlatcarRunbookSource } from './runbook';
import { FlatcarVerifyScript } from './verify-script';
import { TopologySvg, TopologyText } from '../../runbook';
import { IFileOwner, SynthesizedFile } from '../../synth/synthesized-file';
import { nthAddress, parseCidr } from '../../cluster/ipv4';
import type { VagrantCluster } from '../../vagrant/vagrant-cluster';
import { VagrantMachine } from '../../vagrant/vagrant-machine';

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
  /**
   * sha256 of the kubectl binary that applies the add-ons, for a release the profile has no pin for.
   * @default - the pin of the release table
   */
  readonly kubectlSha256?: string;
  /**
   * The CoreDNS image.
   * @default - the version kubeadm installs with the cluster's Kubernetes minor, from `imageRepository`
   */
  readonly coreDnsImage?: string;
  /**
   * The flanneld image.
   * @default 'ghcr.io/flannel-io/flannel:v0.27.4'
   */
  readonly flannelImage?: string;
  /**
   * The image holding flannel's CNI plugin.
   * @default 'ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1'
   */
  readonly flannelCniPluginImage?: string;
}

/** The output folder of the control-plane static pods, rsynced to the kubelet's staticPodPath. */
const CONTROL_PLANE_PODS = 'pods/control-plane';
/** Cluster name in kubeconfigs. */
const CLUSTER_NAME = 'kubernetes';
/**
 * The host-only interface of every VM: flannel's VXLAN runs over it. eth0 is
 * VirtualBox's NAT, with the same 10.0.2.15 on every VM.
 */
const HOST_ONLY_INTERFACE = 'eth1';
/** The per-node pod range the controller-manager allocates (its --node-cidr-mask-size default for IPv4). */
const NODE_CIDR_BITS = 24;

/**
 * A cluster that boots on today's boxes: Flatcar Container Linux, etcd v3.6
 * with TLS on dedicated VMs, node-01 as the control plane running static pods
 * from registry.k8s.io, the others as workers. No fleet: placement is decided
 * at synth time and each VM gets exactly its own files.
 */
export class FlatcarProfile implements IClusterProfile {
  public readonly name = 'flatcar';
  /** node-01 applies addons/*.yaml with apply-addons.service. */
  public readonly appliesAddons = true;
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
    if ('problem' in result) { return [result.problem]; }
    const problems: string[] = [];
    if (this.kubectlSha256(result.release) === undefined) {
      problems.push(`kubernetesVersion ${cluster.kubernetesVersion} has no pinned kubectl checksum; set kubectlSha256 to the sha256 published at `
        + `https://dl.k8s.io/release/v${cluster.kubernetesVersion}/bin/linux/amd64/kubectl.sha256`);
    } else if (!/^[0-9a-f]{64}$/.test(this.kubectlSha256(result.release)!)) {
      problems.push(`kubectlSha256 '${this.options.kubectlSha256}' is not a sha256; expected 64 lowercase hex digits`);
    }
    const dns = this.coreDnsImage(cluster);
    if ('problem' in dns) { problems.push(dns.problem); }
    problems.push(...podNetworkProblems(cluster));
    return problems;
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

  /** The runbook files: README.md, topology.txt, topology.svg and verify.sh, read from the tree at synth time. */
  public populateCluster(cluster: VagrantCluster): void {
    const source = new FlatcarRunbookSource(cluster);
    new FlatcarRunbook(cluster, 'runbook', source);
    new TopologyText(cluster, 'topology-text', { source });
    new TopologySvg(cluster, 'topology-svg', { source });
    new FlatcarVerifyScript(cluster, 'verify-script', source);
  }

  public populateNodeTier(tier: KubeNodeTier): void {
    const controller = tier.master;
    const cluster = tier.cluster;
    const result = flatcarRelease(cluster.kubernetesVersion, this.options.kubeletSha256);
    const service = parseCidr(cluster.serviceIpRange);
    const dns = this.coreDnsImage(cluster);
    if (!controller || tier.minions.length === 0 || !(tier.etcd instanceof EtcdPeerTier) || !service
      || 'problem' in result || 'problem' in dns || cluster.propsProblems.length > 0) {
      return; // validation reports the cause; nothing sensible to add
    }
    const kubectlSha256 = this.kubectlSha256(result.release) ?? '';
    const pki = this.pki(cluster);
    const server = httpsUrl(controller.ip, SECURE_PORT);
    const clusterDns = nthAddress(service, 10);
    for (const node of tier.nodes) {
      const cloudConfig = attachCloudConfig(node, this.box.userDataFolder, nodeCloudConfig(node, result.release, clusterDns, kubectlSha256));
      cloudConfig.addWriteFiles(() => nodeSecrets(node, pki, server));
      if (node === controller) {
        // Rendered late, so that add-ons the user adds after the tier are delivered too.
        cloudConfig.addWriteFiles(() => addonFiles(cluster));
      }
    }

    // The built-in add-ons; node-01 applies them with every other Addon of the cluster.
    new FlannelAddon(cluster, 'flannel', {
      network: cluster.ipRange,
      interface: HOST_ONLY_INTERFACE,
      image: this.options.flannelImage ?? FLANNEL_IMAGE,
      cniPluginImage: this.options.flannelCniPluginImage ?? FLANNEL_CNI_PLUGIN_IMAGE,
    });
    new KubeProxyAddon(cluster, 'kube-proxy', {
      apiServerUrl: server, clusterCidr: cluster.ipRange, image: kubeProxyImage(result.release.version, cluster.imageRepository),
    });
    new CoreDnsAddon(cluster, 'coredns', { clusterIp: clusterDns, image: dns.image });
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

  private kubectlSha256(release: FlatcarRelease): string | undefined {
    return this.options.kubectlSha256 ?? release.kubectlSha256;
  }

  private coreDnsImage(cluster: VagrantCluster): { image: string } | { problem: string } {
    return this.options.coreDnsImage !== undefined ? { image: this.options.coreDnsImage }
      : coreDnsImage(cluster.kubernetesVersion, cluster.imageRepository);
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

/**
 * The key-free part of a node's cloud-config: the kubelet, its installer and its
 * configuration, the CNI plugins, and on the control plane the unit that applies
 * the add-ons (their manifests and the admin kubeconfig are added at render time).
 */
function nodeCloudConfig(node: KubeNode, release: FlatcarRelease, clusterDns: string, kubectlSha256: string): CloudConfigData {
  const controlPlane = node.role === KubeRole.MASTER;
  const script = (path: string, content: string): WriteFile => ({ path, permissions: '0755', owner: 'root', content });
  const addonFiles = controlPlane ? [script(INSTALL_KUBECTL, installKubectlScript(release.version, kubectlSha256)), script(APPLY_ADDONS, applyAddonsScript())] : [];
  // Listed last: coreos-cloudinit starts the units in order, and the add-ons need the kubelet's control plane.
  const addonUnits: CloudConfigUnit[] = controlPlane ? [{ name: APPLY_ADDONS_UNIT, command: 'start', enable: true, content: applyAddonsUnit().render() }] : [];
  return {
    hostname: node.hostname,
    write_files: [
      { path: INSTALL_KUBELET, permissions: '0755', owner: 'root', content: installKubeletScript(release) },
      script(INSTALL_CNI_PLUGINS, installCniPluginsScript(CNI_PLUGINS)),
      ...addonFiles,
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
      units: [
        { name: CNI_PLUGINS_UNIT, command: 'start', enable: true, content: cniPluginsUnit(CNI_PLUGINS).render() },
        { name: 'kubelet.service', command: 'start', enable: true, content: flatcarKubeletUnit(release, node.ip).render() },
        ...addonUnits,
      ],
    },
  };
}

/** Every add-on of the cluster as a file of the control plane's add-on folder, by file name. */
function addonFiles(cluster: VagrantCluster): WriteFile[] {
  return cluster.node.findAll().filter(Addon.isAddon)
    .map(addon => ({ path: `${ADDONS_DIR}/${addon.node.id}.yaml`, permissions: '0644', owner: 'root', content: addon.renderFile().content }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The pod network must hold a /24 per node: the controller-manager allocates each
 * node's podCIDR from it, and flannel routes exactly those.
 */
function podNetworkProblems(cluster: VagrantCluster): string[] {
  const range = parseCidr(cluster.ipRange);
  const nodes = cluster.tiers.filter((t): t is KubeNodeTier => t instanceof KubeNodeTier).reduce((sum, t) => sum + t.nodes.length, 0);
  if (!range || nodes === 0) { return []; }
  const capacity = range.bits > NODE_CIDR_BITS ? 0 : 2 ** (NODE_CIDR_BITS - range.bits);
  return capacity >= nodes ? [] : [`ipRange ${cluster.ipRange} holds ${capacity} node pod range(s) of /${NODE_CIDR_BITS}, `
    + `but the cluster has ${nodes} nodes; expected a range of /${NODE_CIDR_BITS - Math.ceil(Math.log2(nodes))} or larger`];
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
    // apply-addons.service applies the add-ons with it.
    keyFile(ADMIN_KUBECONFIG, kubeconfigFor(pki, server, 'kubernetes-admin', PKI_NAMES.admin)),
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
