// The Addon construct: a cdk8s chart rendered to addons/<id>.yaml, deterministically,
// read back as kubectl reads it; every misuse is a validation error with its path.
import { expect } from 'chai';
import { ApiObject, App, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { objectsOf, yamlDocuments } from './support';
import { defaultCluster } from '../../examples/default';
import { Addon, Testing, ValidationError, VagrantCluster } from '../../lib';
import { addonReadBackProblems } from '../support/read-back';

/** A ConfigMap add-on; `data` is its data. */
function configMapAddon(cluster: Construct, id: string, data: Record<string, string>): Addon {
  return new Addon(cluster, id, chart => {
    new kplus.ConfigMap(chart, 'config', { metadata: { name: id, namespace: 'default' }, data });
  });
}

function validationMessage(cluster: VagrantCluster): string {
  try {
    Testing.render(cluster);
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('Addon', () => {
  it('renders addons/<id>.yaml: one document per object, in the chart order', () => {
    const cluster = defaultCluster();
    const addon = new Addon(cluster, 'web', chart => {
      new kplus.ServiceAccount(chart, 'account', { metadata: { name: 'web' } });
      new kplus.ConfigMap(chart, 'config', { metadata: { name: 'web' }, data: { a: '1' } });
    });
    const files = Testing.render(cluster);
    expect(addon.filePath).to.equal('addons/web.yaml');
    const objects = yamlDocuments(files['addons/web.yaml']);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['ServiceAccount/web', 'ConfigMap/web']);
    expect(files['addons/web.yaml'].split('\n---\n')).to.have.length(2);
  });

  it('sorts keys at every depth, with apiVersion, kind and metadata leading each object', () => {
    const cluster = defaultCluster();
    const addon = configMapAddon(cluster, 'sorted', { zeta: '1', alpha: '2' });
    const content = addon.renderFile().content;
    expect(content.split('\n').filter(line => /^\S/.test(line))).to.deep.equal(['apiVersion: v1', 'kind: ConfigMap', 'metadata:', 'data:', 'immutable: false']);
    expect(content.indexOf('alpha:')).to.be.lessThan(content.indexOf('zeta:'));
    expect(content.indexOf('  name: sorted')).to.be.lessThan(content.indexOf('  namespace: default'));
  });

  it('is deterministic, and ignores the CDK8S_DISABLE_SORT environment variable', () => {
    const render = () => configMapAddon(defaultCluster(), 'same', { zeta: '1', alpha: '2' }).renderFile().content;
    const sorted = render();
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(render()).to.equal(sorted);
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  it('quotes strings a YAML 1.1 reader would misread (yes, on, 0755), so kubectl reads them back as strings', () => {
    const addon = configMapAddon(defaultCluster(), 'traps', { enabled: 'yes', switch: 'on', mode: '0755', empty: '' });
    const [object] = objectsOf(addon);
    expect(object.data).to.deep.equal({ empty: '', enabled: 'yes', mode: '0755', switch: 'on' });
    expect(addonReadBackProblems(addon, addon.renderFile().content)).to.deep.equal([]);
  });

  it('resolves the chart with its App, e.g. a Lazy value', () => {
    const cluster = defaultCluster();
    const addon = new Addon(cluster, 'lazy', chart => {
      new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lazy' }, data: { at: Lazy.any({ produce: () => 'render time' }) } } as any);
    });
    expect(objectsOf(addon)[0].data).to.deep.equal({ at: 'render time' });
  });

  it('passes namespace and labels to the new chart', () => {
    const addon = new Addon(defaultCluster(), 'labelled', chart => {
      new kplus.ConfigMap(chart, 'config', { metadata: { name: 'labelled' } });
    }, { namespace: 'apps', labels: { team: 'web' } });
    const [object] = objectsOf(addon);
    expect(object.metadata).to.deep.equal({ labels: { team: 'web' }, name: 'labelled', namespace: 'apps' });
  });

  it('renders an existing chart with Addon.fromChart, and follows later changes to it', () => {
    const cluster = defaultCluster();
    const chart = new Chart(new App(), 'shared', { disableResourceNameHashes: true });
    new kplus.ConfigMap(chart, 'one', { metadata: { name: 'one' } });
    const addon = Addon.fromChart(cluster, 'shared', chart);
    new kplus.ConfigMap(chart, 'two', { metadata: { name: 'two' } });
    expect(addon.chart).to.equal(chart);
    expect(yamlDocuments(Testing.render(cluster)['addons/shared.yaml']).map(o => o.metadata.name)).to.deep.equal(['one', 'two']);
  });

  it('lists its file in manifest.json with the construct that made it', () => {
    const cluster = defaultCluster();
    configMapAddon(cluster, 'listed', { a: '1' });
    const manifest = JSON.parse(Testing.render(cluster)['manifest.json']);
    expect(manifest.files.find((f: any) => f.path === 'addons/listed.yaml').constructPath).to.equal('cluster/listed');
  });

  // Under Flatcar, whose output is git-ignored, a Secret is written and delivered 0600 (test/addons/delivery.test.ts).
  it('fails when a classic add-on holds a Secret: the classic output folder is meant to be committed', () => {
    const cluster = defaultCluster();
    new Addon(cluster, 'credentials', chart => {
      new kplus.Secret(chart, 'token', { metadata: { name: 'token', namespace: 'default' }, stringData: { token: 'not-for-others' } });
      new kplus.ConfigMap(chart, 'config', { metadata: { name: 'config', namespace: 'default' } });
    });
    configMapAddon(cluster, 'plain', { a: '1' });
    expect(() => cluster.render()).to.throw(ValidationError, /\[cluster\/credentials\] holds Secret default\/token, but the classic profile's output folder is not git-ignored/);
  });

  it('warns in the classic profile, which applies no add-ons', () => {
    const cluster = defaultCluster();
    configMapAddon(cluster, 'manual', { a: '1' });
    const manifest = JSON.parse(Testing.render(cluster)['manifest.json']);
    expect(manifest.warnings).to.include('[cluster/manual] the classic profile applies no add-ons: addons/manual.yaml is written for you to apply with kubectl');
  });

  describe('fails when misused', () => {
    it('fails when the id is not a DNS-1123 label', () => {
      const cluster = defaultCluster();
      configMapAddon(cluster, 'My_App', { a: '1' });
      expect(validationMessage(cluster)).to.contain("[cluster/My_App] id 'My_App' is not a DNS-1123 label");
    });

    it('fails when props have an unknown key or are not an object, with every other problem at once', () => {
      const cluster = defaultCluster();
      const define = (chart: Chart) => { new kplus.ConfigMap(chart, 'c', { metadata: { namespace: 'default' } }); };
      new Addon(cluster, 'typo', define, { namspace: 'team-a' } as never);
      new Addon(cluster, 'Not_An_Id', 5 as never, { namespace: 'Bad_NS', label: {} } as never);
      new Addon(cluster, 'numbers', define, 5 as never);
      const message = validationMessage(cluster);
      expect(message).to.contain("[cluster/typo] has unknown key 'namspace'; expected one of chart, namespace, labels");
      expect(message).to.contain("[cluster/numbers] props is 5; expected an object of chart, namespace, labels, such as { namespace: 'my-app' }");
      for (const problem of ["id 'Not_An_Id' is not a DNS-1123 label", "has unknown key 'label'", 'define is 5;', 'namespace "Bad_NS" is not']) {
        expect(message).to.contain(`[cluster/Not_An_Id] ${problem}`);
      }
    });

    it('fails when the chart is given together with define', () => {
      const cluster = defaultCluster();
      const chart = new Chart(new App(), 'c');
      new kplus.ConfigMap(chart, 'x');
      new Addon(cluster, 'both', () => undefined, { chart });
      expect(validationMessage(cluster)).to.contain('[cluster/both] chart is given together with define, namespace or labels');
    });

    it('fails when the chart is not inside a cdk8s App', () => {
      const cluster = defaultCluster();
      const chart = new Chart(new Construct(undefined as unknown as Construct, 'not-an-app'), 'orphan');
      Addon.fromChart(cluster, 'orphan', chart);
      expect(validationMessage(cluster)).to.contain("[cluster/orphan] chart not-an-app/orphan is not inside a cdk8s App; expected new Chart(new App(), 'orphan')");
    });

    it('fails when a cdk8s-plus construct of the chart is invalid, with cdk8s\'s own message', () => {
      const cluster = defaultCluster();
      new Addon(cluster, 'empty-deployment', chart => { new kplus.Deployment(chart, 'web'); });
      expect(validationMessage(cluster)).to.match(/\[cluster\/empty-deployment\] chart empty-deployment does not render: .*PodSpec must have at least 1 container/);
    });

    it('fails when the chart has no objects', () => {
      const cluster = defaultCluster();
      new Addon(cluster, 'nothing', () => undefined);
      expect(validationMessage(cluster)).to.contain('[cluster/nothing] chart nothing has no Kubernetes objects; expected at least one');
    });

    it('fails when two add-ons write the same file', () => {
      const cluster = defaultCluster();
      configMapAddon(cluster, 'twice', { a: '1' });
      configMapAddon(new Construct(cluster, 'team'), 'twice', { a: '2' });
      expect(validationMessage(cluster)).to.contain('[cluster/team/twice] writes addons/twice.yaml, which cluster/twice writes too');
    });

    it('fails when it is not inside a VagrantCluster', () => {
      const addon = configMapAddon(new Construct(undefined as unknown as Construct, 'loose'), 'loose', { a: '1' });
      expect(addon.node.validate()).to.deep.equal(["is not inside a VagrantCluster; expected new Addon(cluster, 'loose', ...)"]);
    });

    it('fails the read-back check when the file does not hold the chart\'s objects', () => {
      const addon = configMapAddon(defaultCluster(), 'tampered', { a: '1' });
      const file = addon.renderFile();
      expect(addonReadBackProblems(addon, file.content.replace('a: "1"', 'a: "2"')))
        .to.deep.equal(["addons/tampered.yaml: a YAML 1.1 reader does not read back the chart's objects"]);
      expect(addonReadBackProblems(addon, 'a: [')[0]).to.match(/^addons\/tampered\.yaml: YAML error/);
    });
  });
});
