// The optional add-ons of the Flatcar profile (metrics-server, local-path-provisioner, Traefik):
// off by default, schema-valid, and compared object by object with the upstream manifests of
// their pinned releases, committed under test/addons/upstream/ with their URL and tag. Every
// difference from upstream is listed here, with why.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { addonsOf, find, objectsOf, schemaProblem, tolerates, yamlDocuments } from './support';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarFullCluster } from '../../examples/flatcar-full';
import { ClusterProfile, EtcdPeerTier, FlatcarAddonOptions, KubeNodeTier, NodeRole, StaticPod, VagrantCluster } from '../../lib';
import { CONTROL_PLANE_TAINT } from '../../lib/cluster/node-role';
import { LOCAL_PATH_HELPER_IMAGE, LOCAL_PATH_PROVISIONER_IMAGE, METRICS_SERVER_IMAGE, OPTIONAL_ADDONS, TRAEFIK_IMAGE } from '../../lib/profiles/flatcar/releases';
import { METRICS_SERVER_KUBELET_CA } from '../../lib/addons/metrics-server-addon';
import { problemsOf } from '../support/fixtures';

const UPSTREAM = path.join(__dirname, 'upstream');

/** The objects of an upstream manifest (its header comment skipped by the YAML reader). */
function upstream(file: string): any[] {
  return yamlDocuments(fs.readFileSync(path.join(UPSTREAM, file), 'utf-8')).filter(object => object !== null);
}

/** `Kind/name` of each object. */
const names = (objects: any[]) => objects.map(o => `${o.kind}/${o.metadata.name}`);

/** Every (apiGroup, resource, verb) a set of rules grants, sorted: rules compared by what they allow, not how they are grouped. */
function grants(rules: any[]): string[] {
  return rules.flatMap(rule => rule.apiGroups.flatMap((group: string) => rule.resources.flatMap((resource: string) =>
    rule.verbs.map((verb: string) => `${group}:${resource}:${verb}`)))).sort();
}

/** Every role and binding by `Kind/name`: its rules' grants, or its roleRef and subjects' kinds and names. */
function rbac(objects: any[]): Record<string, unknown> {
  return Object.fromEntries(objects.filter(o => /^(Cluster)?Role(Binding)?$/.test(o.kind)).map(o => [`${o.kind}/${o.metadata.name}`,
    o.rules ? grants(o.rules) : { roleRef: `${o.roleRef.kind}/${o.roleRef.name}`, subjects: o.subjects.map((s: any) => `${s.kind}/${s.name}`) }]));
}

/** The first container of an object's pod template. */
const container = (object: any) => object.spec.template.spec.containers[0];

/** A cluster of the example's shape with these add-on options; for reading only. */
function withAddons(addons: unknown, tiers?: (cluster: VagrantCluster, etcd: EtcdPeerTier) => void): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir: '/nonexistent/out', profile: ClusterProfile.flatcar({ pkiDir: '/nonexistent/pki', addons: addons as FlatcarAddonOptions }), prefix: '192.168.56',
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 1, cpus: 1, memoryMb: 1024, firstIp: 11 });
  if (tiers) {
    tiers(cluster, etcd);
  } else {
    new KubeNodeTier(cluster, 'node', { count: 3, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
  }
  return cluster;
}

describe('optional add-ons of the Flatcar profile', () => {
  const full = flatcarFullCluster('/nonexistent/out', '/nonexistent/pki');
  const addons = addonsOf(full);
  const objects = Object.fromEntries(Object.entries(addons).map(([id, addon]) => [id, objectsOf(addon)]));

  it('are off by default, and examples/flatcar-full.ts switches on all three', () => {
    expect(Object.keys(addonsOf(flatcarCluster('/nonexistent/out', '/nonexistent/pki')))).to.deep.equal(
      ['flannel', 'kube-proxy', 'coredns', 'kubelet-certificate-rotation']);
    expect(Object.keys(addons)).to.deep.equal(
      ['flannel', 'kube-proxy', 'coredns', 'kubelet-certificate-rotation', 'metrics-server', 'local-path-storage', 'traefik']);
    expect(Object.keys(addonsOf(withAddons({ localPathStorage: true })))).to.include('local-path-storage').and.not.include('traefik');
  });

  it('validates every object against the Kubernetes schema', () => {
    for (const id of ['metrics-server', 'local-path-storage', 'traefik']) {
      for (const object of objects[id]) {
        expect(schemaProblem(object), `${id} ${object.kind}/${object.metadata.name}`).to.equal(undefined);
      }
    }
  });

  it('pins every image in the version table, as the README lists them', () => {
    const images = (id: string) => objects[id].filter(o => o.spec?.template).flatMap(o => o.spec.template.spec.containers.map((c: any) => c.image));
    expect(images('metrics-server')).to.deep.equal([METRICS_SERVER_IMAGE]);
    expect(images('local-path-storage')).to.deep.equal([LOCAL_PATH_PROVISIONER_IMAGE]);
    expect(images('traefik')).to.deep.equal([TRAEFIK_IMAGE]);
    expect(OPTIONAL_ADDONS.flatMap(addon => addon.images)).to.deep.equal([METRICS_SERVER_IMAGE, LOCAL_PATH_PROVISIONER_IMAGE, LOCAL_PATH_HELPER_IMAGE, TRAEFIK_IMAGE]);
    for (const image of OPTIONAL_ADDONS.flatMap(addon => addon.images)) {
      expect(image, image).to.match(/^[a-z0-9.-]+\/[a-z0-9/_.-]+:v?\d+\.\d+\.\d+(-\d+)?$/); // a registry and a release tag, never latest
    }
  });

  describe('metrics-server, against kubernetes-sigs/metrics-server v0.8.1 components.yaml', () => {
    const ours = () => objects['metrics-server'];
    const theirs = upstream('metrics-server-v0.8.1.yaml');

    it('has the same objects, RBAC and image, every object labelled k8s-app=metrics-server', () => {
      expect(names(ours())).to.deep.equal(names(theirs));
      expect(rbac(ours())).to.deep.equal(rbac(theirs));
      expect(container(find(ours(), 'Deployment')).image).to.equal(container(find(theirs, 'Deployment')).image);
      for (const object of ours()) { expect(object.metadata.labels, names([object])[0]).to.include({ 'k8s-app': 'metrics-server' }); }
      expect(find(ours(), 'ClusterRole', 'system:aggregated-metrics-reader').metadata.labels)
        .to.deep.equal(find(theirs, 'ClusterRole', 'system:aggregated-metrics-reader').metadata.labels);
      // The Service port upstream leaves to the API's default (443), written out.
      const upstreamSpec = find(theirs, 'APIService').spec;
      expect(find(ours(), 'APIService').spec).to.deep.equal({ ...upstreamSpec, service: { ...upstreamSpec.service, port: 443 } });
      expect(find(ours(), 'Service').spec.ports).to.deep.equal(find(theirs, 'Service').spec.ports);
    });

    it('has upstream\'s arguments but two: the kubelets at their InternalIP only, verified with the cluster CA, never --kubelet-insecure-tls', () => {
      const args: string[] = container(find(ours(), 'Deployment')).args;
      const upstreamArgs: string[] = container(find(theirs, 'Deployment')).args;
      expect(args).to.deep.equal([
        ...upstreamArgs.map(arg => (arg.startsWith('--kubelet-preferred-address-types=') ? '--kubelet-preferred-address-types=InternalIP' : arg)),
        `--kubelet-certificate-authority=${METRICS_SERVER_KUBELET_CA}`,
      ]);
      expect(args.filter(arg => arg.startsWith('--kubelet-insecure-tls'))).to.deep.equal([]);
      expect(JSON.stringify(ours())).not.to.contain('kubelet-insecure-tls');
    });

    it('reads the cluster CA from kube-root-ca.crt, which the controller-manager publishes from its --root-ca-file, the CA of the kubelets\' serving certificates', () => {
      const deployment = find(ours(), 'Deployment');
      const mount = container(deployment).volumeMounts.find((m: any) => METRICS_SERVER_KUBELET_CA.startsWith(`${m.mountPath}/`));
      expect(mount.readOnly).to.equal(true);
      const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
      expect(volume.configMap).to.deep.equal({ name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: path.basename(METRICS_SERVER_KUBELET_CA) }] });
      const controllerManager = full.bind().node.findAll().find((c): c is StaticPod => c instanceof StaticPod && c.node.id === 'kube-controller-manager')!;
      const command: string[] = (controllerManager.toManifest() as any).spec.containers[0].command;
      expect(command).to.include('--root-ca-file=/etc/kubernetes/pki/ca.crt');
      const apiServer = full.bind().node.findAll().find((c): c is StaticPod => c instanceof StaticPod && c.node.id === 'kube-apiserver')!;
      expect((apiServer.toManifest() as any).spec.containers[0].command).to.include('--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt');
    });

    it('keeps upstream\'s probes, resources and security context', () => {
      const mine = container(find(ours(), 'Deployment'));
      const upstreamContainer = container(find(theirs, 'Deployment'));
      expect(mine.securityContext).to.deep.include(upstreamContainer.securityContext);
      expect(mine.resources).to.deep.equal(upstreamContainer.resources);
      expect(mine.readinessProbe).to.deep.equal(upstreamContainer.readinessProbe);
      expect(mine.livenessProbe).to.deep.equal(upstreamContainer.livenessProbe);
      expect(find(ours(), 'Deployment').spec.template.spec.priorityClassName).to.equal('system-cluster-critical');
    });
  });

  describe('local-path-provisioner, against rancher/local-path-provisioner v0.0.37 deploy/local-path-storage.yaml', () => {
    const ours = () => objects['local-path-storage'];
    const theirs = upstream('local-path-storage-v0.0.37.yaml');

    it('has the same objects in the same namespace, the same RBAC, command and image', () => {
      expect(names(ours()).sort()).to.deep.equal(names(theirs).sort());
      expect(rbac(ours())).to.deep.equal(rbac(theirs));
      for (const object of ours().filter(o => o.metadata.namespace !== undefined)) {
        const twin = theirs.find(o => o.kind === object.kind && o.metadata.name === object.metadata.name);
        expect(object.metadata.namespace, names([object])[0]).to.equal(twin.metadata.namespace);
      }
      expect(container(find(ours(), 'Deployment')).command).to.deep.equal(container(find(theirs, 'Deployment')).command);
      expect(container(find(ours(), 'Deployment')).image).to.equal(container(find(theirs, 'Deployment')).image);
      expect(container(find(ours(), 'Deployment')).env).to.deep.equal(container(find(theirs, 'Deployment')).env);
    });

    it('makes its StorageClass the default (storageclass.kubernetes.io/is-default-class: "true"), otherwise upstream\'s', () => {
      const storageClass = find(ours(), 'StorageClass');
      expect(storageClass.metadata.annotations).to.deep.equal({ 'storageclass.kubernetes.io/is-default-class': 'true' });
      const { metadata: _ours, ...rest } = storageClass;
      const { metadata: _theirs, ...upstreamRest } = find(theirs, 'StorageClass');
      expect(rest).to.deep.equal(upstreamRest);
    });

    it('keeps upstream\'s configuration and scripts, its helper pods\' image pinned instead of an untagged busybox', () => {
      const data = find(ours(), 'ConfigMap').data;
      const upstreamData = find(theirs, 'ConfigMap').data;
      expect(Object.keys(data).sort()).to.deep.equal(Object.keys(upstreamData).sort());
      for (const key of ['config.json', 'setup', 'teardown']) { expect(data[key], key).to.equal(upstreamData[key]); }
      expect(upstreamData['helperPod.yaml']).to.contain('image: docker.io/library/busybox\n');
      expect(data['helperPod.yaml']).to.equal(upstreamData['helperPod.yaml'].replace('docker.io/library/busybox', LOCAL_PATH_HELPER_IMAGE));
    });
  });

  describe('Traefik, against the traefik/traefik v3.7.9 Kubernetes Ingress example and the Helm chart v41.3.0', () => {
    const ours = () => objects.traefik;
    const theirs = upstream('traefik-v3.7.9.yaml');

    it('has the example\'s account, role and binding; a DaemonSet instead of its Deployment and LoadBalancer Service; the chart\'s IngressClass', () => {
      const changed = { removed: ['Deployment/traefik', 'Service/traefik'], added: ['DaemonSet/traefik', 'IngressClass/traefik'] };
      expect(names(ours()).sort()).to.deep.equal([...names(theirs).filter(name => !changed.removed.includes(name)), ...changed.added].sort());
    });

    it('grants the example\'s RBAC and read access to Nodes, which the provider watches and the chart grants', () => {
      const mine = rbac(ours()) as Record<string, string[]>;
      const upstreamRbac = rbac(theirs) as Record<string, string[]>;
      expect(mine['ClusterRole/traefik-ingress-controller'])
        .to.deep.equal([...upstreamRbac['ClusterRole/traefik-ingress-controller'], ':nodes:get', ':nodes:list', ':nodes:watch'].sort());
      expect(mine['ClusterRoleBinding/traefik-ingress-controller']).to.deep.equal(upstreamRbac['ClusterRoleBinding/traefik-ingress-controller']);
      expect(find(ours(), 'ClusterRoleBinding').subjects[0].namespace).to.equal('kube-system');
    });

    it('runs the example\'s provider and TLS entry point on the chart\'s unprivileged ports, the pinned release of the example\'s v3.7 image', () => {
      const args: string[] = container(find(ours(), 'DaemonSet')).args;
      const upstreamArgs: string[] = container(find(theirs, 'Deployment')).args;
      const moved = { '--entryPoints.websecure.address=:443': '--entryPoints.websecure.address=:8443/tcp' } as Record<string, string>;
      expect(args).to.include.members(upstreamArgs.map(arg => moved[arg] ?? arg));
      expect(args.filter(arg => !upstreamArgs.map(a => moved[a] ?? a).includes(arg)))
        .to.deep.equal(['--entryPoints.web.address=:8000/tcp', '--entryPoints.traefik.address=:8080/tcp', '--ping=true']);
      const upstreamImage: string = container(find(theirs, 'Deployment')).image;
      expect(upstreamImage).to.equal('traefik:v3.7');
      expect(container(find(ours(), 'DaemonSet')).image).to.equal('docker.io/library/traefik:v3.7.9');
    });

    it('answers on host ports 80 and 443 of the workers only: no toleration of the control-plane taint', () => {
      const daemonSet = find(ours(), 'DaemonSet');
      expect(container(daemonSet).ports.filter((p: any) => p.hostPort).map((p: any) => [p.name, p.hostPort, p.containerPort]))
        .to.deep.equal([['web', 80, 8000], ['websecure', 443, 8443]]);
      expect(daemonSet.spec.template.spec.hostNetwork).to.equal(false); // host ports through the CNI portmap plugin
      expect(daemonSet.spec.template.spec.tolerations.some((t: any) => tolerates(t, { key: CONTROL_PLANE_TAINT.key, effect: CONTROL_PLANE_TAINT.effect })))
        .to.equal(false);
      expect(container(daemonSet).securityContext).to.include({ runAsNonRoot: true, runAsUser: 65532, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      const flannel = JSON.parse(find(objects.flannel, 'ConfigMap').data['cni-conf.json']);
      expect(flannel.plugins.map((p: any) => p.type)).to.include('portmap');
    });

    it('adds the chart\'s IngressClass as the default class, with the controller the chart names', () => {
      const chart = fs.readFileSync(path.join(UPSTREAM, 'traefik-helm-chart-v41.3.0-ingressclass.yaml.tmpl'), 'utf-8');
      const ingressClass = find(ours(), 'IngressClass');
      expect(chart).to.contain(`  controller: ${ingressClass.spec.controller}\n`);
      expect(ingressClass.metadata).to.deep.equal({ name: 'traefik', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } });
    });
  });

  describe('validation', () => {
    it('fails when ingress names a controller the profile does not offer, ingress-nginx with the reason', () => {
      expect(problemsOf(() => withAddons({ ingress: 'nginx' }).model())).to.deep.equal([
        'profile option addons.ingress \'nginx\' is not an ingress controller the Flatcar profile offers (ingress-nginx was retired by the '
        + 'Kubernetes project in March 2026 and gets no fixes); expected \'traefik\', or no ingress option']);
      expect(problemsOf(() => withAddons({ ingress: 'contour' }).model())).to.deep.equal([
        'profile option addons.ingress \'contour\' is not an ingress controller the Flatcar profile offers; expected \'traefik\', or no ingress option']);
    });

    it('fails when addons has an unknown key or a value of the wrong type, listing every problem', () => {
      expect(problemsOf(() => withAddons({ metricsServer: 'yes', localPathStorage: 1, ingress: true, dashboard: true }).model())).to.deep.equal([
        'profile option addons has unknown key \'dashboard\'; expected one of metricsServer, localPathStorage, ingress',
        'profile option addons.metricsServer is "yes"; expected true or false',
        'profile option addons.localPathStorage is 1; expected true or false',
        'profile option addons.ingress is true; expected \'traefik\' (checked by the profile)',
      ]);
      expect(problemsOf(() => withAddons('all').model())).to.deep.equal([
        'profile option addons is "all"; expected an object of the optional add-ons, such as { metricsServer: true, localPathStorage: true, ingress: \'traefik\' }']);
    });

    it('fails when an add-on is on but no worker is without taints, where it would run', () => {
      const tainted = withAddons({ metricsServer: true, ingress: 'traefik' }, (cluster, etcd) => {
        new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 1, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
        new KubeNodeTier(cluster, 'db', { role: NodeRole.WORKER, count: 1, cpus: 2, memoryMb: 2048, firstIp: 31, etcd, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
      });
      expect(problemsOf(() => tainted.model())).to.deep.equal([
        'enables metrics-server and traefik but has no worker without a NoSchedule or NoExecute taint, where they run (the control planes are tainted); '
        + 'expected a worker tier without such taints, or the add-ons left off']);
      expect(problemsOf(() => withAddons({ metricsServer: true, ingress: 'traefik' }).model())).to.deep.equal([]);
      // A PreferNoSchedule taint only steers the scheduler away: the add-ons still run there.
      const preferred = withAddons({ metricsServer: true, ingress: 'traefik' }, (cluster, etcd) => {
        new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 1, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
        new KubeNodeTier(cluster, 'spare', { role: NodeRole.WORKER, count: 1, cpus: 2, memoryMb: 2048, firstIp: 31, etcd, taints: [{ key: 'spare', effect: 'PreferNoSchedule' }] });
      });
      expect(problemsOf(() => preferred.model())).to.deep.equal([]);
    });

    it('fails when a tier takes the id of an add-on that is on, and accepts it while that add-on is off', () => {
      const tiers = (cluster: VagrantCluster, etcd: EtcdPeerTier) => {
        new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 1, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
        new KubeNodeTier(cluster, 'traefik', { role: NodeRole.WORKER, count: 1, cpus: 2, memoryMb: 2048, firstIp: 31, etcd });
      };
      const problems = problemsOf(() => withAddons({ ingress: 'traefik' }, tiers).model());
      expect(problems).to.have.length(1);
      expect(problems[0]).to.contain('the flatcar profile puts the optional add-on Traefik there');
      expect(problemsOf(() => withAddons({}, tiers).model())).to.deep.equal([]);
    });
  });
});
