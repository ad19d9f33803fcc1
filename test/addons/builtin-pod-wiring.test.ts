// The built-in add-ons list their pods' volumes, mounts and ports by hand (system-workloads.ts
// derives none of them), so these cross-references are checked here: what the schema cannot
// see, and the kubelet would only find out on a node.
import { expect } from 'chai';
import { addonsOf, objectsOf } from './support';
import { flatcarCluster } from '../../examples/flatcar';

/** The pod templates of an add-on's workloads, by `Kind/name`. */
function pods(objects: any[]): Array<[string, any]> {
  return objects.filter(o => o.spec?.template?.spec).map(o => [`${o.kind}/${o.metadata.name}`, o.spec.template.spec]);
}

/** The problems of one pod's wiring against the other objects of its add-on. */
function wiringProblems(spec: any, objects: any[]): string[] {
  const problems: string[] = [];
  const containers: any[] = [...spec.initContainers ?? [], ...spec.containers];
  const volumes = new Set<string>(spec.volumes.map((v: any) => v.name));
  const mounted = new Set<string>(containers.flatMap(c => c.volumeMounts.map((m: any) => m.name)));
  for (const container of containers) {
    for (const mount of container.volumeMounts) {
      if (!volumes.has(mount.name)) { problems.push(`${container.name} mounts ${mount.name}, which is no volume of the pod`); }
    }
    for (const probe of [container.livenessProbe, container.readinessProbe].filter(Boolean)) {
      if (!container.ports?.some((p: any) => p.containerPort === probe.httpGet.port)) {
        problems.push(`${container.name} probes port ${probe.httpGet.port}, which it does not declare`);
      }
    }
  }
  for (const volume of spec.volumes) {
    if (!mounted.has(volume.name)) { problems.push(`volume ${volume.name} is mounted by no container`); }
    const configMap = volume.configMap?.name;
    if (configMap && !objects.some(o => o.kind === 'ConfigMap' && o.metadata.name === configMap)) {
      problems.push(`volume ${volume.name} reads ConfigMap ${configMap}, which the add-on does not define`);
    }
    for (const item of volume.configMap?.items ?? []) {
      const data = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === configMap)?.data ?? {};
      if (!(item.key in data)) { problems.push(`volume ${volume.name} reads key ${item.key}, which ConfigMap ${configMap} lacks`); }
    }
  }
  if (new Set(spec.volumes.map((v: any) => v.name)).size !== spec.volumes.length) { problems.push('two volumes share a name'); }
  return problems;
}

describe('pod wiring of the built-in add-ons', () => {
  const addons = addonsOf(flatcarCluster('/nonexistent/out', '/nonexistent/pki'));

  for (const id of ['flannel', 'kube-proxy', 'coredns']) {
    it(`mounts only volumes its pods define, defines none it leaves unmounted, and probes declared ports (${id})`, () => {
      const objects = objectsOf(addons[id]);
      const specs = pods(objects);
      expect(specs).to.have.length(1);
      for (const [name, spec] of specs) {
        expect(wiringProblems(spec, objects), name).to.deep.equal([]);
      }
    });
  }

  it('fails when a mount, a volume, a ConfigMap key or a probed port does not match (the checks above rely on it)', () => {
    const objects = objectsOf(addons.coredns);
    const spec = structuredClone(pods(objects)[0][1]);
    spec.containers[0].volumeMounts[0].name = 'elsewhere';
    spec.volumes[0].configMap.items[0].key = 'Nofile';
    spec.containers[0].readinessProbe.httpGet.port = 9999;
    expect(wiringProblems(spec, objects)).to.deep.equal([
      'coredns mounts elsewhere, which is no volume of the pod',
      'coredns probes port 9999, which it does not declare',
      'volume config-volume is mounted by no container',
      'volume config-volume reads key Nofile, which ConfigMap coredns lacks',
    ]);
    const flannel = objectsOf(addons.flannel);
    const daemonSet = structuredClone(pods(flannel)[0][1]);
    daemonSet.volumes[1].configMap.name = 'missing';
    expect(wiringProblems(daemonSet, flannel)).to.deep.equal(['volume flannel-cfg reads ConfigMap missing, which the add-on does not define']);
  });
});
