import { parse } from 'yaml';
import { EtcdPeerTier, KubeNodeTier, Testing, ValidationError, VagrantCluster, VagrantClusterProps } from '../../lib';
import { defaultCluster } from '../../examples/default';

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
