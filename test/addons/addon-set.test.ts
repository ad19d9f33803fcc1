// Rules across every add-on of a cluster, built-in ones included (lib/addons/addon-set-rules.ts):
// each namespace an object is put in exists, each object is defined once. What they accept
// here, the bad-input table's rows refuse one step further.
import { expect } from 'chai';
import { ApiObject, ApiObjectProps, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { defaultCluster } from '../../examples/default';
import { Addon, Testing, ValidationError, VagrantCluster } from '../../lib';
import { BUILT_IN_NAMESPACES } from '../../lib/addons/addon-set-rules';
import { flatcarTree } from '../support/flatcar';

/** An add-on of raw objects. */
function addon(scope: Construct, id: string, objects: object[], props: { namespace?: string } = {}): Addon {
  return new Addon(scope, id, chart => objects.forEach((object, index) => new ApiObject(chart, `o${index}`, object as ApiObjectProps)), props);
}

const configMap = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } });
const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** `[constructPath] message` of every problem the render throws, none when it renders. */
function problems(cluster: VagrantCluster): string[] {
  try {
    Testing.render(cluster);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) { throw error; }
    return error.problems.map(p => `[${p.constructPath}] ${p.message}`);
  }
}

describe('rules across add-ons', () => {
  describe('namespaces', () => {
    it('takes the namespaces Kubernetes creates, and an object with none', () => {
      const cluster = defaultCluster();
      addon(cluster, 'app', [...BUILT_IN_NAMESPACES.map((ns, i) => configMap(`c${i}`, ns)), configMap('none')]);
      expect(problems(cluster)).to.deep.equal([]);
    });

    it('takes a namespace that another add-on creates, whichever comes first', () => {
      const cluster = defaultCluster();
      addon(cluster, 'app', [configMap('web', 'web')]);
      addon(cluster, 'namespaces', [namespace('web')]);
      expect(problems(cluster)).to.deep.equal([]);
    });

    it('fails when no add-on creates the namespace, at each add-on that uses it', () => {
      const cluster = defaultCluster();
      addon(cluster, 'app', [configMap('web', 'web')]);
      addon(cluster, 'more', [configMap('more', 'web')], { namespace: 'web' });
      expect(problems(cluster)).to.deep.equal([
        '[cluster/app] object 1 (ConfigMap web/web) is in the namespace web, which no add-on creates and Kubernetes does not create; '
          + 'expected a Namespace object named web in an add-on, or one of default, kube-system, kube-public, kube-node-lease',
        '[cluster/more] object 1 (ConfigMap web/more) is in the namespace web, which no add-on creates and Kubernetes does not create; '
          + 'expected a Namespace object named web in an add-on, or one of default, kube-system, kube-public, kube-node-lease',
      ]);
    });

    it('ignores the namespace written on cluster-scoped kinds (the chart\'s, put on every object by cdk8s)', () => {
      const cluster = defaultCluster();
      addon(cluster, 'app', [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] },
        { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 },
      ], { namespace: 'nowhere' });
      expect(problems(cluster)).to.deep.equal([]);
    });

    it('reads the scope of a custom resource from its definition in an add-on', () => {
      const crd = (scope: string) => ({
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
        spec: { group: 'example.com', scope, names: { kind: 'Widget', plural: 'widgets' }, versions: [] },
      });
      const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'nowhere' } };
      const clusterScoped = defaultCluster();
      addon(clusterScoped, 'crd', [crd('Cluster')]);
      addon(clusterScoped, 'widgets', [widget]);
      expect(problems(clusterScoped)).to.deep.equal([]);
      const namespaced = defaultCluster();
      addon(namespaced, 'crd', [crd('Namespaced')]);
      addon(namespaced, 'widgets', [widget]);
      expect(problems(namespaced)).to.have.length(1);
    });
  });

  describe('one definition per object', () => {
    it('takes the same name in another namespace, another kind or another API group', () => {
      const cluster = defaultCluster();
      addon(cluster, 'app', [
        configMap('web'), configMap('web', 'kube-system'), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }, { apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'web' } },
      ]);
      expect(problems(cluster)).to.deep.equal([]);
    });

    it('reads an object without a namespace as one of the default namespace', () => {
      const cluster = defaultCluster();
      addon(cluster, 'app', [configMap('web')]);
      addon(cluster, 'other', [configMap('web', 'default')]);
      expect(problems(cluster)).to.deep.equal([
        '[cluster/other] object 1 (ConfigMap default/web) is also object 1 of cluster/app (the same API group, kind, namespace and name): '
          + 'applied after it, it would replace it; expected one of them renamed or left out',
      ]);
    });

    it('fails when a user add-on redefines an object of a built-in add-on, naming it', () => {
      const cluster = flatcarTree();
      addon(cluster, 'mine', [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'flannel', namespace: 'kube-system' } }]);
      expect(problems(cluster)).to.deep.equal([
        "[cluster/mine] object 1 (ServiceAccount kube-system/flannel) is also object 1 of the flatcar profile's built-in add-on flannel "
          + '(the same API group, kind, namespace and name): applied after it, it would replace it; expected one of them renamed or left out',
      ]);
    });

    it('fails when a user add-on takes the name of a built-in one', () => {
      const cluster = flatcarTree();
      addon(cluster, 'coredns', [configMap('dns')]);
      expect(problems(cluster)).to.deep.equal([
        "[cluster/coredns] writes addons/coredns.yaml, which the flatcar profile's built-in add-on coredns writes too; expected another id (one add-on per file)",
      ]);
    });

    it('checks the objects of a shared chart too (Addon.fromChart)', () => {
      const cluster = defaultCluster();
      const chart = new Chart(new App(), 'shared', { namespace: 'shared' });
      new ApiObject(chart, 'c', configMap('c') as ApiObjectProps);
      Addon.fromChart(cluster, 'shared', chart);
      expect(problems(cluster)).to.have.length(1);
      expect(problems(cluster)[0]).to.contain('is in the namespace shared');
    });
  });
});
