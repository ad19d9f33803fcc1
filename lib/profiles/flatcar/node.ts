import {
  ADDONS_DIR, ADMIN_KUBECONFIG, APPLY_ADDONS, APPLY_ADDONS_UNIT, CNI_PLUGINS_UNIT, INSTALL_CNI_PLUGINS, INSTALL_KUBECTL, NodeApiLabels,
  applyAddonsScript, applyAddonsUnit, cniPluginsUnit, installCniPluginsScript, installKubectlScript,
} from './bootstrap';
import { apiServerConfigFiles, encryptionConfigFile } from './api-server-config';
import {
  CONTROLLER_MANAGER_KUBECONFIG, FRONT_PROXY, INSTALL_KUBELET, KUBELET_CONFIG, KUBELET_KUBECONFIG, KUBELET_SERVING_CERTIFICATE, KUBELET_SERVING_KEY,
  PKI_DIR, SCHEDULER_KUBECONFIG, STATIC_POD_DIR, flatcarKubeletUnit, installKubeletScript,
} from './control-plane';
import { KUBE_VIP_KUBECONFIG } from './kube-vip';
import { labelSetter } from './node-labels';
import { ClusterPki, PKI_NAMES } from './pki';
import { CNI_PLUGINS, FlatcarRelease } from './releases';
import { Addon } from '../../addons/addon';
import type { IClusterAddon } from '../../cluster/cluster-addon';
import type { ClusterModel } from '../../cluster/cluster-model';
import type { Machine } from '../../cluster/machine';
import { CONTROL_PLANE_LABEL, CONTROL_PLANE_TAINT, NodeRole, NodeTaint } from '../../cluster/node-role';
import { CloudConfigData, CloudConfigUnit, WriteFile } from '../../formats/cloud-config-data';
import { renderKubeconfig } from '../../formats/kubeconfig';
import { renderKubeletConfiguration } from '../../formats/kubelet-configuration';

/** What every node's files are made of. */
export interface NodeSettings {
  readonly release: FlatcarRelease;
  readonly clusterDns: string;
  readonly kubectlSha256: string;
  /** Labels the add-on bootstrap sets through the API, by node. */
  readonly apiLabels: readonly NodeApiLabels[];
}

/** A node's labels that its kubelet sets itself (`--node-labels`). */
export function kubeletLabels(node: Machine): Record<string, string> {
  return Object.fromEntries(Object.entries(node.labels).filter(([key]) => labelSetter(key) === 'kubelet'));
}

/** The labels only the API may set, by node: the control-plane label, and the user's `node-role.kubernetes.io/*` labels. */
export function apiLabels(model: ClusterModel): NodeApiLabels[] {
  return model.nodes.map(node => ({
    node: node.hostname,
    labels: {
      ...(node.role === NodeRole.CONTROL_PLANE ? { [CONTROL_PLANE_LABEL]: '' } : {}),
      ...Object.fromEntries(Object.entries(node.labels).filter(([key]) => labelSetter(key) === 'api')),
    },
  }));
}

/** The taints a node registers with: a control plane's, then its tier's. */
export function registerTaints(node: Machine): NodeTaint[] {
  return [...(node.role === NodeRole.CONTROL_PLANE ? [CONTROL_PLANE_TAINT] : []), ...node.taints];
}

/**
 * The key-free part of a node's cloud-config: the kubelet, its installer and its
 * configuration, the CNI plugins, and on every control plane the unit that applies
 * the add-ons and labels the nodes (their manifests and the admin kubeconfig are
 * added at render time).
 */
export function nodeCloudConfig(node: Machine, settings: NodeSettings): CloudConfigData {
  const { release, clusterDns, kubectlSha256 } = settings;
  const controlPlane = node.role === NodeRole.CONTROL_PLANE;
  const script = (path: string, content: string): WriteFile => ({ path, permissions: '0755', owner: 'root', content });
  const addonFiles = controlPlane
    ? [script(INSTALL_KUBECTL, installKubectlScript(release.version, kubectlSha256)), script(APPLY_ADDONS, applyAddonsScript(settings.apiLabels))]
    : [];
  const apiServerFiles = controlPlane ? apiServerConfigFiles(release.version) : [];
  const taints = registerTaints(node);
  // Listed last: coreos-cloudinit starts the units in order, and the add-ons need the kubelet's control plane.
  const addonUnits: CloudConfigUnit[] = controlPlane ? [{ name: APPLY_ADDONS_UNIT, command: 'start', enable: true, content: applyAddonsUnit().render() }] : [];
  return {
    hostname: node.hostname,
    write_files: [
      { path: INSTALL_KUBELET, permissions: '0755', owner: 'root', content: installKubeletScript(release) },
      script(INSTALL_CNI_PLUGINS, installCniPluginsScript(CNI_PLUGINS)),
      ...addonFiles,
      ...apiServerFiles,
      {
        path: KUBELET_CONFIG, permissions: '0644', owner: 'root',
        content: renderKubeletConfiguration({
          clientCaFile: `${PKI_DIR}/ca.crt`, clusterDns, staticPodPath: STATIC_POD_DIR,
          tlsCertFile: KUBELET_SERVING_CERTIFICATE, tlsPrivateKeyFile: KUBELET_SERVING_KEY,
          taints: taints.length > 0 ? taints : undefined,
        }),
      },
    ],
    coreos: {
      update: { reboot_strategy: 'off' },
      units: [
        { name: CNI_PLUGINS_UNIT, command: 'start', enable: true, content: cniPluginsUnit(CNI_PLUGINS).render() },
        { name: 'kubelet.service', command: 'start', enable: true, content: flatcarKubeletUnit(release, node.ip, kubeletLabels(node)).render() },
        ...addonUnits,
      ],
    },
  };
}

/** Every add-on as a file of the control plane's add-on folder, by file name, with its file's mode (0600 when it holds a Secret). */
export function addonFiles(addons: readonly IClusterAddon[]): WriteFile[] {
  return addons
    // An Addon's synth writes the same file next: made once for both.
    .map(addon => ({ addon, file: Addon.isAddon(addon) ? addon.upcomingFile() : addon.renderFile() }))
    .map(({ addon, file }) => ({ path: `${ADDONS_DIR}/${addon.addonName}.yaml`, permissions: file.mode.toString(8).padStart(4, '0'), owner: 'root', content: file.content }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Where a node's components reach the API server. */
export interface NodeServers {
  /** The kubelet's: the endpoint. */
  readonly kubelet: string;
  /** A control plane's own components (controller-manager, scheduler, kube-vip, the add-on bootstrap). */
  readonly local: string;
  /** Whether the control planes run kube-vip for a virtual IP. */
  readonly kubeVip: boolean;
  /** The cluster's name, which every kubeconfig names its cluster and context after. */
  readonly clusterName: string;
}

/**
 * A node's certificates, keys and kubeconfigs: its kubelet's identity and serving certificate,
 * and on a control plane everything its components need (the encryption keys of Secrets among
 * them), so that every control plane runs on its own.
 */
export function nodeSecrets(node: Machine, pki: ClusterPki, servers: NodeServers): WriteFile[] {
  const material = pki.material;
  const files: WriteFile[] = [
    certificateFile(`${PKI_DIR}/ca.crt`, material.caCertificate(PKI_NAMES.kubernetesCa)),
    keyFile(KUBELET_KUBECONFIG, kubeconfigFor(pki, { server: servers.kubelet, clusterName: servers.clusterName }, `system:node:${node.hostname}`, PKI_NAMES.kubelet(node.hostname))),
    certificateFile(KUBELET_SERVING_CERTIFICATE, material.certificate(PKI_NAMES.kubeletServing(node.hostname))),
    keyFile(KUBELET_SERVING_KEY, material.privateKey(PKI_NAMES.kubeletServing(node.hostname))),
  ];
  const server = servers.local;
  if (node.role !== NodeRole.CONTROL_PLANE) { return files; }
  const pair = (file: string, name: string) => [
    certificateFile(`${PKI_DIR}/${file}.crt`, material.certificate(name)),
    keyFile(`${PKI_DIR}/${file}.key`, material.privateKey(name)),
  ];
  return [
    ...files,
    // apply-addons.service applies the add-ons with it.
    keyFile(ADMIN_KUBECONFIG, kubeconfigFor(pki, { server, clusterName: servers.clusterName }, adminUser(servers.clusterName), PKI_NAMES.admin)),
    // The controller-manager signs kubelet CSRs with the Kubernetes CA.
    keyFile(`${PKI_DIR}/ca.key`, material.privateKey(PKI_NAMES.kubernetesCa)),
    ...pair('apiserver', PKI_NAMES.apiServer),
    ...pair('apiserver-kubelet-client', PKI_NAMES.apiServerKubeletClient),
    ...pair('apiserver-etcd-client', PKI_NAMES.apiServerEtcdClient),
    certificateFile(`${PKI_DIR}/etcd-ca.crt`, material.caCertificate(PKI_NAMES.etcdCa)),
    // The aggregation layer: the CA of the request headers, and the API server's client certificate to aggregated APIs.
    certificateFile(FRONT_PROXY.caFile, material.caCertificate(PKI_NAMES.frontProxyCa)),
    certificateFile(FRONT_PROXY.clientCertificateFile, material.certificate(PKI_NAMES.frontProxyClient)),
    keyFile(FRONT_PROXY.clientKeyFile, material.privateKey(PKI_NAMES.frontProxyClient)),
    keyFile(`${PKI_DIR}/sa.key`, material.privateKey(PKI_NAMES.serviceAccount)),
    certificateFile(`${PKI_DIR}/sa.pub`, material.publicKey(PKI_NAMES.serviceAccount)),
    encryptionConfigFile(material.secretKeys(PKI_NAMES.secretsEncryption)),
    keyFile(CONTROLLER_MANAGER_KUBECONFIG, kubeconfigFor(pki, { server, clusterName: servers.clusterName }, 'system:kube-controller-manager', PKI_NAMES.controllerManager)),
    keyFile(SCHEDULER_KUBECONFIG, kubeconfigFor(pki, { server, clusterName: servers.clusterName }, 'system:kube-scheduler', PKI_NAMES.scheduler)),
    ...(servers.kubeVip ? [keyFile(KUBE_VIP_KUBECONFIG, kubeconfigFor(pki, { server, clusterName: servers.clusterName }, 'kube-vip', PKI_NAMES.kubeVip))] : []),
  ];
}

/**
 * The admin's user name in a kubeconfig: the cluster's own (`<cluster>-admin`), so that the
 * admin kubeconfigs of two clusters merge without one user's credentials hiding the other's.
 */
export function adminUser(clusterName: string): string {
  return `${clusterName}-admin`;
}

/** A kubeconfig for one identity of the PKI, credentials embedded: the cluster and its context are named after the cluster. */
export function kubeconfigFor(pki: ClusterPki, cluster: { readonly server: string; readonly clusterName: string }, user: string, certificate: string): string {
  const material = pki.material;
  return renderKubeconfig({
    clusterName: cluster.clusterName,
    server: cluster.server,
    caPem: material.caCertificate(PKI_NAMES.kubernetesCa),
    user,
    certificatePem: material.certificate(certificate),
    keyPem: material.privateKey(certificate),
  });
}

/** A certificate in a cloud-config, 0644. */
export function certificateFile(path: string, pem: string): WriteFile {
  return { path, permissions: '0644', owner: 'root', content: pem };
}

/** A private key (or a file holding one) in a cloud-config, 0600. */
export function keyFile(path: string, pem: string): WriteFile {
  return { path, permissions: '0600', owner: 'root', content: pem };
}
