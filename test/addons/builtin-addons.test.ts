// The Flatcar profile's built-in add-ons: schema-valid objects whose addresses, ranges,
// tolerations and pinned images agree with the rest of the cluster. None of this needs
// the PKI: the add-ons are built with the tree and rendered without key material.
import { expect } from 'chai';
import { Taint, addonsOf, find, objectsOf, schemaProblem, tolerates } from './support';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarWithAddonCluster } from '../../examples/flatcar-with-addon';
import { CloudConfig, ClusterProfile, EtcdPeerTier, KubeNodeTier, StaticPod, ValidationError, VagrantCluster, VagrantClusterProps } from '../../lib';
import { KubernetesVersion } from '../../lib/cluster/kubernetes-version';
import { CoreDnsAddon } from '../../lib/addons/coredns-addon';
import { CONTROL_PLANE_TAINT } from '../../lib/cluster/node-role';
import { APPLY_ADDONS, APPLY_ADDONS_UNIT, CNI_PLUGINS_UNIT, INSTALL_CNI_PLUGINS, INSTALL_KUBECTL } from '../../lib/profiles/flatcar/bootstrap';
import { CNI_PLUGINS, COREDNS_VERSIONS, FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE, FLATCAR_RELEASES } from '../../lib/profiles/flatcar/releases';
import { cidrsOverlap, nthAddress, parseCidr } from '../../lib/cluster/ipv4';
import { problemsOf, yaml11 } from '../support/fixtures';

/** A Flatcar cluster with other ranges, prefix and sizes than the example. */
function otherFlatcar(props: VagrantClusterProps = {}, profile = ClusterProfile.flatcar({ pkiDir: '/nonexistent/never-prepared' })): VagrantCluster {
  const cluster = new VagrantCluster({ profile, prefix: '192.168.57', ipRange: '10.244.0.0/16', serviceIpRange: '10.96.0.0/12', ...props });
  const etcd = new EtcdPeerTier(cluster, 'kv', { count: 1, cpus: 1, memoryMb: 1024, firstIp: 5 });
  new KubeNodeTier(cluster, 'worker', { count: 3, cpus: 2, memoryMb: 2048, firstIp: 50, etcd });
  return cluster;
}

/** The static (key-free) cloud-config of every node, by hostname. */
function nodeConfigs(cluster: VagrantCluster): Record<string, any> {
  return Object.fromEntries(cluster.bind().node.findAll().filter(CloudConfig.isCloudConfig)
    .filter(c => /node-|worker-/.test(c.node.scope!.node.id))
    .map(c => [c.node.scope!.node.id, c.config]));
}

function writeFile(config: any, path: string): any {
  return (config.write_files ?? []).find((f: any) => f.path === path);
}

/** Every pod template spec of the objects. */
function podSpecs(objects: any[]): Array<[string, any]> {
  return objects.filter(o => o.spec?.template?.spec).map(o => [`${o.kind}/${o.metadata.name}`, o.spec.template.spec]);
}

const CONTROL_PLANE: Taint = { key: CONTROL_PLANE_TAINT.key, effect: CONTROL_PLANE_TAINT.effect };

describe('built-in add-ons of the Flatcar profile', () => {
  const example = flatcarCluster('/nonexistent/out', '/nonexistent/pki');
  const addons = addonsOf(example);
  const objects = Object.fromEntries(Object.entries(addons).map(([id, addon]) => [id, objectsOf(addon)]));

  it('adds flannel, kube-proxy, CoreDNS and the RBAC of the kubelets\' certificate rotation, all in kube-system', () => {
    expect(Object.keys(addons)).to.deep.equal(['flannel', 'kube-proxy', 'coredns', 'kubelet-certificate-rotation']);
    for (const [id, list] of Object.entries(objects)) {
      for (const object of list.filter(o => !o.kind.startsWith('Cluster'))) {
        expect(object.metadata.namespace, `${id} ${object.kind}`).to.equal('kube-system');
      }
    }
    expect(Object.values(objects).flat().map(o => `${o.kind}/${o.metadata.name}`)).to.deep.equal([
      'ServiceAccount/flannel', 'ClusterRole/flannel', 'ClusterRoleBinding/flannel', 'ConfigMap/kube-flannel-cfg', 'DaemonSet/kube-flannel-ds',
      'ServiceAccount/kube-proxy', 'ClusterRoleBinding/kube-proxy', 'ConfigMap/kube-proxy', 'DaemonSet/kube-proxy',
      'ServiceAccount/coredns', 'ClusterRole/system:coredns', 'ClusterRoleBinding/system:coredns', 'ConfigMap/coredns', 'Deployment/coredns', 'Service/kube-dns',
      'ClusterRoleBinding/cdk-vagrant-kubernetes:node-autoapprove-certificate-rotation',
    ]);
  });

  describe('schema', () => {
    it('validates every object of every add-on against the Kubernetes schema, for every pinned release and the user add-ons', () => {
      const clusters = [example, flatcarWithAddonCluster('/nonexistent/out', '/nonexistent/pki'),
        ...FLATCAR_RELEASES.map(release => otherFlatcar({ kubernetesVersion: release.version }))];
      let count = 0;
      for (const cluster of clusters) {
        for (const [id, addon] of Object.entries(addonsOf(cluster))) {
          for (const object of objectsOf(addon)) {
            expect(schemaProblem(object), `${cluster.kubernetesVersion} ${id} ${object.kind}/${object.metadata.name}`).to.equal(undefined);
            count++;
          }
        }
      }
      expect(count).to.equal(16 * clusters.length + 3); // hello: Deployment and Service; greeting: ConfigMap
    });

    it('fails when a DaemonSet lists its containers as a string', () => {
      const broken = structuredClone(find(objects.flannel, 'DaemonSet'));
      broken.spec.template.spec.containers = 'kube-flannel';
      expect(schemaProblem(broken)).to.contain('spec/template/spec/containers must be array');
    });

    it('fails when a Service port is a string', () => {
      const broken = structuredClone(find(objects.coredns, 'Service'));
      broken.spec.ports[0].port = 'fifty-three';
      expect(schemaProblem(broken)).to.contain('spec/ports/0/port must be integer');
    });

    it('fails when a ClusterRole rule has no verbs', () => {
      const broken = structuredClone(find(objects.flannel, 'ClusterRole'));
      delete broken.rules[0].verbs;
      expect(schemaProblem(broken)).to.contain('rules/0 must have required property verbs');
    });

    it('fails when the kind has no schema here', () => {
      expect(schemaProblem({ apiVersion: 'v1', kind: 'Nonsense', metadata: { name: 'x' } })).to.equal('no schema for v1 Nonsense');
    });
  });

  describe('addresses and ranges', () => {
    for (const [label, build] of [['the example', () => example], ['another cluster', () => otherFlatcar()]] as const) {
      it(`puts the CoreDNS Service at every kubelet's clusterDNS, the 10th address of the service range (${label})`, () => {
        const cluster = build();
        const service = find(objectsOf(addonsOf(cluster).coredns), 'Service', 'kube-dns');
        expect(service.spec.clusterIP).to.equal(nthAddress(parseCidr(cluster.serviceIpRange)!, 10));
        const configs = nodeConfigs(cluster);
        expect(Object.keys(configs)).to.have.length(cluster === example ? 4 : 3);
        for (const [node, config] of Object.entries(configs)) {
          const kubelet = yaml11(writeFile(config, '/etc/kubernetes/kubelet-config.yaml').content);
          expect(kubelet.clusterDNS, node).to.deep.equal([service.spec.clusterIP]);
          expect(kubelet.clusterDomain, node).to.equal('cluster.local');
        }
        expect(find(objectsOf(addonsOf(cluster).coredns), 'ConfigMap').data.Corefile).to.contain('kubernetes cluster.local in-addr.arpa ip6.arpa {');
      });

      it(`gives flannel the ipRange, as the controller-manager and kube-proxy have it, disjoint from serviceIpRange (${label})`, () => {
        const cluster = build();
        const netConf = JSON.parse(find(objectsOf(addonsOf(cluster).flannel), 'ConfigMap').data['net-conf.json']);
        expect(netConf).to.deep.equal({ Network: cluster.ipRange, EnableNFTables: false, Backend: { Type: 'vxlan' } });
        expect(cidrsOverlap(parseCidr(netConf.Network)!, parseCidr(cluster.serviceIpRange)!)).to.equal(false);
        const controllerManager = cluster.bind().node.findAll().find((c): c is StaticPod => c instanceof StaticPod && c.node.id === 'kube-controller-manager')!;
        const flags = (controllerManager.toManifest() as any).spec.containers[0].command;
        expect(flags).to.include.members(['--allocate-node-cidrs=true', `--cluster-cidr=${netConf.Network}`]);
        const proxyConfig = yaml11(find(objectsOf(addonsOf(cluster)['kube-proxy']), 'ConfigMap').data['config.conf']);
        expect(proxyConfig.clusterCIDR).to.equal(netConf.Network);
      });
    }

    it('runs flannel with the kube subnet manager on eth1, and a CNI configuration that delegates to bridge and portmap', () => {
      const flanneld = find(objects.flannel, 'DaemonSet').spec.template.spec.containers[0];
      expect(flanneld.args).to.deep.equal(['--ip-masq', '--kube-subnet-mgr', '--iface=eth1']);
      const cni = JSON.parse(find(objects.flannel, 'ConfigMap').data['cni-conf.json']);
      expect(cni.plugins.map((p: any) => p.type)).to.deep.equal(['flannel', 'portmap']);
    });

    it('points kube-proxy at the API server on node-01, authenticated by its service account', () => {
      const config = find(objects['kube-proxy'], 'ConfigMap').data;
      const kubeconfig = yaml11(config['kubeconfig.conf']);
      expect(kubeconfig.clusters[0].cluster.server).to.equal(`https://${(example.tiers[1] as KubeNodeTier).masterIp}:6443`);
      expect(kubeconfig.users[0].user.tokenFile).to.equal('/var/run/secrets/kubernetes.io/serviceaccount/token');
      expect(yaml11(config['config.conf']).clientConnection.kubeconfig).to.equal('/var/lib/kube-proxy/kubeconfig.conf');
      const container = find(objects['kube-proxy'], 'DaemonSet').spec.template.spec.containers[0];
      expect(container.command).to.include('--config=/var/lib/kube-proxy/config.conf');
      expect(container.volumeMounts.find((m: any) => m.name === 'kube-proxy').mountPath).to.equal('/var/lib/kube-proxy');
    });
  });

  describe('scheduling', () => {
    it('tolerates the control-plane taint in both DaemonSets and in CoreDNS, so they also run on node-01', () => {
      const workloads = [find(objects.flannel, 'DaemonSet'), find(objects['kube-proxy'], 'DaemonSet'), find(objects.coredns, 'Deployment')];
      for (const workload of workloads) {
        const tolerations = workload.spec.template.spec.tolerations;
        expect(tolerations.some((t: any) => tolerates(t, CONTROL_PLANE)), workload.metadata.name).to.equal(true);
      }
      // The node agents tolerate every taint, as kubeadm's kube-proxy does.
      expect(find(objects.flannel, 'DaemonSet').spec.template.spec.tolerations).to.deep.equal([{ operator: 'Exists' }]);
    });

    it('matches taints as the scheduler does (the matcher the test above relies on)', () => {
      expect(tolerates({ key: 'CriticalAddonsOnly', operator: 'Exists' }, CONTROL_PLANE)).to.equal(false);
      expect(tolerates({ key: CONTROL_PLANE.key, operator: 'Exists', effect: 'NoExecute' }, CONTROL_PLANE)).to.equal(false);
      expect(tolerates({ key: CONTROL_PLANE.key, value: 'x' }, CONTROL_PLANE)).to.equal(false);
      expect(tolerates({ key: CONTROL_PLANE.key }, CONTROL_PLANE)).to.equal(true);
      expect(tolerates({ operator: 'Exists', effect: 'NoSchedule' }, CONTROL_PLANE)).to.equal(true);
    });

    it('says how many CoreDNS pods run, as its Deployment does, without rendering its chart', () => {
      const coreDns = addons.coredns as CoreDnsAddon;
      expect(coreDns.replicas).to.equal(2).and.to.equal(find(objects.coredns, 'Deployment').spec.replicas);
      const three = new CoreDnsAddon(flatcarCluster('/nonexistent/out', '/nonexistent/pki'), 'dns', { clusterIp: '10.3.0.10', image: 'coredns', replicas: 3 });
      expect(three.replicas).to.equal(3).and.to.equal(find(objectsOf(three), 'Deployment').spec.replicas);
    });

    it('selects pods by the upstream labels, which the Service and the anti-affinity use too', () => {
      const deployment = find(objects.coredns, 'Deployment');
      expect(deployment.spec.selector.matchLabels).to.deep.equal({ 'k8s-app': 'kube-dns' });
      expect(deployment.spec.template.metadata.labels).to.deep.equal({ 'k8s-app': 'kube-dns' });
      expect(find(objects.coredns, 'Service').spec.selector).to.deep.equal({ 'k8s-app': 'kube-dns' });
      const antiAffinity = deployment.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
      expect(antiAffinity.podAffinityTerm.labelSelector.matchLabels).to.deep.equal({ 'k8s-app': 'kube-dns' });
      for (const daemonSet of [find(objects.flannel, 'DaemonSet'), find(objects['kube-proxy'], 'DaemonSet')]) {
        expect(daemonSet.spec.template.metadata.labels).to.include(daemonSet.spec.selector.matchLabels);
      }
    });
  });

  describe('security contexts, resources and priorities', () => {
    const all = Object.values(objects).flat();

    it('writes capabilities without the CAP_ prefix, as Kubernetes expects them', () => {
      const capabilities = podSpecs(all).flatMap(([, spec]) => [...spec.containers, ...spec.initContainers ?? []])
        .flatMap(c => [...c.securityContext?.capabilities?.add ?? [], ...c.securityContext?.capabilities?.drop ?? []]);
      expect(capabilities).to.deep.equal(['NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE', 'ALL']);
    });

    it('mounts the service-account token of every pod, since every add-on talks to the API server', () => {
      for (const account of all.filter(o => o.kind === 'ServiceAccount')) {
        expect(account.automountServiceAccountToken, account.metadata.name).to.equal(true);
      }
      for (const [name, spec] of podSpecs(all)) {
        expect(spec.automountServiceAccountToken, name).to.equal(true);
        expect(all.some(o => o.kind === 'ServiceAccount' && o.metadata.name === spec.serviceAccountName), name).to.equal(true);
      }
    });

    it('requests what upstream requests (at most 100m of CPU, no CPU limit), and pulls pinned tags only when missing', () => {
      for (const [name, spec] of podSpecs(all)) {
        for (const container of [...spec.containers, ...spec.initContainers ?? []]) {
          expect(container.resources.requests.cpu, `${name} ${container.name}`).to.match(/^\d+m$/);
          expect(parseInt(container.resources.requests.cpu, 10), `${name} ${container.name}`).to.be.at.most(100);
          expect(container.resources.limits?.cpu, `${name} ${container.name}`).to.equal(undefined);
          expect(container.imagePullPolicy, `${name} ${container.name}`).to.equal('IfNotPresent');
        }
      }
    });

    it('runs kube-proxy privileged with privilege escalation allowed (Kubernetes refuses the pair otherwise), and nothing else privileged', () => {
      const privileged = podSpecs(all).flatMap(([name, spec]) => spec.containers.filter((c: any) => c.securityContext?.privileged).map((c: any) => [name, c]));
      expect(privileged.map(([name]) => name)).to.deep.equal(['DaemonSet/kube-proxy']);
      expect(privileged[0][1].securityContext.allowPrivilegeEscalation).to.equal(true);
    });

    it('runs CoreDNS as its image\'s numeric nonroot user, which runAsNonRoot can verify', () => {
      const context = find(objects.coredns, 'Deployment').spec.template.spec.containers[0].securityContext;
      expect(context).to.include({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    });

    it('keeps no cdk8s.io/metadata.addr label, and sets the priority classes of the upstream manifests', () => {
      expect(JSON.stringify(all)).not.to.contain('cdk8s.io/metadata.addr');
      expect(Object.fromEntries(podSpecs(all).map(([name, spec]) => [name, spec.priorityClassName]))).to.deep.equal({
        'DaemonSet/kube-flannel-ds': 'system-node-critical', 'DaemonSet/kube-proxy': 'system-node-critical', 'Deployment/coredns': 'system-cluster-critical',
      });
    });
  });

  describe('RBAC', () => {
    const rules = (role: any) => role.rules.map((r: any) => `${r.apiGroups.join(',')}:${r.resources.join(',')}:${r.verbs.join(',')}`);

    it('gives flannel what its upstream ClusterRole gives', () => {
      expect(rules(find(objects.flannel, 'ClusterRole'))).to.deep.equal([':pods:get', ':nodes:get,list,watch', ':nodes/status:patch']);
    });

    it('gives CoreDNS what kubeadm gives it, EndpointSlices included', () => {
      expect(rules(find(objects.coredns, 'ClusterRole'))).to.deep.equal([
        ':endpoints:list,watch', ':services:list,watch', ':pods:list,watch', ':namespaces:list,watch', 'discovery.k8s.io:endpointslices:list,watch']);
    });

    it('binds every role to its add-on\'s service account in kube-system; kube-proxy to the built-in system:node-proxier', () => {
      // The certificate rotation add-on binds a group, not an account of its own (test/profiles/flatcar/hardening.test.ts).
      for (const [id, list] of Object.entries(objects).filter(([id]) => id !== 'kubelet-certificate-rotation')) {
        const binding = find(list, 'ClusterRoleBinding');
        const account = find(list, 'ServiceAccount');
        expect(binding.subjects, id).to.deep.equal([{ apiGroup: '', kind: 'ServiceAccount', name: account.metadata.name, namespace: 'kube-system' }]);
      }
      expect(find(objects['kube-proxy'], 'ClusterRoleBinding').roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' });
    });
  });

  describe('pinned images', () => {
    const images = (cluster: VagrantCluster) => Object.values(addonsOf(cluster)).flatMap(objectsOf)
      .flatMap(o => podSpecs([o]).flatMap(([, spec]) => [...spec.initContainers ?? [], ...spec.containers].map((c: any) => c.image)));

    it('pins flannel, its CNI plugin, kube-proxy at the cluster\'s release and CoreDNS of its minor, for every pinned release', () => {
      for (const release of FLATCAR_RELEASES) {
        const minor = KubernetesVersion.parse(release.version)!.minor;
        expect(images(otherFlatcar({ kubernetesVersion: release.version })), release.version).to.deep.equal([
          FLANNEL_CNI_PLUGIN_IMAGE, FLANNEL_IMAGE, FLANNEL_IMAGE,
          `registry.k8s.io/kube-proxy:v${release.version}`,
          `registry.k8s.io/coredns/coredns:${COREDNS_VERSIONS[minor]}`,
        ]);
      }
      expect(FLANNEL_IMAGE).to.equal('ghcr.io/flannel-io/flannel:v0.27.4');
      expect(FLANNEL_CNI_PLUGIN_IMAGE).to.equal('ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1');
      expect(COREDNS_VERSIONS).to.deep.equal({ 32: 'v1.11.3', 33: 'v1.12.0', 34: 'v1.12.1', 35: 'v1.13.1' });
    });

    it('takes kube-proxy and CoreDNS from imageRepository, and each image from the profile options when given', () => {
      expect(images(otherFlatcar({ imageRepository: 'mirror.example/k8s' }))).to.include.members([
        'mirror.example/k8s/kube-proxy:v1.35.1', 'mirror.example/k8s/coredns/coredns:v1.13.1']);
      const profile = ClusterProfile.flatcar({ pkiDir: '/nonexistent', coreDnsImage: 'dns:1', flannelImage: 'flannel:1', flannelCniPluginImage: 'cni:1' });
      expect(images(otherFlatcar({}, profile))).to.deep.equal(['cni:1', 'flannel:1', 'flannel:1', 'registry.k8s.io/kube-proxy:v1.35.1', 'dns:1']);
    });
  });

  describe('validation', () => {
    it('fails when the pod network cannot hold a /24 per node', () => {
      expect(problemsOf(() => otherFlatcar({ ipRange: '10.244.0.0/23' }).model())).to.deep.equal([
        'ipRange 10.244.0.0/23 holds 2 node pod range(s) of /24, but the cluster has 3 nodes; expected a range of /22 or larger']);
      expect(problemsOf(() => otherFlatcar({ ipRange: '10.244.0.0/25' }).model())[0]).to.contain('holds 0 node pod range(s)');
      expect(problemsOf(() => otherFlatcar({ ipRange: '10.244.0.0/22' }).model())).to.deep.equal([]);
    });

    it('fails when an unpinned release has no kubectl checksum, and accepts one given', () => {
      const sha = 'a'.repeat(64);
      const unpinned = (options: object) => otherFlatcar({ kubernetesVersion: '1.33.3' }, ClusterProfile.flatcar({ pkiDir: '/x', kubeletSha256: sha, ...options }));
      expect(unpinned({}).node.validate()).to.deep.equal([
        'kubernetesVersion 1.33.3 has no pinned kubectl checksum; set kubectlSha256 to the sha256 published at https://dl.k8s.io/release/v1.33.3/bin/linux/amd64/kubectl.sha256']);
      expect(unpinned({ kubectlSha256: 'nope' }).node.validate()).to.deep.equal(["kubectlSha256 'nope' is not a sha256; expected 64 lowercase hex digits"]);
      const accepted = unpinned({ kubectlSha256: sha });
      expect(accepted.node.validate()).to.deep.equal([]);
      expect(writeFile(nodeConfigs(accepted)['worker-01'], INSTALL_KUBECTL).content).to.contain(`sha256="${sha}"`);
    });

    it('pins CoreDNS for every minor the profile runs, so that only a minor it refuses lacks one, coreDnsImage or not', () => {
      const sha = 'b'.repeat(64);
      const old = (options: object) => otherFlatcar({ kubernetesVersion: '1.31.4' },
        ClusterProfile.flatcar({ pkiDir: '/x', kubeletSha256: sha, kubectlSha256: sha, ...options }));
      const refused = 'kubernetesVersion 1.31.4 is not supported by the Flatcar profile; expected 1.32.x to 1.35.x '
        + '(1.32 is the first API server that limits anonymous requests to its health endpoints by default; 1.36 needs containerd 2)';
      expect(old({}).node.validate()).to.deep.equal([refused]);
      expect(() => old({}).bind(), 'no add-on is bound for a release the profile refuses').to.throw(ValidationError);
      expect(old({ coreDnsImage: 'registry.k8s.io/coredns/coredns:v1.11.3' }).node.validate()).to.deep.equal([refused]);
      for (const minor of [32, 33, 34, 35]) {
        expect(COREDNS_VERSIONS[minor], `1.${minor}`).to.be.a('string');
      }
    });
  });

  describe('bootstrap files in the cloud-configs', () => {
    const configs = nodeConfigs(example);

    it('installs the CNI plugins on every node, by a unit that runs before the kubelet', () => {
      for (const [node, config] of Object.entries(configs)) {
        const script = writeFile(config, INSTALL_CNI_PLUGINS);
        expect(script.permissions, node).to.equal('0755');
        expect(script.content, node).to.contain(`sha256="${CNI_PLUGINS.sha256}"`);
        expect(script.content, node).to.contain('cni-plugins-linux-amd64-$version.tgz');
        const names = config.coreos.units.map((u: any) => u.name);
        expect(names.indexOf(CNI_PLUGINS_UNIT), node).to.be.lessThan(names.indexOf('kubelet.service'));
        expect(config.coreos.units[names.indexOf(CNI_PLUGINS_UNIT)].content).to.contain('Before=kubelet.service');
      }
    });

    it('installs kubectl and applies the add-ons on node-01 only, its unit started last', () => {
      const release = FLATCAR_RELEASES.find(r => r.version === example.kubernetesVersion)!;
      expect(writeFile(configs['node-01'], INSTALL_KUBECTL).content).to.contain(`sha256="${release.kubectlSha256}"`);
      expect(writeFile(configs['node-01'], APPLY_ADDONS).permissions).to.equal('0755');
      expect(configs['node-01'].coreos.units.map((u: any) => u.name)).to.deep.equal([CNI_PLUGINS_UNIT, 'kubelet.service', APPLY_ADDONS_UNIT]);
      for (const node of ['node-02', 'node-03', 'node-04']) {
        expect(writeFile(configs[node], APPLY_ADDONS), node).to.equal(undefined);
        expect(writeFile(configs[node], INSTALL_KUBECTL), node).to.equal(undefined);
        expect(configs[node].coreos.units.map((u: any) => u.name), node).to.deep.equal([CNI_PLUGINS_UNIT, 'kubelet.service']);
      }
    });
  });
});
