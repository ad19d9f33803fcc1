import { ClassicRelease } from './releases';
import { HyperkubeContainer } from './hyperkube-pod';
import { LOCAL_ETCD_URL } from './etcd';
import { KubeRole } from './fleet-metadata';
import { httpUrl } from '../../cluster/endpoints';
import { NodeTaint, formatTaint } from '../../cluster/node-role';
import { ExecCommand } from '../../formats/systemd-unit';

/** The API server's insecure port, which the classic design uses everywhere. */
export const INSECURE_API_PORT = 8080;
/** Where the kubelet reads static pod manifests (the rsynced `pods/<role>` folder). */
export const MANIFEST_DIR = '/etc/kubernetes/manifests';
/** The kubelet's kubeconfig, written by the cloud-config on 1.8+. */
export const KUBELET_KUBECONFIG = '/etc/kubernetes/kubelet.kubeconfig';
/** Host-side helper that blocks until a TCP port answers. */
export const WAIT_FOR_PORT = '/opt/bin/wait-for-port';
/** CoreOS's kubelet binary. */
export const KUBELET = '/usr/bin/kubelet';

/** The cluster values the classic components need. */
export interface ClassicComponentSettings {
  readonly release: ClassicRelease;
  readonly masterIp: string;
  readonly serviceIpRange: string;
}

/** The insecure API server URL of the master. */
export function insecureApiUrl(masterIp: string): string {
  return httpUrl(masterIp, INSECURE_API_PORT);
}

/** What a node pool's kubelets register with: its labels and taints. */
export interface PoolRegistration {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
}

/**
 * The kubelet command for a role and a pool's labels and taints. The address comes from
 * `/etc/environment` at run time, because one fleet unit serves every minion of a pool.
 */
export function kubeletCommand(settings: ClassicComponentSettings, role: KubeRole, pool: PoolRegistration = { labels: {}, taints: [] }): ExecCommand {
  const { release, masterIp } = settings;
  const apiServer = release.apiServerBy === 'kubeconfig'
    ? `--kubeconfig=${KUBELET_KUBECONFIG}`
    : `--api-servers=${insecureApiUrl(masterIp)}`;
  const registration = role === KubeRole.MASTER
    ? release.masterRegistration
    : ['--hostname-override=${COREOS_PUBLIC_IPV4}', '--register-node=true'];
  const labels = Object.entries(pool.labels).map(([key, value]) => `${key}=${value}`).sort();
  // `key=value:effect`, the flag's form; the master's own taint comes first.
  const taints = pool.taints.map(taint => formatTaint({ ...taint, value: taint.value ?? '' }));
  const TAINTS_FLAG = '--register-with-taints=';
  const merged = registration.map(flag => (flag.startsWith(TAINTS_FLAG) && taints.length > 0 ? [flag, ...taints].join(',') : flag));
  const addTaints = taints.length > 0 && !registration.some(flag => flag.startsWith(TAINTS_FLAG)) ? [`${TAINTS_FLAG}${taints.join(',')}`] : [];
  return ExecCommand.of(KUBELET,
    '--address=${COREOS_PUBLIC_IPV4}',
    apiServer,
    '--allow-privileged=true',
    `${release.manifestFlag}=${MANIFEST_DIR}`,
    ...merged,
    ...addTaints,
    ...(labels.length > 0 ? [`--node-labels=${labels.join(',')}`] : []));
}

function component(release: ClassicRelease, name: string): string {
  return release.componentNames === 'prefixed' ? `kube-${name}` : name;
}

/** The three control-plane containers of the master's static pod. */
export function masterContainers(settings: ClassicComponentSettings): HyperkubeContainer[] {
  const { release, masterIp, serviceIpRange } = settings;
  const localApi = insecureApiUrl('127.0.0.1');
  return [
    {
      name: 'apiserver',
      component: component(release, 'apiserver'),
      flags: [
        `--etcd-servers=${LOCAL_ETCD_URL}`,
        ...release.storageFlags,
        '--insecure-bind-address=0.0.0.0',
        `--insecure-port=${INSECURE_API_PORT}`,
        // Without it the apiserver advertises eth0, the same NAT address on every VM.
        `--advertise-address=${masterIp}`,
        `--service-cluster-ip-range=${serviceIpRange}`,
        '--allow-privileged=true',
        ...release.admissionFlags,
      ],
    },
    { name: 'controller-manager', component: component(release, 'controller-manager'), flags: [`--master=${localApi}`] },
    { name: 'scheduler', component: component(release, 'scheduler'), flags: [`--master=${localApi}`] },
  ];
}

/** The privileged kube-proxy container of every minion's static pod. */
export function minionContainers(settings: ClassicComponentSettings): HyperkubeContainer[] {
  return [{
    name: 'proxy',
    component: component(settings.release, 'proxy'),
    flags: [`--master=${insecureApiUrl(settings.masterIp)}`],
    privileged: true,
  }];
}
