// API.md is the reference of the public surface, generated from the doc comments:
// it must be current, and typedoc must find every exported class, interface, enum
// and function documented (typedoc.json makes a missing comment an error).
import * as fs from 'node:fs';
import { expect } from 'chai';
import { API_DOCS, renderApiDocs } from '../scripts/api-docs';

describe('API.md', function () {
  this.timeout(180_000);

  it('is what typedoc makes of the current doc comments (run `npx ts-node scripts/api-docs.ts` to update)', () => {
    const current = renderApiDocs();
    expect(fs.readFileSync(API_DOCS, 'utf-8') === current, 'API.md is stale: run `npx ts-node scripts/api-docs.ts`').to.equal(true);
  });

  it('documents the constructs, the errors synth throws, Testing and ClusterFile', () => {
    const text = fs.readFileSync(API_DOCS, 'utf-8');
    for (const name of ['VagrantCluster', 'MetalCluster', 'EtcdPeerTier', 'KubeNodeTier', 'Addon', 'StaticPod', 'ClusterProfile', 'ValidationError', 'PkiError', 'Testing', 'ClusterFile']) {
      expect(text, name).to.match(new RegExp(`^### ${name}$`, 'm'));
    }
  });
});
