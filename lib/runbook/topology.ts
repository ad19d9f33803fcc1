import type { ProfileRunbook, TargetRunbook } from './runbook-contribution';
import type { TopologyModel } from './topology-layout';
import { count } from './wording';
import type { ClusterModel } from '../cluster/cluster-model';
import type { Machine } from '../cluster/machine';

/** The picture of a cluster: its machines tier by tier, each with what the profile runs on it. */
export function topologyModel(model: ClusterModel, target: TargetRunbook, profile: ProfileRunbook): TopologyModel {
  return {
    title: `Kubernetes ${model.kubernetesVersion} on ${model.target.name} (${model.profile} profile): `
      + `${count(model.machines.length, model.target.machineNoun)}, ${roleCaption(model.machines, profile)}`,
    notes: [...profile.topologyNotes],
    network: target.networkLabel,
    interfaceName: model.networks.nodeInterface,
    tiers: model.tiers.map(tier => ({
      name: tier.id,
      caption: `${tier.id}: ${roleCaption(tier.machines, profile)}`,
      machines: tier.machines.map(machine => ({
        name: machine.hostname,
        ip: machine.ip,
        role: profile.roleOf(machine),
        layers: profile.layersOf(machine),
      })),
    })),
  };
}

/** `1 kube master, 3 kube minions`: how many machines of each role, roles in the order they first appear. */
export function roleCaption(machines: readonly Machine[], profile: Pick<ProfileRunbook, 'roleOf'>): string {
  const roles = [...new Set(machines.map(machine => profile.roleOf(machine)))];
  return roles.map(role => count(machines.filter(machine => profile.roleOf(machine) === role).length, role)).join(', ');
}
