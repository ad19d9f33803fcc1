// Testing.render and Testing.synth take the root of a tree: anything else is a ValidationError
// that says so, never a TypeError from inside the library.
import { expect } from 'chai';
import { defaultCluster } from '../../examples/default';
import { Testing, ValidationError } from '../../lib';

describe('Testing', () => {
  it('fails when the root is not a cluster: a tier, a plain object, null', () => {
    const tier = defaultCluster('/tmp/cdk-vagrant-kubernetes-unused').node.findChild('node');
    for (const [root, message] of [
      [tier, '[cluster/node] this construct is not a cluster; expected the root of the tree, a VagrantCluster or a MetalCluster'],
      [{}, '{} is not a cluster;'],
      [null, 'null is not a cluster;'],
    ] as const) {
      for (const call of [Testing.render, Testing.synth]) {
        expect(() => call(root as never), `${call.name} ${String(root)}`).to.throw(ValidationError, message);
      }
    }
  });
});
