// cdk8s is loaded only when an add-on is built (lib/addons/cdk8s-modules.ts): a fresh process
// that loads the library and synthesizes the classic example never loads it. The built-in
// add-ons are built and rendered on cdk8s alone: no cdk8s-plus-* module is ever loaded.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.join(__dirname, '..', '..');

/** Run in a fresh Node.js process from the repository root; prints one JSON line. */
const SCRIPT = `
const os = require('node:os');
const path = require('node:path');
const cdk8sModules = () => Object.keys(require.cache).filter(p => /[\\\\/]node_modules[\\\\/]cdk8s(-plus-\\d+)?[\\\\/]/.test(p));
const lib = require('./lib');
const { defaultCluster } = require('./examples/default');
const afterLoad = cdk8sModules();
const files = Object.keys(lib.Testing.synth(defaultCluster(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-lazy-unused'))));
const afterClassic = cdk8sModules();
const { flatcarCluster } = require('./examples/flatcar');
const unused = path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-tree-only');
const flatcar = flatcarCluster(path.join(unused, 'out'), path.join(unused, 'pki'), '192.168.56');
const builtIns = flatcar.bind().node.findAll().filter(lib.Addon.isAddon);
const addons = builtIns.map(addon => addon.node.id);
const rendered = builtIns.map(addon => addon.renderFile().content.length);
const afterFlatcar = cdk8sModules();
console.log(JSON.stringify({ afterLoad, files, afterClassic, addons, rendered, afterFlatcar }));
`;

describe('lazy loading of cdk8s', () => {
  it('loads cdk8s only once a Flatcar add-on is built, and no cdk8s-plus-* module to build and render the built-in add-ons', () => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf-8' });
    expect(result.status, result.stderr).to.equal(0);
    const { afterLoad, files, afterClassic, addons, rendered, afterFlatcar } = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(afterLoad).to.deep.equal([]);
    expect(files).to.include('Vagrantfile');
    expect(afterClassic).to.deep.equal([]);
    expect(addons).to.deep.equal(['flannel', 'kube-proxy', 'coredns', 'kubelet-certificate-rotation']);
    expect(rendered.every((length: number) => length > 0)).to.equal(true);
    // The package each module belongs to at the top of node_modules (cdk8s bundles yaml and fast-json-patch inside its own).
    const packages = [...new Set((afterFlatcar as string[]).map(p => p.split(/[\\/]node_modules[\\/]/)[1].split(/[\\/]/)[0]))];
    expect(packages).to.deep.equal(['cdk8s']);
  });
});
