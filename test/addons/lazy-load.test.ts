// cdk8s and cdk8s-plus-27 are loaded only when an add-on is built (lib/addons/cdk8s-modules.ts):
// a fresh process that loads the library and synthesizes the classic example never loads them.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.join(__dirname, '..', '..');

/** Run in a fresh Node.js process from the repository root; prints one JSON line. */
const SCRIPT = `
const os = require('node:os');
const path = require('node:path');
const cdk8sModules = () => Object.keys(require.cache).filter(p => /[\\\\/]node_modules[\\\\/]cdk8s(-plus-27)?[\\\\/]/.test(p));
const lib = require('./lib');
const { defaultCluster } = require('./examples/default');
const afterLoad = cdk8sModules();
const files = Object.keys(lib.Testing.synth(defaultCluster(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-lazy-unused'))));
const afterClassic = cdk8sModules();
const { flatcarCluster } = require('./examples/flatcar');
const unused = path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-tree-only');
const flatcar = flatcarCluster(path.join(unused, 'out'), path.join(unused, 'pki'), '192.168.56');
const addons = flatcar.bind().node.findAll().filter(lib.Addon.isAddon).map(addon => addon.node.id);
const afterFlatcar = cdk8sModules();
console.log(JSON.stringify({ afterLoad, files, afterClassic, addons, afterFlatcar }));
`;

describe('lazy loading of cdk8s', () => {
  it('loads cdk8s and cdk8s-plus-27 only once a Flatcar add-on is built', () => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', SCRIPT], { cwd: ROOT, encoding: 'utf-8' });
    expect(result.status, result.stderr).to.equal(0);
    const { afterLoad, files, afterClassic, addons, afterFlatcar } = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(afterLoad).to.deep.equal([]);
    expect(files).to.include('Vagrantfile');
    expect(afterClassic).to.deep.equal([]);
    expect(addons).to.include.members(['flannel', 'kube-proxy', 'coredns']);
    const packages = (afterFlatcar as string[]).map(p => p.split(/[\\/]node_modules[\\/]/).pop()!.split(/[\\/]/)[0]);
    expect(packages).to.include.members(['cdk8s', 'cdk8s-plus-27']);
  });
});
