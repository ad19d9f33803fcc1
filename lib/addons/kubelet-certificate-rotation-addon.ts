import { Construct } from 'constructs';
import { Addon } from './addon';
import type { ClusterRoleBinding } from './kube-objects';
import { addObject } from './system-workloads';

/** The built-in ClusterRole that lets a node renew its own client certificate (`certificatesigningrequests/selfnodeclient`). */
export const SELF_NODE_CLIENT_ROLE = 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient';
/** The group of every kubelet's identity. */
export const NODES_GROUP = 'system:nodes';
/** The binding's name, in kubeadm's words with this library's prefix. */
export const ROTATION_BINDING_NAME = 'cdk-vagrant-kubernetes:node-autoapprove-certificate-rotation';

/**
 * The RBAC that lets the kubelets rotate their client certificates (`rotateCertificates`):
 * the group `system:nodes` bound to the built-in ClusterRole that the controller-manager's
 * csrapproving controller checks, so that a kubelet's CSR renewing its own identity
 * (signer `kubernetes.io/kube-apiserver-client-kubelet`) is approved, then signed by the
 * csrsigning controller with the cluster CA. As kubeadm binds it (its
 * `kubeadm:node-autoapprove-certificate-rotation`, cmd/kubeadm/app/phases/bootstraptoken/node/tlsbootstrap.go).
 * Nothing here approves a first certificate or a serving certificate.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#approval
 */
export class KubeletCertificateRotationAddon extends Addon {
  constructor(scope: Construct, id: string) {
    super(scope, id, chart => defineRotation(chart));
  }
}

function defineRotation(chart: Construct): void {
  const binding: ClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: ROTATION_BINDING_NAME },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: SELF_NODE_CLIENT_ROLE },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: NODES_GROUP }],
  };
  addObject(chart, 'cluster-role-binding', binding);
}
