// yamllint --strict, with the rules of the other synthesized YAML, accepts every add-on
// file: the YAML 1.1 traps (a bare yes/on, a bare 0755) never reach kubectl.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import * as kplus from 'cdk8s-plus-27';
import { addonsOf } from './support';
import { flatcarWithAddonCluster } from '../../examples/flatcar-with-addon';
import { Addon } from '../../lib';
import { makeTempDir, output, removeTempDir, requireTools, run } from '../integration/support/tools';

const YAMLLINT_CONFIG = path.join(__dirname, '..', 'integration', 'yaml', 'yamllint.yaml');

describe('yamllint accepts the add-on files', function () {
  let work: string | undefined;

  before(function () {
    requireTools(this, 'yamllint');
    work = makeTempDir('addons-yamllint');
  });

  after(() => removeTempDir(work));

  function lint(name: string, content: string) {
    const file = path.join(work!, name);
    fs.writeFileSync(file, content);
    return run('yamllint', ['--strict', '--format', 'parsable', '-c', YAMLLINT_CONFIG, file]);
  }

  it('passes the built-in add-ons, the example\'s own, and one full of YAML 1.1 traps', async () => {
    const cluster = flatcarWithAddonCluster('/nonexistent/out', '/nonexistent/pki');
    new Addon(cluster, 'traps', chart => {
      new kplus.ConfigMap(chart, 'traps', { metadata: { name: 'traps' }, data: { enabled: 'yes', switch: 'on', mode: '0755', n: 'no' } });
    });
    const addons = addonsOf(cluster);
    expect(Object.keys(addons)).to.deep.equal(['flannel', 'kube-proxy', 'coredns', 'kubelet-certificate-rotation', 'hello', 'greeting', 'traps']);
    for (const [id, addon] of Object.entries(addons)) {
      const result = await lint(`${id}.yaml`, addon.renderFile().content);
      expect(result.code, `${id}\n${output(result)}`).to.equal(0);
    }
  });

  it('fails when a value is a bare yes (the check the test above relies on)', async () => {
    const result = await lint('bare-yes.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  enabled: yes\n');
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.contain('truthy');
  });
});
