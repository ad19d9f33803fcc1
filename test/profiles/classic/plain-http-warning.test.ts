// The classic profile reproduces the seed's design, which has no security at all: every synth
// says so, in manifest.json and on stderr, with the cluster's own master, peers and network.
import { expect } from 'chai';
import { defaultCluster } from '../../../examples/default';
import { flatcarCluster } from '../../../examples/flatcar';
import { renderTree } from '../../../lib/synth/synthesizer';
import { otherCluster } from '../../support/fixtures';
import { UNUSED_FOLDER } from '../../support/flatcar';

describe('classic profile: the plain HTTP warning', () => {
  const warningsOf = (cluster: Parameters<typeof renderTree>[0]) => renderTree(cluster).manifest.warnings;

  it('warns that the API server and etcd2 serve plain HTTP without authentication, naming the master, the peers and the host network', () => {
    expect(warningsOf(defaultCluster()).filter(w => w.startsWith('[cluster/plain-http] '))).to.deep.equal([
      '[cluster/plain-http] the API server serves plain HTTP without authentication or authorization on port 8080 of every interface of node-01 '
        + '(--insecure-bind-address=0.0.0.0), and etcd2 serves plain HTTP without authentication on 10.10.10.11, 10.10.10.12, 10.10.10.13 '
        + '(ports 2379 and 2380): anyone who reaches 10.10.10.0/24 controls the cluster and reads its data; keep the host network private, '
        + 'or use ClusterProfile.FLATCAR (TLS and client certificates everywhere)',
    ]);
    const other = warningsOf(otherCluster()).find(w => w.startsWith('[cluster/plain-http] '))!;
    expect(other).to.contain(' of every interface of worker-01 ').and.contain(' on 192.168.56.21, 192.168.56.22, 192.168.56.23, 192.168.56.24, 192.168.56.25 ')
      .and.contain(' reaches 192.168.56.0/24 ');
  });

  it('says nothing of the kind for a Flatcar cluster', () => {
    const flatcar = flatcarCluster(`${UNUSED_FOLDER}/out`, `${UNUSED_FOLDER}/pki`);
    expect(flatcar.bind().node.findAll().map(c => c.node.path)).to.not.include('cluster/plain-http');
  });
});
