import { IClusterProfile, ProfileDefaults, VagrantBox } from '../cluster-profile';
import { CloudConfig } from '../../formats/cloud-config';
import { CloudConfigData, CloudConfigUnit, WriteFile } from '../../formats/cloud-config-data';
import { etcd2PeerConfig, etcd2ProxyConfig } from './etcd';
import { EtcdPeerTier } from '../../cluster/etcd-peer-tier';
import { LOCAL_ETCD_URL } from '../../cluster/etcd-urls';
import { FleetUnit } from './fleet-unit';
import { ExecCommand, SystemdUnit } from '../../formats/systemd-unit';
import {
  ClassicComponentSettings, INSECURE_API_PORT, KUBELET_KUBECONFIG, MANIFEST_DIR, WAIT_FOR_PORT,
  insecureApiUrl, kubeletCommand, masterContainers, minionContainers,
} from './control-plane';
import { CLASSIC_DEFAULT_VERSION, classicRelease } from './releases';
import { HyperkubeContainer, HyperkubePod } from './hyperkube-pod';
import { KubeNode, KubeNodeTier, KubeRole } from '../../cluster/kube-node-tier';
import { Runbook } from './runbook';
import { ClassicRunbookSource } from './topology';
import { VerifyScript } from './verify-script';
import { TopologySvg, TopologyText } from '../../runbook';
import { stableJson } from '../../formats/stable-json';
import type { VagrantCluster } from '../../vagrant/vagrant-cluster';
import { VagrantMachine } from '../../vagrant/vagrant-machine';

/** Where the output folder keeps the per-VM cloud-configs. */
const USER_DATA_FOLDER = 'user-data';

/** Where the output folder keeps the fleet units: `fleetctl start kube/*.service`. */
export const FLEET_UNIT_FOLDER = 'kube';

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
  };
  public readonly box: VagrantBox = {
    name: 'coreos-stable',
    // The CoreOS release bucket the seed used; CoreOS reached end of life in May 2020 and the URL is gone.
    url: 'https://storage.googleapis.com/stable.release.core-os.net/amd64-usr/current/coreos_production_vagrant.json',
    // The box's oem cloud-config runs coreos-cloudinit on this file at every boot (coreos/coreos-vagrant).
    userDataPath: '/var/lib/coreos-vagrant/vagrantfile-user-data',
    description: 'CoreOS Container Linux, stable channel (box coreos-stable)',
    minVagrantVersion: '1.8.0',
    userDataFolder: USER_DATA_FOLDER,
  };

  public validateCluster(cluster: VagrantCluster): string[] {
    const result = classicRelease(cluster.kubernetesVersion);
    return 'problem' in result ? [result.problem] : [];
  }

  public populateEtcdTier(tier: EtcdPeerTier): void {
    for (const peer of tier.peers) {
      attachUserData(peer, {
        hostname: peer.hostname,
        coreos: {
          etcd2: etcd2PeerConfig(peer, tier),
          units: [
            { name: 'systemd-timesyncd.service', command: 'start' },
            { name: 'etcd2.service', command: 'start' },
          ],
        },
      });
    }
  }

  public populateNodeTier(tier: KubeNodeTier): void {
    const master = tier.master;
    const result = classicRelease(tier.cluster.kubernetesVersion);
    if (!master || tier.minions.length === 0 || !(tier.etcd instanceof EtcdPeerTier) || 'problem' in result || tier.cluster.propsProblems.length > 0) {
      return; // validation reports the empty tier, the missing etcd tier or the bad props; nothing sensible to add
    }
    const settings: ClassicComponentSettings = {
      release: result.release,
      masterIp: master.ip,
      serviceIpRange: tier.cluster.serviceIpRange,
    };
    for (const node of tier.nodes) {
      attachUserData(node, nodeCloudConfig(node, tier, settings));
      node.addSyncedFolder({ hostPath: podFolder(node.role), guestPath: MANIFEST_DIR });
    }

    const image = `${tier.cluster.imageRepository}/${result.release.hyperkubeImage}:v${tier.cluster.kubernetesVersion}`;
    const withOverrides = (containers: HyperkubeContainer[]) => containers.map(container => {
      const override = tier.cluster.componentImages[container.name];
      return override ? { ...container, image: override } : container;
    });
    new HyperkubePod(tier, 'kube-master', { image, folder: podFolder(KubeRole.MASTER), containers: withOverrides(masterContainers(settings)) });
    new HyperkubePod(tier, 'kube-minion', { image, folder: podFolder(KubeRole.MINION), containers: withOverrides(minionContainers(settings)) });

    new FleetUnit(tier, 'kubelet-master', {
      unit: kubeletUnit(settings, KubeRole.MASTER),
      xFleet: { machineMetadata: [`kube=${KubeRole.MASTER}`] },
      machines: tier,
      folder: FLEET_UNIT_FOLDER,
    });
    new FleetUnit(tier, 'kubelet-minion', {
      unit: kubeletUnit(settings, KubeRole.MINION),
      xFleet: { global: true, machineMetadata: [`kube=${KubeRole.MINION}`] },
      machines: tier,
      folder: FLEET_UNIT_FOLDER,
    });
  }

  public populateCluster(cluster: VagrantCluster): void {
    const source = new ClassicRunbookSource(cluster);
    new Runbook(cluster, 'runbook', { source });
    new TopologyText(cluster, 'topology-text', { source });
    new TopologySvg(cluster, 'topology-svg', { source });
    new VerifyScript(cluster, 'verify-script', { source });
  }
}

/** `pods/master` or `pods/minion`: the output folder rsynced to a node's manifest folder. */
function podFolder(role: KubeRole): string {
  return `pods/${role}`;
}

function attachUserData(machine: VagrantMachine, config: CloudConfigData): void {
  machine.useUserData(new CloudConfig(machine, 'user-data', { filePath: `${USER_DATA_FOLDER}/${machine.hostname}.yaml`, config }));
}

/** A node's cloud-config: etcd2 proxy, fleet with its role metadata, flannel, docker, helpers. */
function nodeCloudConfig(node: KubeNode, tier: KubeNodeTier, settings: ClassicComponentSettings): CloudConfigData {
  const metadata = Object.entries(node.labels).map(([key, value]) => `${key}=${value}`).join(',');
  const writeFiles: WriteFile[] = [{ path: WAIT_FOR_PORT, permissions: '0755', owner: 'root', content: WAIT_FOR_PORT_SCRIPT }];
  if (settings.release.apiServerBy === 'kubeconfig') {
    writeFiles.push({ path: KUBELET_KUBECONFIG, permissions: '0644', owner: 'root', content: kubeletKubeconfig(settings.masterIp) });
  }
  return {
    hostname: node.hostname,
    write_files: writeFiles,
    coreos: {
      etcd2: etcd2ProxyConfig(tier.etcd),
      fleet: { etcd_servers: LOCAL_ETCD_URL, public_ip: node.ip, metadata },
      flannel: { etcd_endpoints: LOCAL_ETCD_URL, interface: node.ip },
      units: nodeUnits(tier.cluster.ipRange),
    },
  };
}

/** The units every node starts; flanneld first stores its network config through the local etcd proxy. */
function nodeUnits(ipRange: string): CloudConfigUnit[] {
  const networkConfig = stableJson({ Network: ipRange, Backend: { Type: 'vxlan' } }).replace(/\s+/g, '');
  const flannelDropIn = SystemdUnit.of(
    { name: 'Unit', directives: [['Requires', 'etcd2.service'], ['After', 'etcd2.service']] },
    { name: 'Service', directives: [['ExecStartPre', ExecCommand.of('/usr/bin/etcdctl', 'set', '/coreos.com/network/config', networkConfig)]] },
  );
  const dockerDropIn = SystemdUnit.of({ name: 'Unit', directives: [['Requires', 'flanneld.service'], ['After', 'flanneld.service']] });
  return [
    { name: 'etcd2.service', command: 'start' },
    { name: 'fleet.service', command: 'start' },
    { name: 'flanneld.service', command: 'start', drop_ins: [{ name: '50-network-config.conf', content: flannelDropIn.render() }] },
    { name: 'docker.service', command: 'start', drop_ins: [{ name: '40-flannel.conf', content: dockerDropIn.render() }] },
  ];
}

/** The kubelet fleet unit of a role. */
function kubeletUnit(settings: ClassicComponentSettings, role: KubeRole): SystemdUnit {
  const waitForApi: Array<[string, ExecCommand]> = role === KubeRole.MINION
    ? [['ExecStartPre', ExecCommand.of(WAIT_FOR_PORT, settings.masterIp, String(INSECURE_API_PORT))]]
    : [];
  return SystemdUnit.of(
    {
      name: 'Unit',
      directives: [
        ['Description', `Kubernetes kubelet (${role})`],
        ['Documentation', 'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/'],
        ['Requires', 'docker.service'],
        ['After', 'docker.service'],
      ],
    },
    {
      name: 'Service',
      directives: [
        ['EnvironmentFile', '-/etc/environment'],
        ...waitForApi,
        ['ExecStart', kubeletCommand(settings, role)],
        ['Restart', 'on-failure'],
        ['RestartSec', '10'],
      ],
    },
  );
}

/** The kubelet's kubeconfig (1.8+): the insecure endpoint of the master, no credentials. */
function kubeletKubeconfig(masterIp: string): string {
  return stableJson({
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: 'classic', cluster: { server: insecureApiUrl(masterIp) } }],
    'contexts': [{ name: 'classic', context: { cluster: 'classic' } }],
    'current-context': 'classic',
  });
}

/** POSIX sh: blocks until an HTTP endpoint answers, so the minion kubelet starts after the API server. */
const WAIT_FOR_PORT_SCRIPT = `#!/bin/sh
# wait-for-port HOST PORT: block until http://HOST:PORT/ answers.
# Written by cdk-vagrant-kubernetes; the minion kubelet runs it before starting.
set -eu
host="$1"
port="$2"
until curl --silent --output /dev/null --max-time 5 "http://\${host}:\${port}/"; do
  echo "waiting for \${host}:\${port}"
  sleep 5
done
`;
