// The seed cluster on the newest release the classic design can serve: Kubernetes 1.12
// (1.13 removed the etcd2 storage backend). `npx ts-node examples/kubernetes-1.12.ts` writes dist.k8s-1.12/.
import { defaultCluster } from './default';

/** The seed cluster on 1.12.10; the tests compare it with the committed dist.k8s-1.12/. */
export function kubernetes112Cluster(outdir = 'dist.k8s-1.12') {
  return defaultCluster(outdir, '1.12.10');
}

if (require.main === module) {
  const cluster = kubernetes112Cluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
