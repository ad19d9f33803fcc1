// The Flatcar cluster of examples/flatcar.ts carrying workloads of your own as add-ons.
// `npx ts-node examples/flatcar-with-addon.ts` writes dist.flatcar-addon/: besides the
// built-in add-ons (flannel, kube-proxy, CoreDNS), addons/hello.yaml and addons/greeting.yaml.
// node-01 applies them all once its API server answers; `kubectl get pods -A` shows them.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { flatcarCluster } from './flatcar';
import { Addon, VagrantCluster } from '../lib';

/** Builds the example; tests reuse it with temporary folders. */
export function flatcarWithAddonCluster(outdir = 'dist.flatcar-addon', pkiDir = `${outdir}.pki`): VagrantCluster {
  const cluster = flatcarCluster(outdir, pkiDir);

  // An add-on defined in place: its chart is created for you.
  new Addon(cluster, 'hello', chart => {
    const deployment = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'hello', namespace: 'default' },
      replicas: 2,
      containers: [{
        name: 'netexec',
        // The web server of the Kubernetes tutorials (kubernetes.io "Hello Minikube").
        image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
        args: ['netexec', '--http-port=8080'],
        portNumber: 8080,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        // cdk8s-plus requests a whole CPU per container unless told otherwise.
        resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(64) } },
        // The image runs as root; cdk8s-plus insists on a non-root user, so name one.
        securityContext: { user: 65532, group: 65532 },
      }],
    });
    deployment.exposeViaService({ name: 'hello', ports: [{ port: 80, targetPort: 8080 }] });
  });

  // An existing chart, e.g. one your cdk8s app already synthesizes elsewhere.
  const shared = new Chart(new App(), 'greeting', { namespace: 'default' });
  new kplus.ConfigMap(shared, 'greeting', { metadata: { name: 'greeting' }, data: { message: 'hello from cdk-vagrant-kubernetes' } });
  Addon.fromChart(cluster, 'greeting', shared);

  return cluster;
}

if (require.main === module) {
  const cluster = flatcarWithAddonCluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
