import { Construct } from 'constructs';
import { flatcarRunbook } from './runbook';
import { ETCD_ENV_FILE, ETCD_PKI_DIR, etcdMemberSettings, etcdMemberUnit, etcdTlsClientUrl } from './etcd';
import {
  CONTROLLER_MANAGER_KUBECONFIG, PKI_DIR, SCHEDULER_KUBECONFIG, STATIC_POD_DIR, controlPlaneContainers,
} from './control-plane';
import { NodeSettings, addonFiles, certificateFile, keyFile, kubeconfigFor, nodeCloudConfig, nodeSecrets } from './node';
import optionsSchema from './options.schema.json';
import { ClusterPki, PKI_NAMES } from './pki';
import {
  ETCD_IMAGE, FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE, FLATCAR_DEFAULT_VERSION, FlatcarRelease, coreDnsImage, flatcarRelease, kubeProxyImage,
} from './releases';
import type { Addon } from '../../addons/addon';
import { CoreDnsAddon } from '../../addons/coredns-addon';
import { FlannelAddon } from '../../addons/flannel-addon';
import { KubeProxyAddon } from '../../addons/kube-proxy-addon';
import type { ClusterModel } from '../../cluster/cluster-model';
import type { ClusterOutput } from '../../cluster/cluster-output';
import type { ClusterSettings } from '../../cluster/cluster-settings';
import type { Machine } from '../../cluster/machine';
import { CloudConfig } from '../../formats/cloud-config';
import { CloudConfigData } from '../../formats/cloud-config-data';
import { renderEtcdEnv } from '../../formats/etcd-env';
import { StaticPod } from '../../formats/static-pod';
import { ProblemStyle, schemaProblems } from '../../synth/json-schema';
import { IFileOwner, SynthesizedFile } from '../../synth/synthesized-file';
import type { ValidationProblem } from '../../synth/validation-error';
import type { VagrantBox } from '../../vagrant/vagrant-box';
import type { IClusterProfile, ProfileBinding, ProfileDefaults } from '../cluster-profile';

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
/** Where the output folder keeps the per-VM cloud-configs: not `user-data`, which the box's own Vagrantfile uploads to every VM. */
const CLOUD_CONFIG_FOLDER = 'cloud-config';
/** The per-node pod range the controller-manager allocates (its --node-cidr-mask-size default for IPv4). */
const NODE_CIDR_BITS = 24;

/**
 * A cluster that boots on today's boxes: Flatcar Container Linux, etcd v3.6
 * with TLS on dedicated VMs, the control plane as static pods from
 * registry.k8s.io, the workers beside it. No fleet: placement is decided at
 * synth time and each VM gets exactly its own files.
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
    endpoints: { apiServerScheme: 'https', apiServerPort: 6443, etcdScheme: 'https' },
  };
  public readonly clusterProps = ['imageRepository'];
  /** The control plane applies addons/*.yaml with apply-addons.service. */
  public readonly appliesAddons = true;
  public readonly vagrantBox: VagrantBox = {
    name: 'flatcar-stable',
    url: 'https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_vagrant.json',
    // The box's OEM watches this path and runs coreos-cloudinit on it (flatcar/scripts oem-vagrant cloud-config.yml).
    userDataPath: '/var/lib/flatcar-vagrant/vagrantfile-user-data',
    description: 'Flatcar Container Linux, stable channel (box flatcar-stable)',
    // The box's own Vagrantfile requires it.
    minVagrantVersion: '2.2.5',
  };
  private readonly options: FlatcarProfileOptions;

  constructor(options: FlatcarProfileOptions = {}) {
    this.options = options ?? {};
  }

  public validateSettings(settings: ClusterSettings): string[] {
    const problems = schemaProblems(optionsSchema, this.options, ProblemStyle.PROPERTY).map(problem => `profile option ${problem}`);
    const result = flatcarRelease(settings.kubernetesVersion, this.options.kubeletSha256);
    if ('problem' in result) { return [...problems, result.problem]; }
    if (this.kubectlSha256(result.release) === undefined) {
      problems.push(`kubernetesVersion ${settings.kubernetesVersion} has no pinned kubectl checksum; set kubectlSha256 to the sha256 published at `
        + `https://dl.k8s.io/release/v${settings.kubernetesVersion}/bin/linux/amd64/kubectl.sha256`);
    } else if (!/^[0-9a-f]{64}$/.test(this.kubectlSha256(result.release)!)) {
      problems.push(`kubectlSha256 '${this.options.kubectlSha256}' is not a sha256; expected 64 lowercase hex digits`);
    }
    const dns = this.coreDnsImage(settings);
    if ('problem' in dns) { problems.push(dns.problem); }
    return problems;
  }

  public validate(model: ClusterModel): ValidationProblem[] {
    return podNetworkProblems(model).map(message => ({ constructPath: model.path, message }));
  }

  public bind(output: ClusterOutput, model: ClusterModel): ProfileBinding {
    const result = flatcarRelease(model.kubernetesVersion, this.options.kubeletSha256);
    const dns = this.coreDnsImage(model);
    if ('problem' in result || 'problem' in dns) { throw new Error('the settings were not validated'); }
    const controller = model.controlPlanes[0];
    const server = model.endpoints.apiServer;

    const pki = new ClusterPki(output, 'pki', model, { dir: this.options.pkiDir ?? `${output.outdir}.pki`, regenerate: this.options.regeneratePki });
    const etcdImage = this.options.etcdImage ?? ETCD_IMAGE;
    for (const peer of model.etcdPeers) {
      const settings = etcdMemberSettings(peer, model, `${model.name}-${peer.pool}`);
      const cloudConfig = attachCloudConfig(output, peer, {
        hostname: peer.hostname,
        write_files: [{ path: ETCD_ENV_FILE, permissions: '0644', owner: 'root', content: renderEtcdEnv(settings) }],
        coreos: {
          update: { reboot_strategy: 'off' },
          units: [{ name: 'etcd-member.service', command: 'start', enable: true, content: etcdMemberUnit(etcdImage).render() }],
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

    // Rendered late, so that every add-on, built in or the user's, is delivered.
    let builtIns: Addon[] = [];
    const nodeSettings: NodeSettings = {
      release: result.release, clusterDns: model.networks.dnsServiceAddress, kubectlSha256: this.kubectlSha256(result.release) ?? '',
    };
    for (const node of model.nodes) {
      const cloudConfig = attachCloudConfig(output, node, nodeCloudConfig(node, nodeSettings));
      cloudConfig.addWriteFiles(() => nodeSecrets(node, pki, server));
      if (node === controller) {
        cloudConfig.addWriteFiles(() => addonFiles([...builtIns, ...model.addons]));
        output.deliverFolder(node, { source: CONTROL_PLANE_PODS, target: STATIC_POD_DIR });
      }
      output.describe(node, `core=${node.pool},kube=${node === controller ? 'master' : 'minion'}`);
    }

    const containers = controlPlaneContainers({
      release: result.release,
      imageRepository: model.imageRepository,
      controllerIp: controller.ip,
      etcdServers: model.etcdPeers.map(etcdTlsClientUrl),
      serviceIpRange: model.networks.services.cidr,
      podIpRange: model.networks.pods.cidr,
    });
    const pkiMount = { name: 'k8s-certs', path: PKI_DIR };
    const podScope = output.tierScope(controller.pool);
    const pods = [
      new StaticPod(podScope, 'kube-apiserver', { folder: CONTROL_PLANE_PODS, containers: [containers.apiServer], hostMounts: [pkiMount] }),
      new StaticPod(podScope, 'kube-controller-manager', {
        folder: CONTROL_PLANE_PODS,
        containers: [containers.controllerManager],
        hostMounts: [pkiMount, { name: 'kubeconfig', path: CONTROLLER_MANAGER_KUBECONFIG, file: true }],
      }),
      new StaticPod(podScope, 'kube-scheduler', {
        folder: CONTROL_PLANE_PODS,
        containers: [containers.scheduler],
        hostMounts: [{ name: 'kubeconfig', path: SCHEDULER_KUBECONFIG, file: true }],
      }),
    ];

    // The built-in add-ons; the control plane applies them with every add-on of the user's.
    builtIns = [
      new FlannelAddon(output, 'flannel', {
        network: model.networks.pods.cidr,
        interface: model.networks.nodeInterface,
        image: this.options.flannelImage ?? FLANNEL_IMAGE,
        cniPluginImage: this.options.flannelCniPluginImage ?? FLANNEL_CNI_PLUGIN_IMAGE,
      }),
      new KubeProxyAddon(output, 'kube-proxy', {
        apiServerUrl: server, clusterCidr: model.networks.pods.cidr, image: kubeProxyImage(result.release.version, model.imageRepository),
      }),
      new CoreDnsAddon(output, 'coredns', { clusterIp: model.networks.dnsServiceAddress, image: dns.image }),
    ];
    
    new SecretFile(output, 'admin-kubeconfig', 'admin.kubeconfig', () => kubeconfigFor(pki, server, 'kubernetes-admin', PKI_NAMES.admin));
    // The output holds private keys: keep the whole folder out of git, wherever it is.
    new SecretFile(output, 'gitignore', '.gitignore', () => '# Holds private keys: never commit this folder.\n*\n', 0o644);

    const coreDns = builtIns.find((addon): addon is CoreDnsAddon => addon instanceof CoreDnsAddon)!;
    const replicas = (coreDns.manifests().find(manifest => manifest.kind === 'Deployment') as { spec?: { replicas?: number } } | undefined)?.spec?.replicas ?? 1;
    return {
      runbook: flatcarRunbook({
        model, box: this.vagrantBox, nodes: model.nodes, controlPlane: controller, staticPods: pods.map(pod => pod.node.id), coreDnsReplicas: replicas,
      }),
    };
  }

  private kubectlSha256(release: FlatcarRelease): string | undefined {
    return this.options.kubectlSha256 ?? release.kubectlSha256;
  }

  private coreDnsImage(settings: { kubernetesVersion: string; imageRepository: string }): { image: string } | { problem: string } {
    return this.options.coreDnsImage !== undefined ? { image: this.options.coreDnsImage }
      : coreDnsImage(settings.kubernetesVersion, settings.imageRepository);
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

function attachCloudConfig(output: ClusterOutput, machine: Machine, config: CloudConfigData): CloudConfig {
  const cloudConfig = new CloudConfig(output.machineScope(machine), 'user-data', { filePath: `${CLOUD_CONFIG_FOLDER}/${machine.hostname}.yaml`, config, secret: true });
  output.deliverUserData(machine, cloudConfig);
  return cloudConfig;
}

/**
 * The pod network must hold a /24 per node: the controller-manager allocates each
 * node's podCIDR from it, and flannel routes exactly those.
 */
function podNetworkProblems(model: ClusterModel): string[] {
  const range = model.networks.pods.range;
  const nodes = model.nodes.length;
  const capacity = range.bits > NODE_CIDR_BITS ? 0 : 2 ** (NODE_CIDR_BITS - range.bits);
  return capacity >= nodes ? [] : [`ipRange ${model.networks.pods.cidr} holds ${capacity} node pod range(s) of /${NODE_CIDR_BITS}, `
    + `but the cluster has ${nodes} nodes; expected a range of /${NODE_CIDR_BITS - Math.ceil(Math.log2(nodes))} or larger`];
}
