import { isDeepStrictEqual } from 'node:util';
import { Construct } from 'constructs';
import { ClassicComponentSettings, INSECURE_API_PORT, MANIFEST_DIR, masterContainers, minionContainers } from './control-plane';
import { etcd2PeerConfig } from './etcd';
import type { ClassicBinding } from './facts';
import { KubeRole, fleetMachine, kubeRole, metadataText } from './fleet-metadata';
import { FleetUnit } from './fleet-unit';
import { HyperkubeContainer, HyperkubePod } from './hyperkube-pod';
import { kubeletUnit, nodeCloudConfig } from './node';
import optionsSchema from './options.schema.json';
import { CLASSIC_DEFAULT_VERSION, ClassicRelease, classicRelease } from './releases';
import { readClassicFacts } from './facts';
import { classicRunbook } from './runbook';
import type { ClusterModel } from '../../cluster/cluster-model';
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT } from '../../cluster/endpoints';
import type { ClusterOutput } from '../../cluster/cluster-output';
import type { ClusterSettings } from '../../cluster/cluster-settings';
import { imageProblems } from '../../cluster/image-reference';
import type { Machine } from '../../cluster/machine';
import { NodeRole, formatTaint } from '../../cluster/node-role';
import { CloudConfig } from '../../formats/cloud-config';
import { CloudConfigData } from '../../formats/cloud-config-data';
import { ProblemStyle, schemaProblems } from '../../synth/json-schema';
import type { IWarningSource } from '../../synth/synthesizer';
import type { ValidationProblem } from '../../synth/validation-error';
import type { VagrantBox } from '../../vagrant/vagrant-box';
import type { IClusterProfile, ProfileBinding, ProfileDefaults } from '../cluster-profile';
import { copyOptions } from '../profile-options';

/** Options of the classic profile. */
export interface ClassicProfileOptions {
  /**
   * Image of the apiserver container: a hyperkube build (it runs `/hyperkube <component>`), e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly apiServerImage?: string;
  /**
   * Image of the controller-manager container: a hyperkube build, e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly controllerManagerImage?: string;
  /**
   * Image of the scheduler container: a hyperkube build, e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly schedulerImage?: string;
  /**
   * Image of the kube-proxy container: a hyperkube build, e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly proxyImage?: string;
}

/** Where the output folder keeps the per-VM cloud-configs. */
const USER_DATA_FOLDER = 'user-data';
/** The ids bind() gives constructs at the root of the output tree, where each tier's id names its machines' scope, with what each is. */
const OUTPUT_IDS: Readonly<Record<string, string>> = { 'plain-http': 'the plain-HTTP warning' };

/** Where the output folder keeps the fleet units: `fleetctl start kube/*.service`. */
export const FLEET_UNIT_FOLDER = 'kube';

/** The option of each container's image, by container name. */
const IMAGE_OPTIONS: Readonly<Record<string, keyof ClassicProfileOptions>> = {
  'apiserver': 'apiServerImage', 'controller-manager': 'controllerManagerImage', 'scheduler': 'schedulerImage', 'proxy': 'proxyImage',
};

/**
 * The seed's design: CoreOS VMs configured by coreos-cloudinit, an etcd2 peer
 * tier, nodes running an etcd2 proxy, fleet, flannel and docker, fleet units
 * that start the kubelets, and hyperkube static pods.
 */
export class ClassicProfile implements IClusterProfile {
  public readonly name = 'classic';
  /** The seed's values; its service range was its pod range, a defect fixed here with a range of its own. */
  public readonly defaults: ProfileDefaults = {
    prefix: '10.10.10',
    ipRange: '10.11.0.0/16',
    serviceIpRange: '10.12.0.0/16',
    kubernetesVersion: CLASSIC_DEFAULT_VERSION,
    imageRepository: 'gcr.io/google_containers',
    // The insecure port everywhere, etcd2 in plain HTTP: the seed's design.
    endpoints: { apiServerScheme: 'http', apiServerPort: 8080, etcdScheme: 'http' },
  };
  public readonly clusterProps = ['imageRepository', 'apiServerImage', 'controllerManagerImage', 'schedulerImage', 'proxyImage'];
  public readonly appliesAddons = false;
  /** The output holds no key: it is meant to be committed (`dist.out/` is). */
  public readonly ignoresOutput = false;
  public readonly outputIds = OUTPUT_IDS;
  public readonly vagrantBox: VagrantBox = {
    name: 'coreos-stable',
    // The CoreOS release bucket the seed used; CoreOS reached end of life in May 2020 and the URL is gone.
    url: 'https://storage.googleapis.com/stable.release.core-os.net/amd64-usr/current/coreos_production_vagrant.json',
    // The box's oem cloud-config runs coreos-cloudinit on this file at every boot (coreos/coreos-vagrant).
    userDataPath: '/var/lib/coreos-vagrant/vagrantfile-user-data',
    description: 'CoreOS Container Linux, stable channel (box coreos-stable)',
    minVagrantVersion: '1.8.0',
    endOfLife: 'CoreOS Container Linux reached its end of life in May 2020',
  };
  private readonly options: ClassicProfileOptions;

  /** What could not be read from the options given (a getter that throws, a revoked proxy), each a problem at validation. */
  private readonly unreadableOptions: string[];

  constructor(options: ClassicProfileOptions = {}) {
    const copy = copyOptions(options);
    this.options = copy.options;
    this.unreadableOptions = copy.problems;
  }

  public validateSettings(settings: ClusterSettings): string[] {
    const result = classicRelease(settings.kubernetesVersion);
    const problems = [...this.unreadableOptions, ...'problem' in result ? [result.problem] : []];
    problems.push(...schemaProblems(optionsSchema, this.options, ProblemStyle.PROPERTY).map(problem => `profile option ${problem}`));
    for (const [component, option] of Object.entries(IMAGE_OPTIONS)) {
      problems.push(...imageProblems(option, this.options[option]).map(problem => `profile option ${problem}`));
      if (settings.componentImages[component] !== undefined && this.options[option] !== undefined) {
        problems.push(`${option} is set both on the cluster and in ClusterProfile.classic(); expected it once (the profile option)`);
      }
    }
    return problems;
  }

  public validate(model: ClusterModel): ValidationProblem[] {
    const problems: ValidationProblem[] = podNetworkProblems(model).map(message => ({ constructPath: model.path, message }));
    const result = classicRelease(model.kubernetesVersion);
    for (const tier of model.nodeTiers.filter(() => 'release' in result)) {
      const release = (result as { release: ClassicRelease }).release;
      const holdsMaster = tier.machines.some(node => node.role === NodeRole.CONTROL_PLANE);
      const masterRegisters = !release.masterRegistration.includes('--register-node=false');
      if (holdsMaster && !masterRegisters && (Object.keys(tier.labels).length > 0 || tier.taints.length > 0)) {
        problems.push({ constructPath: tier.path, message: `labels and taints of the master's tier need the master's kubelet to register its node, which it `
          + `does from Kubernetes 1.5 (before, it runs --register-node=false), and the cluster runs ${model.kubernetesVersion}; `
          + 'expected kubernetesVersion 1.5.0 or later, or the labels and taints on a worker tier' });
      }
      const masterTaint = release.masterRegistration.find(flag => flag.startsWith('--register-with-taints='))?.slice('--register-with-taints='.length);
      if (holdsMaster && masterTaint && tier.taints.some(taint => formatTaint({ ...taint, value: taint.value ?? '' }) === masterTaint)) {
        problems.push({ constructPath: tier.path, message: `taints repeat ${masterTaint}, which the master registers with anyway; expected it left out `
          + '(a node whose taints repeat a key and effect is refused)' });
      }
      if (Object.keys(tier.labels).length > 0 && !release.nodeLabels) {
        problems.push({ constructPath: tier.path, message: `labels need the kubelet's --node-labels, which Kubernetes 1.2 added (#17265), `
          + `and the cluster runs ${model.kubernetesVersion}; expected kubernetesVersion 1.2.0 or later, or no labels` });
      }
      if (tier.taints.length > 0 && !release.registerWithTaints) {
        problems.push({ constructPath: tier.path, message: `taints need the kubelet's --register-with-taints, which Kubernetes 1.6 added (#31647), `
          + `and the cluster runs ${model.kubernetesVersion}; expected kubernetesVersion 1.6.0 or later, or no taints` });
      }
    }
    if (model.controlPlanes.length > 1) {
      const tiers = [...new Set(model.controlPlanes.map(node => node.tierPath))];
      for (const path of tiers) {
        problems.push({
          constructPath: path,
          message: `the classic profile runs one control plane, and the cluster has ${model.controlPlanes.length} `
            + `(${model.controlPlanes.map(node => node.hostname).join(', ')}); expected one: its API server listens on the insecure port of one node, `
            + 'and its etcd2 proxies and fleet units name that node',
        });
      }
    }
    return problems;
  }

  public bind(output: ClusterOutput, model: ClusterModel): ProfileBinding {
    const result = classicRelease(model.kubernetesVersion);
    if ('problem' in result) { throw new Error(result.problem); } // validateSettings rejected it already
    const master = model.controlPlanes[0];
    const settings: ClassicComponentSettings = { release: result.release, masterIp: master.ip, serviceIpRange: model.networks.services.cidr };

    for (const peer of model.etcdPeers) {
      attachUserData(output, peer, {
        hostname: peer.hostname,
        coreos: {
          etcd2: etcd2PeerConfig(peer, model),
          units: [
            { name: 'systemd-timesyncd.service', command: 'start' },
            { name: 'etcd2.service', command: 'start' },
          ],
        },
      });
    }
    const fleetMachines = model.nodes.map(fleetMachine);
    for (const node of model.nodes) {
      attachUserData(output, node, nodeCloudConfig(node, model, settings));
      output.deliverFolder(node, { source: podFolder(kubeRole(node)), target: MANIFEST_DIR });
      output.describe(node, metadataText(fleetMachine(node)));
    }

    const image = `${model.imageRepository}/${result.release.hyperkubeImage}:v${model.kubernetesVersion}`;
    const withOverrides = (containers: HyperkubeContainer[]) => containers.map(container => {
      const override = this.options[IMAGE_OPTIONS[container.name]] ?? model.componentImages[container.name];
      return override ? { ...container, image: override } : container;
    });
    const masterScope = output.tierScope(master.pool);
    const minionScope = output.tierScope(model.workers[0].pool);
    const masterPod = new HyperkubePod(masterScope, 'kube-master', { image, folder: podFolder(KubeRole.MASTER), containers: withOverrides(masterContainers(settings)) });
    const minionPod = new HyperkubePod(minionScope, 'kube-minion', { image, folder: podFolder(KubeRole.MINION), containers: withOverrides(minionContainers(settings)) });

    const units = [
      new FleetUnit(masterScope, 'kubelet-master', {
        unit: kubeletUnit(settings, KubeRole.MASTER, model.tierOf(master)),
        xFleet: { machineMetadata: [`kube=${KubeRole.MASTER}`] },
        machines: { fleetMachines },
        folder: FLEET_UNIT_FOLDER,
      }),
      ...minionUnits(output, model).map(({ scope, id, pool, metadata }) => new FleetUnit(scope, id, {
        unit: kubeletUnit(settings, KubeRole.MINION, pool),
        xFleet: { global: true, machineMetadata: metadata },
        machines: { fleetMachines },
        folder: FLEET_UNIT_FOLDER,
      })),
    ];
    new PlainHttpWarning(output, 'plain-http', plainHttpWarning(model));
    const binding: ClassicBinding = {
      model, box: this.vagrantBox, settings, fleetMachines, units,
      pods: [{ pod: masterPod, nodes: model.controlPlanes }, { pod: minionPod, nodes: model.workers }],
    };
    return { runbook: classicRunbook(readClassicFacts(binding)) };
  }
}

/** The subnet flannel leases each node from ipRange (/22 or larger) when its network config sets no SubnetLen, as the seed's does. */
const FLANNEL_SUBNET_BITS = 24;

/**
 * flannel must lease every node a subnet of the pod network. Without SubnetLen in its
 * network config, flannel leases each node a /24 of a /22 or larger network and never
 * leases the first one (flannel-io/flannel pkg/subnet/config.go ParseConfig: SubnetLen 24,
 * SubnetMin = the network + one subnet, SubnetMax = the last subnet). Every node runs
 * flanneld, the master included.
 */
function podNetworkProblems(model: ClusterModel): string[] {
  const range = model.networks.pods.range;
  const nodes = model.nodes.length;
  const leases = range.bits < FLANNEL_SUBNET_BITS ? 2 ** (FLANNEL_SUBNET_BITS - range.bits) - 1 : 0;
  if (leases >= nodes) { return []; }
  const needed = FLANNEL_SUBNET_BITS - Math.ceil(Math.log2(nodes + 1));
  return [`ipRange ${model.networks.pods.cidr} gives flannel ${leases} subnet(s) of /${FLANNEL_SUBNET_BITS} to lease (it never leases the first), `
    + `but the cluster has ${nodes} nodes, each running flanneld; expected a range of /${Math.min(needed, 22)} or larger`];
}

/** `pods/master` or `pods/minion`: the output folder rsynced to a node's manifest folder. */
function podFolder(role: KubeRole): string {
  return `pods/${role}`;
}

function attachUserData(output: ClusterOutput, machine: Machine, config: CloudConfigData): void {
  const cloudConfig = new CloudConfig(output.machineScope(machine), 'user-data', { filePath: `${USER_DATA_FOLDER}/${machine.hostname}.yaml`, config });
  output.deliverUserData(machine, cloudConfig);
}

/**
 * The minions' kubelet units: one global unit for every minion when all worker pools register
 * alike (the seed's `kubelet-minion`), else one per pool, `kubelet-minion-<pool>`, placed by the
 * pool's fleet metadata `core=<pool>`, each with its pool's labels and taints.
 */
function minionUnits(output: ClusterOutput, model: ClusterModel) {
  const pools = model.nodeTiers.filter(tier => tier.machines.some(machine => machine.role === NodeRole.WORKER));
  const alike = pools.every(pool => isDeepStrictEqual([pool.labels, pool.taints], [pools[0].labels, pools[0].taints]));
  if (alike) {
    return [{ scope: output.tierScope(pools[0].id), id: 'kubelet-minion', pool: pools[0], metadata: [`kube=${KubeRole.MINION}`] }];
  }
  return pools.map(pool => ({
    scope: output.tierScope(pool.id), id: `kubelet-minion-${pool.id}`, pool, metadata: [`core=${pool.id}`, `kube=${KubeRole.MINION}`],
  }));
}

/**
 * What the seed's design exposes, said at every synth: the insecure port of the API server on every
 * interface of the master, and etcd2 over plain HTTP, neither with any authentication.
 */
function plainHttpWarning(model: ClusterModel): string {
  const master = model.controlPlanes[0];
  const peers = model.etcdPeers.map(peer => peer.ip).join(', ');
  return `the API server serves plain HTTP without authentication or authorization on port ${INSECURE_API_PORT} of every interface of `
    + `${master.hostname} (--insecure-bind-address=0.0.0.0), and etcd2 serves plain HTTP without authentication on ${peers} (ports ${ETCD_CLIENT_PORT} and ${ETCD_PEER_PORT}): `
    + `anyone who reaches ${model.networks.host.cidr} controls the cluster and reads its data; keep the host network private, `
    + 'or use ClusterProfile.FLATCAR (TLS and client certificates everywhere)';
}

/** A warning of the bound output, for manifest.json and stderr. */
class PlainHttpWarning extends Construct implements IWarningSource {
  constructor(scope: Construct, id: string, private readonly message: string) {
    super(scope, id);
  }

  public warnings(): string[] {
    return [this.message];
  }
}
