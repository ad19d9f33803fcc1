import * as path from 'node:path';
import { Construct } from 'constructs';
import { flatcarRole } from './facts';
import { flatcarRunbook } from './runbook';
import { ETCD_ENV_FILE, ETCD_PKI_DIR, etcdMemberSettings, etcdMemberUnit, etcdTlsClientUrl } from './etcd';
import {
  AUDIT_LOG_DIR, AUDIT_POLICY_FILE, AUTHENTICATION_CONFIG_FILE, CONTROLLER_MANAGER_KUBECONFIG, ENCRYPTION_CONFIG_FILE, PKI_DIR,
  SCHEDULER_KUBECONFIG, STATIC_POD_DIR, controlPlaneContainers,
} from './control-plane';
import { kubeVipPod } from './kube-vip';
import {
  NodeServers, NodeSettings, addonFiles, adminUser, apiLabels, certificateFile, keyFile, kubeconfigFor, nodeCloudConfig, nodeSecrets,
} from './node';
import { API_LABEL_NAMESPACES, KUBELET_LABELS, KUBELET_LABEL_NAMESPACES, labelSetter } from './node-labels';
import optionsSchema from './options.schema.json';
import { ClusterPki, PKI_NAMES } from './pki';
import {
  ETCD_IMAGE, FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE, FLATCAR_DEFAULT_VERSION, FlatcarRelease, LOCAL_PATH_HELPER_IMAGE, LOCAL_PATH_PROVISIONER_IMAGE,
  METRICS_SERVER_IMAGE, TRAEFIK_IMAGE, coreDnsImage, flatcarRelease, kubeProxyImage,
} from './releases';
import type { Addon } from '../../addons/addon';
import { CoreDnsAddon } from '../../addons/coredns-addon';
import { FlannelAddon } from '../../addons/flannel-addon';
import { KubeProxyAddon } from '../../addons/kube-proxy-addon';
import { KubeletCertificateRotationAddon } from '../../addons/kubelet-certificate-rotation-addon';
import { LocalPathStorageAddon } from '../../addons/local-path-storage-addon';
import { MetricsServerAddon } from '../../addons/metrics-server-addon';
import { TraefikAddon } from '../../addons/traefik-addon';
import type { ClusterModel } from '../../cluster/cluster-model';
import type { ClusterOutput } from '../../cluster/cluster-output';
import type { ClusterSettings } from '../../cluster/cluster-settings';
import { imageProblems } from '../../cluster/image-reference';
import { parseCidr } from '../../cluster/ipv4';
import type { Machine } from '../../cluster/machine';
import { CONTROL_PLANE_TAINT, NodeRole, formatTaint, takesOrdinaryPods } from '../../cluster/node-role';
import { CloudConfig } from '../../formats/cloud-config';
import { CloudConfigData } from '../../formats/cloud-config-data';
import { renderEtcdEnv } from '../../formats/etcd-env';
import { StaticPod } from '../../formats/static-pod';
import { FOLDER_MODE } from '../../pki/pki-folder';
import { ProblemStyle, schemaProblems } from '../../synth/json-schema';
import { IFileOwner, SynthesizedFile } from '../../synth/synthesized-file';
import type { ValidationProblem } from '../../synth/validation-error';
import { listOf } from '../../runbook/wording';
import type { VagrantBox } from '../../vagrant/vagrant-box';
import type { IClusterProfile, ProfileBinding, ProfileDefaults } from '../cluster-profile';
import { copyOptions } from '../profile-options';

/**
 * The optional add-ons of the Flatcar profile, each off unless switched on here. They run on the
 * workers that no NoSchedule or NoExecute taint keeps pods off (the control planes are tainted), so a cluster that
 * enables one needs such a worker.
 */
export interface FlatcarAddonOptions {
  /**
   * metrics-server, for `kubectl top` and HorizontalPodAutoscalers: it verifies the kubelets'
   * serving certificates with the cluster CA, and the API server reaches it through the front proxy.
   * @default false
   */
  readonly metricsServer?: boolean;
  /**
   * local-path-provisioner and its StorageClass `local-path`, the cluster's default: a PersistentVolumeClaim
   * binds to a folder on the node of the first pod that uses it.
   * @default false
   */
  readonly localPathStorage?: boolean;
  /**
   * The ingress controller, a DaemonSet on ports 80 and 443 of every worker that takes ordinary pods, with the default IngressClass:
   * `'traefik'` (Traefik Proxy). ingress-nginx is not offered: the Kubernetes project retired it in March 2026.
   * @default - none
   */
  readonly ingress?: string;
}

/** The ingress controllers `FlatcarAddonOptions.ingress` names. */
export const INGRESS_CONTROLLERS = ['traefik'] as const;

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
  /**
   * Optional add-ons: metrics-server, a default StorageClass, an ingress controller.
   * @default - none of them
   */
  readonly addons?: FlatcarAddonOptions;
}

/** The output folder of the static pods: `pods/<control plane>/` is rsynced to that machine's staticPodPath. */
const POD_FOLDER = 'pods';
/** Where the output folder keeps the per-VM cloud-configs: not `user-data`, which the box's own Vagrantfile uploads to every VM. */
const CLOUD_CONFIG_FOLDER = 'cloud-config';
/** The ids bind() gives constructs at the root of the output tree, where each tier's id names its machines' scope, with what each is. */
const OUTPUT_IDS: Readonly<Record<string, string>> = {
  'pki': 'the cluster\'s PKI', 'flannel': 'the built-in add-on flannel', 'kube-proxy': 'the built-in add-on kube-proxy',
  'coredns': 'the built-in add-on CoreDNS', 'kubelet-certificate-rotation': 'the built-in add-on that approves kubelet certificate renewals',
  'admin-kubeconfig': 'admin.kubeconfig', 'gitignore': 'the output\'s .gitignore',
  'cluster-ssh-key': 'cluster-ssh.key', 'cluster-ssh-public-key': 'cluster-ssh.pub',
};
/**
 * The optional add-ons: whether the options switch each on, its id at the root of the output tree
 * (its file's name) with what it is, and how it is built there.
 */
const OPTIONAL_ADDONS: ReadonlyArray<{
  readonly id: string;
  readonly what: string;
  readonly on: (addons: FlatcarAddonOptions) => boolean;
  readonly build: (output: ClusterOutput, id: string) => Addon;
}> = [
  {
    id: 'metrics-server', what: 'the optional add-on metrics-server', on: addons => addons.metricsServer === true,
    build: (output, id) => new MetricsServerAddon(output, id, { image: METRICS_SERVER_IMAGE }),
  },
  {
    id: 'local-path-storage', what: 'the optional add-on local-path-provisioner', on: addons => addons.localPathStorage === true,
    build: (output, id) => new LocalPathStorageAddon(output, id, { image: LOCAL_PATH_PROVISIONER_IMAGE, helperImage: LOCAL_PATH_HELPER_IMAGE }),
  },
  {
    id: 'traefik', what: 'the optional add-on Traefik', on: addons => addons.ingress === 'traefik',
    build: (output, id) => new TraefikAddon(output, id, { image: TRAEFIK_IMAGE }),
  },
];
/** The options that name an image: each a pinned image reference (a docker argument or a pod's image). */
const IMAGE_OPTIONS = ['etcdImage', 'coreDnsImage', 'flannelImage', 'flannelCniPluginImage'] as const;
/** The per-node pod range the controller-manager allocates (its --node-cidr-mask-size default for IPv4). */
const NODE_CIDR_BITS = 24;
/** Flatcar's user, whom the box's own Vagrantfile logs in as. */
const LOGIN_USER = 'core';
/** The cluster's SSH key pair in the output, beside the Vagrantfile that names it (a copy of the PKI folder's). */
const LOGIN_KEY_FILE = 'cluster-ssh.key';
const LOGIN_PUBLIC_KEY_FILE = 'cluster-ssh.pub';
/** How many more bits a node range may have than the cluster range (cidr_set.go clusterSubnetMaxDiff). */
const NODE_CIDR_MAX_DIFF = 16;
/** The API server's largest service range, in host bits (kube-apiserver options validation: bits - ones > 20 is refused). */
const SERVICE_RANGE_MAX_BITS = 20;

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
  public readonly clusterProps = ['imageRepository', 'controlPlaneEndpoint'];
  /** The control plane applies addons/*.yaml with apply-addons.service. */
  public readonly appliesAddons = true;
  /** The output holds keys: its .gitignore is `*`. */
  public readonly ignoresOutput = true;
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

  /** What could not be read from the options given (a getter that throws, a revoked proxy), each a problem at validation. */
  private readonly unreadableOptions: string[];

  constructor(options: FlatcarProfileOptions = {}) {
    const copy = copyOptions(options);
    this.options = copy.options;
    this.unreadableOptions = copy.problems;
  }

  public validateSettings(settings: ClusterSettings): string[] {
    const problems = [...this.unreadableOptions, ...schemaProblems(optionsSchema, this.options, ProblemStyle.PROPERTY).map(problem => `profile option ${problem}`)];
    for (const option of IMAGE_OPTIONS) {
      problems.push(...imageProblems(option, this.options[option]).map(problem => `profile option ${problem}`));
    }
    // A checksum of the wrong type is the schema's to report; the checks below take strings only.
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const result = flatcarRelease(settings.kubernetesVersion, text(this.options.kubeletSha256));
    // Without a release, the checks that depend on it are skipped; the others still run, so that every problem shows at once.
    if ('problem' in result) {
      problems.push(result.problem);
    } else {
      const kubectlSha256 = this.kubectlSha256(result.release);
      if (this.options.kubectlSha256 === undefined || text(this.options.kubectlSha256) !== undefined) {
        if (kubectlSha256 === undefined) {
          problems.push(`kubernetesVersion ${settings.kubernetesVersion} has no pinned kubectl checksum; set kubectlSha256 to the sha256 published at `
            + `https://dl.k8s.io/release/v${settings.kubernetesVersion}/bin/linux/amd64/kubectl.sha256`);
        } else if (!/^[0-9a-f]{64}$/.test(kubectlSha256)) {
          problems.push(`kubectlSha256 '${this.options.kubectlSha256}' is not a sha256; expected 64 lowercase hex digits`);
        }
      }
      // A repository that is not a string is the cluster props' schema's to report.
      if (typeof settings.imageRepository === 'string') {
        const dns = this.coreDnsImage(settings);
        if ('problem' in dns) { problems.push(dns.problem); }
      }
    }
    problems.push(...pkiDirProblems(this.options.pkiDir, settings.outdir));
    problems.push(...ingressProblems(this.options.addons));
    return problems;
  }

  public validate(model: ClusterModel): ValidationProblem[] {
    const problems: ValidationProblem[] = [...podNetworkProblems(model), ...serviceNetworkProblems(model)]
      .map(message => ({ constructPath: model.path, message }));
    if (model.controlPlanes.length > 1 && !model.hasControlPlaneEndpoint) {
      problems.push({
        constructPath: model.path,
        message: `has ${model.controlPlanes.length} control planes (${model.controlPlanes.map(cp => cp.hostname).join(', ')}) but no `
          + `controlPlaneEndpoint; expected a free address of the host network ${model.networks.host.cidr} as controlPlaneEndpoint, `
          + 'the virtual IP that kube-vip keeps on one of them for the kubelets, kube-proxy and kubectl',
      });
    }
    const enabled = this.enabledAddons().map(addon => addon.id);
    if (enabled.length > 0 && !model.workers.some(takesOrdinaryPods)) {
      problems.push({
        constructPath: model.path,
        message: `enables ${listOf(enabled)} but has no worker without a NoSchedule or NoExecute taint, where ${enabled.length === 1 ? 'it runs' : 'they run'} `
          + '(the control planes are tainted); expected a worker tier without such taints, or the add-ons left off',
      });
    }
    for (const tier of model.nodeTiers) {
      if (tier.machines.some(node => node.role === NodeRole.CONTROL_PLANE)
        && tier.taints.some(taint => taint.key === CONTROL_PLANE_TAINT.key && taint.effect === CONTROL_PLANE_TAINT.effect)) {
        problems.push({
          constructPath: tier.path,
          message: `taints repeat ${formatTaint(CONTROL_PLANE_TAINT)}, which every control plane registers with anyway; expected it left out `
            + '(a node whose taints repeat a key and effect is refused)',
        });
      }
      for (const key of Object.keys(tier.labels).filter(label => labelSetter(label) === 'refused')) {
        problems.push({
          constructPath: tier.path,
          message: `label ${key} is in the kubernetes.io or k8s.io namespace, where a kubelet may set only ${KUBELET_LABELS.join(', ')} `
            + `and labels under ${KUBELET_LABEL_NAMESPACES.join(', ')}, and the add-on bootstrap sets labels under `
            + `${API_LABEL_NAMESPACES.join(', ')}; expected one of those, or a label of your own namespace such as example.com/${key.split('/').pop()}`,
        });
      }
    }
    return problems;
  }

  public bind(output: ClusterOutput, model: ClusterModel): ProfileBinding {
    const result = flatcarRelease(model.kubernetesVersion, this.options.kubeletSha256);
    const dns = this.coreDnsImage(model);
    if ('problem' in result || 'problem' in dns) { throw new Error('the settings were not validated'); }
    const endpoints = model.endpoints;
    const kubeVip = model.hasControlPlaneEndpoint;
    // Behind a virtual IP, a control plane's own components use its API server on 127.0.0.1: it listens
    // on every address then, and no control plane depends on the one that holds the virtual IP.
    const servers: NodeServers = { kubelet: endpoints.apiServer, local: kubeVip ? endpoints.localApiServer : endpoints.apiServer, kubeVip, clusterName: model.clusterName };

    const loginKeyWanted = output.wantsLoginKey;
    const pki = new ClusterPki(output, 'pki', model, {
      dir: this.options.pkiDir ?? `${output.outdir}.pki`, regenerate: this.options.regeneratePki, loginKey: loginKeyWanted, outdir: output.outdir,
    });
    // A target that logs in (Vagrant) gets the cluster's own SSH key, which every machine accepts; the target makes it the only one.
    const loginKey = loginKeyWanted ? () => [pki.material.sshPublicKey(PKI_NAMES.clusterSsh).trimEnd()] : () => [];
    if (loginKeyWanted) {
      output.deliverLoginKey({ user: LOGIN_USER, privateKeyFile: LOGIN_KEY_FILE, publicKeyFile: LOGIN_PUBLIC_KEY_FILE });
      new SecretFile(output, 'cluster-ssh-key', LOGIN_KEY_FILE, () => pki.material.sshPrivateKey(PKI_NAMES.clusterSsh));
      new SecretFile(output, 'cluster-ssh-public-key', LOGIN_PUBLIC_KEY_FILE, () => pki.material.sshPublicKey(PKI_NAMES.clusterSsh), 0o644);
    }
    const etcdImage = this.options.etcdImage ?? ETCD_IMAGE;
    for (const peer of model.etcdPeers) {
      const settings = etcdMemberSettings(peer, model, `${model.name}-${peer.pool}`);
      const cloudConfig = attachCloudConfig(output, peer, loginKey, {
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
      release: result.release,
      clusterDns: model.networks.dnsServiceAddress,
      kubectlSha256: this.kubectlSha256(result.release) ?? '',
      apiLabels: apiLabels(model),
    };
    const staticPods = new Map<string, string[]>();
    for (const node of model.nodes) {
      const cloudConfig = attachCloudConfig(output, node, loginKey, nodeCloudConfig(node, nodeSettings));
      cloudConfig.addWriteFiles(() => nodeSecrets(node, pki, servers));
      output.describe(node, machineNote(node));
      if (node.role !== NodeRole.CONTROL_PLANE) { continue; }
      // Every control plane runs its own static pods and applies the add-ons.
      cloudConfig.addWriteFiles(() => addonFiles([...builtIns, ...model.addons]));
      const folder = `${POD_FOLDER}/${node.hostname}`;
      output.deliverFolder(node, { source: folder, target: STATIC_POD_DIR });
      const pods = this.controlPlanePods(output, model, node, result.release, folder);
      staticPods.set(node.hostname, pods.map(pod => pod.node.id));
    }

    // The built-in add-ons; the control planes apply them with every add-on of the user's.
    builtIns = [
      new FlannelAddon(output, 'flannel', {
        network: model.networks.pods.cidr,
        interface: model.networks.nodeInterface,
        image: this.options.flannelImage ?? FLANNEL_IMAGE,
        cniPluginImage: this.options.flannelCniPluginImage ?? FLANNEL_CNI_PLUGIN_IMAGE,
      }),
      new KubeProxyAddon(output, 'kube-proxy', {
        apiServerUrl: endpoints.apiServer, clusterCidr: model.networks.pods.cidr, image: kubeProxyImage(result.release.version, model.imageRepository),
      }),
      new CoreDnsAddon(output, 'coredns', { clusterIp: model.networks.dnsServiceAddress, image: dns.image }),
      // The kubelets renew their client certificates (rotateCertificates): their requests are approved by this RBAC.
      new KubeletCertificateRotationAddon(output, 'kubelet-certificate-rotation'),
      ...this.enabledAddons().map(addon => addon.build(output, addon.id)),
    ];

    new SecretFile(output, 'admin-kubeconfig', 'admin.kubeconfig', () => kubeconfigFor(pki, { server: endpoints.apiServer, clusterName: model.clusterName }, adminUser(model.clusterName), PKI_NAMES.admin));
    // The output holds private keys: keep the whole folder out of git, wherever it is.
    new SecretFile(output, 'gitignore', '.gitignore', () => '# Holds private keys: never commit this folder.\n*\n', 0o644);

    const coreDns = builtIns.find((addon): addon is CoreDnsAddon => addon instanceof CoreDnsAddon)!;
    const addons = this.options.addons ?? {};
    return {
      runbook: flatcarRunbook({
        model, staticPods, coreDnsReplicas: coreDns.replicas,
        optionalAddons: { metricsServer: addons.metricsServer === true, localPathStorage: addons.localPathStorage === true, ingress: addons.ingress },
      }),
    };
  }

  /** A control plane's static pods, `pods/<hostname>/*.yaml`: the API server, controller-manager and scheduler, and kube-vip behind a virtual IP. */
  private controlPlanePods(output: ClusterOutput, model: ClusterModel, node: Machine, release: FlatcarRelease, folder: string): StaticPod[] {
    const containers = controlPlaneContainers({
      release,
      imageRepository: model.imageRepository,
      advertiseAddress: node.ip,
      bindAddress: model.hasControlPlaneEndpoint ? '0.0.0.0' : node.ip,
      etcdServers: model.etcdPeers.map(etcdTlsClientUrl),
      serviceIpRange: model.networks.services.cidr,
      podIpRange: model.networks.pods.cidr,
    });
    const scope = output.machineScope(node);
    const pkiMount = { name: 'k8s-certs', path: PKI_DIR };
    const pods = [
      new StaticPod(scope, 'kube-apiserver', {
        folder,
        containers: [containers.apiServer],
        hostMounts: [
          pkiMount,
          { name: 'audit-policy', path: AUDIT_POLICY_FILE, file: true },
          { name: 'authentication-config', path: AUTHENTICATION_CONFIG_FILE, file: true },
          { name: 'encryption-config', path: ENCRYPTION_CONFIG_FILE, file: true },
          { name: 'audit-log', path: AUDIT_LOG_DIR, writable: true },
        ],
      }),
      new StaticPod(scope, 'kube-controller-manager', {
        folder,
        containers: [containers.controllerManager],
        hostMounts: [pkiMount, { name: 'kubeconfig', path: CONTROLLER_MANAGER_KUBECONFIG, file: true }],
      }),
      new StaticPod(scope, 'kube-scheduler', {
        folder,
        containers: [containers.scheduler],
        hostMounts: [{ name: 'kubeconfig', path: SCHEDULER_KUBECONFIG, file: true }],
      }),
    ];
    const endpoint = model.endpoints.controlPlaneEndpoint;
    if (endpoint) {
      pods.push(new StaticPod(scope, 'kube-vip', {
        folder,
        ...kubeVipPod({ address: endpoint, interface: model.networks.nodeInterface, port: model.endpoints.apiServerPort }),
      }));
    }
    return pods;
  }

  public get outputIds(): Readonly<Record<string, string>> {
    return { ...OUTPUT_IDS, ...Object.fromEntries(this.enabledAddons().map(addon => [addon.id, addon.what])) };
  }

  /** The optional add-ons the options switch on (none while the option is malformed: a validation error says so). */
  private enabledAddons(): typeof OPTIONAL_ADDONS {
    const addons: FlatcarAddonOptions = this.options.addons !== null && typeof this.options.addons === 'object' ? this.options.addons : {};
    return OPTIONAL_ADDONS.filter(addon => addon.on(addons));
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

/**
 * A machine's cloud-config, 0600 and delivered as secret (it carries keys), authorizing the cluster's
 * SSH key, when the target logs in with one, for `core` at every boot (coreos-cloudinit's `ssh_authorized_keys`).
 */
function attachCloudConfig(output: ClusterOutput, machine: Machine, loginKeys: () => string[], config: CloudConfigData): CloudConfig {
  const cloudConfig = new CloudConfig(output.machineScope(machine), 'user-data', { filePath: `${CLOUD_CONFIG_FOLDER}/${machine.hostname}.yaml`, config, secret: true });
  cloudConfig.addSshAuthorizedKeys(loginKeys);
  output.deliverUserData(machine, cloudConfig, { secret: true });
  return cloudConfig;
}

/**
 * The PKI folder and the output folder must be apart. The writer replaces the output folder
 * whole by a rename, and the PKI writes its new pieces just before that rename
 * (lib/synth/atomic-writer.ts, writeAtomically's beforeSwap).
 */
function pkiDirProblems(pkiDir: unknown, outdir: string): string[] {
  // A missing or malformed pkiDir is the options schema's to report.
  if (typeof pkiDir !== 'string' || pkiDir === '') { return []; }
  const pki = path.resolve(pkiDir);
  const out = path.resolve(outdir);
  const inside = (folder: string, parent: string) => folder.startsWith(`${parent}${path.sep}`) || (parent === path.parse(parent).root && folder !== parent);
  const expected = `expected a folder apart from the output folder, such as '${outdir}.pki' (the default)`;
  if (pki === out || inside(pki, out)) {
    const where = pki === out ? 'is the output folder' : `is inside the output folder ${outdir}`;
    return [`profile option pkiDir '${pkiDir}' ${where}, which every synth replaces whole by a rename: the PKI writes its keys just `
      + 'before it, so a first synth fails to rename onto a folder the keys already fill (and later ones refuse a folder of files without '
      + `manifest.json), and over an earlier output the new keys would go with the folder the rename replaces; ${expected}`];
  }
  if (inside(out, pki)) {
    return [`profile option pkiDir '${pkiDir}' holds the output folder ${outdir}: the private-key folder would hold the output and `
      + `the writer's staging copies, and the writer would create it without the ${FOLDER_MODE.toString(8).padStart(4, '0')} mode the PKI gives its folder; ${expected}`];
  }
  return [];
}

/** An ingress controller the profile does not offer (a value of another type is the schema's to report). */
function ingressProblems(addons: unknown): string[] {
  const ingress = addons !== null && typeof addons === 'object' ? (addons as { ingress?: unknown }).ingress : undefined;
  if (typeof ingress !== 'string' || (INGRESS_CONTROLLERS as readonly string[]).includes(ingress)) { return []; }
  const retired = /nginx/i.test(ingress) ? ' (ingress-nginx was retired by the Kubernetes project in March 2026 and gets no fixes)' : '';
  return [`profile option addons.ingress '${ingress}' is not an ingress controller the Flatcar profile offers${retired}; `
    + `expected ${INGRESS_CONTROLLERS.map(name => `'${name}'`).join(' or ')}, or no ingress option`];
}

/**
 * The pod network must hold a /24 per node: the controller-manager allocates each
 * node's podCIDR from it, and flannel routes exactly those.
 */
function podNetworkProblems(model: ClusterModel): string[] {
  const range = model.networks.pods.range;
  const nodes = model.nodes.length;
  // The controller-manager's allocator takes at most 2^16 node ranges (pkg/controller/nodeipam/ipam/cidrset/cidr_set.go,
  // clusterSubnetMaxDiff), and refuses to start on a larger range.
  if (NODE_CIDR_BITS - range.bits > NODE_CIDR_MAX_DIFF) {
    return [`ipRange ${model.networks.pods.cidr} is larger than /${NODE_CIDR_BITS - NODE_CIDR_MAX_DIFF}: the controller-manager allocates `
      + `node ranges of /${NODE_CIDR_BITS} from at most 2^${NODE_CIDR_MAX_DIFF} of them and refuses a larger cluster CIDR; `
      + `expected /${NODE_CIDR_BITS - NODE_CIDR_MAX_DIFF} or smaller, such as '10.244.0.0/16'`];
  }
  const capacity = range.bits > NODE_CIDR_BITS ? 0 : 2 ** (NODE_CIDR_BITS - range.bits);
  return capacity >= nodes ? [] : [`ipRange ${model.networks.pods.cidr} holds ${capacity} node pod range(s) of /${NODE_CIDR_BITS}, `
    + `but the cluster has ${nodes} nodes; expected a range of /${NODE_CIDR_BITS - Math.ceil(Math.log2(nodes))} or larger`];
}

/**
 * The service range must hold the cluster DNS address, which the kubelets (clusterDNS) and
 * CoreDNS's Service use: the model's 10th address of the range, a host address of it. The
 * API server refuses a range of more than 2^20 addresses (kubernetes cmd/kube-apiserver/app/options/validation.go:
 * "specified --service-cluster-ip-range is too large").
 */
function serviceNetworkProblems(model: ClusterModel): string[] {
  const { services, dnsServiceAddress } = model.networks;
  const problems: string[] = [];
  if (32 - services.range.bits > SERVICE_RANGE_MAX_BITS) {
    problems.push(`serviceIpRange ${services.cidr} is larger than /${32 - SERVICE_RANGE_MAX_BITS}: the API server refuses a service range of `
      + `more than 2^${SERVICE_RANGE_MAX_BITS} addresses; expected /${32 - SERVICE_RANGE_MAX_BITS} or smaller, such as '10.96.0.0/16'`);
  }
  // At offset 10 of an aligned range, the address is never the network address (offset 0) nor a
  // broadcast address (offset 2^n - 1): inside the range is enough.
  if (parseCidr(`${dnsServiceAddress}/32`)!.first > services.range.last) {
    problems.push(`serviceIpRange ${services.cidr} has no room for the cluster DNS Service: the kubelets' clusterDNS and CoreDNS's Service `
      + `take the 10th address of the range, ${dnsServiceAddress}, which lies outside it; expected /28 or larger`);
  }
  return problems;
}

/** What a node is, for the Vagrantfile's header: its role and pool, and its labels and taints. */
function machineNote(node: Machine): string {
  const labels = Object.entries(node.labels).map(([key, value]) => `${key}=${value}`);
  return [
    `${flatcarRole(node)}, pool ${node.pool}`,
    ...(labels.length > 0 ? [`labels ${labels.join(',')}`] : []),
    ...(node.taints.length > 0 ? [`taints ${node.taints.map(formatTaint).join(',')}`] : []),
  ].join(', ');
}
