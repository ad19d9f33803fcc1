// Each profile's code loads on first use (ClusterProfile): a classic cluster, synthesized in a
// fresh process from the library's index, loads neither the Flatcar profile nor the PKI; a
// Flatcar cluster loads none of the classic profile's code but the constructs the index exports.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.join(__dirname, '..', '..');

/** The library's own modules a fresh process loads to build and render a cluster of `example`. */
function libModulesFor(example: string, build: string, args: string): string[] {
  const script = `
const path = require('node:path');
const lib = require('./lib');
const { ${build} } = require('./examples/${example}');
const unused = path.join(require('node:os').tmpdir(), 'cdk-vagrant-kubernetes-lazy-profiles');
lib.Testing.render(${build}(${args}));
console.log(JSON.stringify(Object.keys(require.cache).filter(p => p.startsWith(path.join(process.cwd(), 'lib') + path.sep))
  .map(p => path.relative(process.cwd(), p).split(path.sep).join('/'))));
`;
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register', '-e', script], { cwd: ROOT, encoding: 'utf-8' });
  expect(result.status, result.stderr).to.equal(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

describe('lazy loading of the profiles', function () {
  this.timeout(120_000);

  it('renders the classic example without loading the Flatcar profile or the PKI (but the error the index exports)', () => {
    const loaded = libModulesFor('default', 'defaultCluster', "path.join(unused, 'out')");
    expect(loaded).to.include.members(['lib/index.ts', 'lib/profiles/classic/profile.ts', 'lib/vagrant/vagrant-cluster.ts']);
    expect(loaded.filter(file => /^lib\/(profiles\/flatcar|pki)\//.test(file) && file !== 'lib/pki/pki-error.ts')).to.deep.equal([]);
  });

  it('renders the Flatcar example without loading the classic profile (only the constructs the index exports)', () => {
    const loaded = libModulesFor('flatcar', 'flatcarCluster', "path.join(unused, 'out'), path.join(unused, 'pki')");
    expect(loaded).to.include.members(['lib/profiles/flatcar/profile.ts', 'lib/pki/pki.ts']);
    const exported = /^lib\/profiles\/classic\/(hyperkube-pod|fleet-unit|x-fleet)(-props\.schema\.json|\.ts)$/;
    expect(loaded.filter(file => file.startsWith('lib/profiles/classic/') && !exported.test(file))).to.deep.equal([]);
  });
});
