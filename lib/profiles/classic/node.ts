import {
  ClassicComponentSettings, INSECURE_API_PORT, KUBELET_KUBECONFIG, PoolRegistration, WAIT_FOR_PORT, insecureApiUrl, kubeletCommand,
} from './control-plane';
import { LOCAL_ETCD_URL, etcd2ProxyConfig } from './etcd';
import { KubeRole, fleetMachine, metadataText } from './fleet-metadata';
import type { ClusterModel } from '../../cluster/cluster-model';
import type { Machine } from '../../cluster/machine';
import { CloudConfigData, CloudConfigUnit, WriteFile } from '../../formats/cloud-config-data';
import { stableJson } from '../../formats/stable-json';
import { ExecCommand, SystemdUnit } from '../../formats/systemd-unit';

/** A node's cloud-config: etcd2 proxy, fleet with its role metadata, flannel, docker, helpers. */
export function nodeCloudConfig(node: Machine, model: ClusterModel, settings: ClassicComponentSettings): CloudConfigData {
  const writeFiles: WriteFile[] = [{ path: WAIT_FOR_PORT, permissions: '0755', owner: 'root', content: WAIT_FOR_PORT_SCRIPT }];
  if (settings.release.apiServerBy === 'kubeconfig') {
    writeFiles.push({ path: KUBELET_KUBECONFIG, permissions: '0644', owner: 'root', content: kubeletKubeconfig(settings.masterIp) });
  }
  return {
    hostname: node.hostname,
    write_files: writeFiles,
    coreos: {
      etcd2: etcd2ProxyConfig(model),
      fleet: { etcd_servers: LOCAL_ETCD_URL, public_ip: node.ip, metadata: metadataText(fleetMachine(node)) },
      flannel: { etcd_endpoints: LOCAL_ETCD_URL, interface: node.ip },
      units: nodeUnits(model.networks.pods.cidr),
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

/** The kubelet fleet unit of a role, for a pool's labels and taints. */
export function kubeletUnit(settings: ClassicComponentSettings, role: KubeRole, pool?: PoolRegistration): SystemdUnit {
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
        ['ExecStart', kubeletCommand(settings, role, pool)],
        ['Restart', 'on-failure'],
        ['RestartSec', '10'],
      ],
    },
  );
}

/**
 * The Node name a node's kubelet registers (and names its mirror pods) under: a
 * minion's kubelet overrides its hostname with `${COREOS_PUBLIC_IPV4}`, which the
 * CoreOS Vagrant box sets to the host-only address; the master keeps its hostname.
 */
export function kubeletNodeName(node: Machine, role: KubeRole): string {
  return role === KubeRole.MINION ? node.ip : node.hostname;
}

/** Whether a kubelet registers its Node: all but the master before 1.5 (`--register-node=false`). */
export function kubeletRegisters(settings: ClassicComponentSettings, role: KubeRole): boolean {
  return role === KubeRole.MINION || !settings.release.masterRegistration.includes('--register-node=false');
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
