import { expect } from 'chai';
import { parse } from 'yaml';
import { EtcdPeerTier, KubeNodeTier, Testing, ValidationError, VagrantCluster, VagrantClusterProps } from '../../lib';
import { defaultCluster } from '../../examples/default';
import { parseUnit } from './unit-syntax';

/** The seed cluster rendered in memory: `{ path: content }`. */
export function seedFiles(): Record<string, string> {
  return Testing.render(defaultCluster());
}

/** A cluster nothing in the seed would produce: 5 peers, 6 nodes, other ranges and version. */
export function otherCluster(props: VagrantClusterProps = {}): VagrantCluster {
  const cluster = new VagrantCluster({
    prefix: '192.168.56',
    ipRange: '10.20.0.0/16',
    serviceIpRange: '10.30.0.0/24',
    ...props,
  });
  const etcd = new EtcdPeerTier(cluster, 'kv', { count: 5, cpus: 2, memoryMb: 512, firstIp: 21 });
  new KubeNodeTier(cluster, 'worker', { count: 6, cpus: 3, memoryMb: 3072, firstIp: 51, etcd });
  return cluster;
}

/** Parses YAML the way coreos-cloudinit and the kubelet of the era do: YAML 1.1. */
export function yaml11(text: string): any {
  return parse(text, { version: '1.1' });
}

/** The messages of the ValidationError that `act` throws, or an empty list when it throws none. */
export function problemsOf(act: () => unknown): string[] {
  try {
    act();
    return [];
  } catch (error) {
    if (error instanceof ValidationError) {
      return error.problems.map(problem => problem.message);
    }
    throw error;
  }
}

/** The MACHINES rows of a Vagrantfile as objects (the Ruby hash syntax we emit is close enough to JSON5 to convert). */
export function machineRows(vagrantfile: string): any[] {
  const table = /^MACHINES = \[\n([\s\S]*?)\n\]\.freeze$/m.exec(vagrantfile)![1];
  return table.split('\n').map(line => JSON.parse(line.trim().replace(/,$/, '')
    .replace(/([{,]\s*)([a-z_]+): /g, '$1"$2": ')
    .replace(/\bnil\b/g, 'null')));
}

/** The directives of a unit file's sections of this name, in order (the unit must parse without problems). */
export function unitDirectives(text: string, section: string): Array<[string, string]> {
  const parsed = parseUnit(text);
  expect(parsed.problems).to.deep.equal([]);
  return parsed.sections.filter(s => s.name === section).flatMap(s => s.directives);
}

/** The words of a unit's ExecStart: the program, then its arguments. */
export function execStartWords(text: string): string[] {
  return unitDirectives(text, 'Service').find(([key]) => key === 'ExecStart')![1].split(/\s+/);
}
