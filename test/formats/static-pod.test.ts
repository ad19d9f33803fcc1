// The public StaticPod: what it renders, read back as the kubelet's YAML reader does
// (YAML 1.1), and checked as the API server would check the pod. Its refusals are rows of
// test/validation/bad-inputs.test.ts; these tests prove what it accepts and writes.
import { expect } from 'chai';
import { Pod } from 'kubernetes-models/v1';
import { StaticPod, StaticPodProps, Testing } from '../../lib';
import { defaultCluster } from '../../examples/default';
import { problemsOf, yaml11 } from '../support/fixtures';

/** Strings a YAML 1.1 reader takes for booleans, numbers, nulls or times when they are written bare. */
const YAML_11_TRAPS = ['on', 'yes', 'no', 'off', 'y', 'n', 'true', 'False', '1_000', '0755', '0x1F', '1e3', '.inf', '~', 'null', '12:30', '2001-12-14', '<<', '=', '- a', ''];

/** A pod of one container with everything the props allow. */
const FULL: StaticPodProps = {
  folder: 'pods/extra',
  containers: [{
    name: 'probe',
    image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
    command: ['/agnhost', ...YAML_11_TRAPS],
    args: [...YAML_11_TRAPS],
    env: [...YAML_11_TRAPS.filter(Boolean).map((value, i) => ({ name: `V${i}`, value })), { name: 'NODE', fieldPath: 'spec.nodeName' }],
    capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
  }],
  hostMounts: [{ name: 'config', path: '/etc/probe', mountPath: '/config' }, { name: 'token', path: '/etc/probe.token', file: true }],
  namespace: 'kube-system',
  hostAliases: [{ ip: '127.0.0.1', hostnames: ['kubernetes'] }, { ip: '::1', hostnames: ['kubernetes.default'] }],
};

describe('StaticPod', () => {
  it('renders <folder>/<id>.yaml, and a YAML 1.1 reader reads on, yes, no, 1_000 and the other traps in its command back as strings', () => {
    const cluster = defaultCluster();
    const pod = new StaticPod(cluster, 'probe', FULL);
    const files = Testing.render(cluster);
    expect(pod.filePath).to.equal('pods/extra/probe.yaml');
    const read = yaml11(files['pods/extra/probe.yaml']);
    const [container] = read.spec.containers;
    expect(container.command).to.deep.equal(['/agnhost', ...YAML_11_TRAPS]);
    expect(container.args).to.deep.equal(YAML_11_TRAPS);
    expect(container.env.slice(0, -1).map((env: { value: unknown }) => env.value)).to.deep.equal(YAML_11_TRAPS.filter(Boolean));
    for (const value of [...container.command, ...container.args]) {
      expect(value, JSON.stringify(value)).to.be.a('string');
    }
    expect(read).to.deep.equal(pod.toManifest());
  });

  it('renders a pod the Kubernetes Pod schema accepts, with every prop used', () => {
    const cluster = defaultCluster();
    const pod = new StaticPod(cluster, 'probe', FULL);
    expect(() => new Pod(pod.toManifest() as object).validate()).to.not.throw();
    expect(problemsOf(() => Testing.render(cluster))).to.deep.equal([]);
  });

  it('records props of any shape without throwing, and reports them at synth', () => {
    const cluster = defaultCluster();
    for (const junk of [undefined, null, 5, 'pods', [], { folder: 5 }, { folder: 'pods/x', containers: 'web' }, { folder: 'pods/x', containers: [null, 5, 'web'] }]) {
      expect(() => new StaticPod(cluster, `junk-${cluster.node.children.length}`, junk as unknown as StaticPodProps)).to.not.throw();
    }
    expect(problemsOf(() => Testing.render(cluster)).length).to.be.at.least(8);
  });

  it('accepts every downward-API field an environment variable may read, and refuses another', () => {
    const env = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP',
      'status.hostIPs', 'status.podIP', 'status.podIPs', "metadata.labels['app']", "metadata.annotations['example.com/x']"]
      .map((fieldPath, i) => ({ name: `F${i}`, fieldPath }));
    const accepted = defaultCluster();
    new StaticPod(accepted, 'fields', { folder: 'pods/extra', containers: [{ name: 'c', image: 'busybox:1.36', env }] });
    expect(problemsOf(() => Testing.render(accepted))).to.deep.equal([]);
    const refused = defaultCluster();
    new StaticPod(refused, 'fields', { folder: 'pods/extra', containers: [{ name: 'c', image: 'busybox:1.36', env: [{ name: 'X', fieldPath: 'spec.hostname' }] }] });
    expect(problemsOf(() => Testing.render(refused))).to.have.length(1);
  });
});
