// The Flatcar cluster of examples/flatcar.ts with every optional add-on: metrics-server (`kubectl top`),
// local-path-provisioner as the default StorageClass, and Traefik as the ingress controller on ports 80
// and 443 of the workers. `npx ts-node examples/flatcar-full.ts` writes dist.flatcar-full/; once the cluster
// is up, `sh dist.flatcar-full/verify.sh` also checks `kubectl top nodes`, that a claim binds and that an
// Ingress answers on every worker's address.
import { VagrantCluster } from '../lib';
import { flatcarCluster } from './flatcar';

/** Builds the example: examples/flatcar.ts's cluster, named flatcar-full, with the three add-ons on; tests reuse it with temporary folders. */
export function flatcarFullCluster(outdir = 'dist.flatcar-full', pkiDir = `${outdir}.pki`, prefix = '192.168.56'): VagrantCluster {
  return flatcarCluster(outdir, pkiDir, prefix, {
    name: 'flatcar-full',
    options: { addons: { metricsServer: true, localPathStorage: true, ingress: 'traefik' } },
  });
}

if (require.main === module) {
  const cluster = flatcarFullCluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
