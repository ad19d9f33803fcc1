// User add-ons built with cdk8s-plus: the built-in add-ons need cdk8s alone, and an Addon
// takes any cdk8s Chart, whichever cdk8s-plus line built its objects. Each line the
// project tests (the oldest still in use, 27, and the newest, 34) builds the same workload
// both ways (Addon.fromChart with a Chart of the user's own App, and a define callback),
// and the add-on file must hold exactly the objects cdk8s-plus made, valid for Kubernetes.
// That this file compiles is the other half: both lines' constructs accept the Chart
// that Addon's signatures name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { App, Chart, Size } from 'cdk8s';
import * as plus27 from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { find, objectsOf, schemaProblem } from './support';
import { flatcarCluster } from '../../examples/flatcar';
import { Addon } from '../../lib';

/** What every line builds: a Deployment of agnhost exposed by a Service, and a ConfigMap. */
const IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const PORT = 8080;

/** The workload, with cdk8s-plus-27. */
function web27(chart: Construct): void {
  const deployment = new plus27.Deployment(chart, 'web', {
    metadata: { name: 'web', namespace: 'default' },
    replicas: 2,
    containers: [{
      name: 'netexec', image: IMAGE, args: ['netexec', `--http-port=${PORT}`], portNumber: PORT,
      resources: { cpu: { request: plus27.Cpu.millis(50) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) } },
      securityContext: { user: 65532, group: 65532 },
    }],
  });
  deployment.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: PORT }] });
  new plus27.ConfigMap(chart, 'greeting', { metadata: { name: 'greeting', namespace: 'default' }, data: { message: 'hello' } });
}

/** The same workload, with cdk8s-plus-34. */
function web34(chart: Construct): void {
  const deployment = new plus34.Deployment(chart, 'web', {
    metadata: { name: 'web', namespace: 'default' },
    replicas: 2,
    containers: [{
      name: 'netexec', image: IMAGE, args: ['netexec', `--http-port=${PORT}`], portNumber: PORT,
      resources: { cpu: { request: plus34.Cpu.millis(50) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) } },
      securityContext: { user: 65532, group: 65532 },
    }],
  });
  deployment.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: PORT }] });
  new plus34.ConfigMap(chart, 'greeting', { metadata: { name: 'greeting', namespace: 'default' }, data: { message: 'hello' } });
}

/** The installed version of a package, from its package.json. */
function installedVersion(name: string): string {
  const file = path.join(path.dirname(require.resolve(name)), '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf-8')) as { name: string; version: string }).version;
}

const LINES = [
  { name: 'cdk8s-plus-27', build: web27 },
  { name: 'cdk8s-plus-34', build: web34 },
];

/** The checks every rendering of the workload passes, whichever line built it. */
function expectWorkload(addon: Addon): void {
  expect(addon.node.validate()).to.deep.equal([]);
  const objects = objectsOf(addon);
  expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['Deployment/web', 'Service/web', 'ConfigMap/greeting']);
  for (const object of objects) {
    expect(schemaProblem(object), `${object.kind}/${object.metadata.name}`).to.equal(undefined);
  }
  // What kubectl reads back is what the chart's own App synthesizes.
  expect(objects).to.deep.equal(addon.chart.toJson());
  const deployment = find(objects, 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  expect(container).to.deep.include({ name: 'netexec', image: IMAGE, args: ['netexec', `--http-port=${PORT}`] });
  expect(container.ports[0].containerPort).to.equal(PORT);
  expect(container.resources).to.deep.equal({ limits: { memory: '64Mi' }, requests: { cpu: '50m', memory: '32Mi' } });
  const service = find(objects, 'Service');
  expect(service.spec.ports).to.deep.include({ port: 80, targetPort: PORT });
  // The Service reaches the Deployment's pods: its selector is a subset of their labels.
  expect(deployment.spec.template.metadata.labels).to.include(service.spec.selector);
  expect(find(objects, 'ConfigMap').data).to.deep.equal({ message: 'hello' });
}

describe('user add-ons built with cdk8s-plus', () => {
  for (const line of LINES) {
    describe(`${line.name} ${installedVersion(line.name)}`, () => {
      it('renders a Chart of the user\'s own App with Addon.fromChart', () => {
        const cluster = flatcarCluster('/nonexistent/out', '/nonexistent/pki');
        const chart = new Chart(new App(), 'web');
        line.build(chart);
        const addon = Addon.fromChart(cluster, 'web', chart);
        expect(addon.chart).to.equal(chart);
        expectWorkload(addon);
      });

      it('renders the objects a define callback adds to the add-on\'s new chart', () => {
        const cluster = flatcarCluster('/nonexistent/out', '/nonexistent/pki');
        expectWorkload(new Addon(cluster, 'web', chart => line.build(chart)));
      });
    });
  }

  it('tests the lines the README names, and two different ones', () => {
    const versions = LINES.map(line => `${line.name} ${installedVersion(line.name)}`);
    expect(new Set(LINES.map(line => line.name)).size).to.equal(2);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    for (const version of versions) {
      expect(readme, version).to.contain(version);
    }
  });
});
