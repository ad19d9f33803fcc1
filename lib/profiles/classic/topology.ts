import { ClassicBinding, ClusterFacts, IClusterFactsSource, MachineFacts, MachineRole, readClassicFacts } from './facts';
import { ITopologySource, TopologyLayer, TopologyModel } from '../../runbook/topology-layout';
import { count } from '../../runbook/wording';

/**
 * What the classic profile's runbook files are rendered from: the facts of
 * the cluster, and the picture of it (etcd2 peers; nodes with their static
 * pod, kubelet, fleet and etcd2 proxy). Reads the binding when asked, at
 * render time, when the profile has bound every unit and pod.
 */
export class ClassicRunbookSource implements IClusterFactsSource, ITopologySource {
  constructor(private readonly binding: () => ClassicBinding) {}

  public clusterFacts(): ClusterFacts {
    return readClassicFacts(this.binding());
  }

  public topology(): TopologyModel {
    return classicTopology(this.clusterFacts());
  }
}

/** The picture of a classic cluster. */
export function classicTopology(facts: ClusterFacts): TopologyModel {
  return {
    title: `Kubernetes ${facts.kubernetesVersion} on Vagrant (${facts.profile} profile): `
      + `${count(facts.machines.length, 'VM')}, ${tierCaption(facts.machines)}`,
    notes: [
      `API server ${facts.apiServer}, etcd ${facts.etcdEndpoint}, fleet units ${facts.fleetUnitGlob}`,
      `Pods ${facts.podNetwork} (flannel vxlan), services ${facts.serviceNetwork}`,
    ],
    network: `host-only network ${facts.hostNetwork}`,
    interfaceName: 'eth1',
    tiers: facts.tiers.map(tier => ({
      name: tier.name,
      caption: `${tier.name}: ${tierCaption(tier.machines)}`,
      machines: tier.machines.map(machine => ({
        name: machine.name,
        ip: machine.ip,
        role: machine.role,
        layers: layersOf(machine, facts),
      })),
    })),
  };
}

function layersOf(machine: MachineFacts, facts: ClusterFacts): TopologyLayer[] {
  if (machine.role === MachineRole.ETCD_PEER) {
    return [{ title: 'etcd2 peer', items: [] }];
  }
  const pods = (facts.podsByMachine.get(machine.name) ?? []).map(pod => ({ title: `pod ${pod.podName}`, items: pod.containers }));
  return [...pods, { title: 'kubelet', items: [] }, { title: 'fleet', items: [] }, { title: 'etcd2 proxy', items: [] }];
}

function tierCaption(machines: MachineFacts[]): string {
  const roles: string[] = [];
  for (const machine of machines) {
    if (!roles.includes(machine.role)) { roles.push(machine.role); }
  }
  return roles.map(role => count(machines.filter(m => m.role === role).length, role)).join(', ');
}
