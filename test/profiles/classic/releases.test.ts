import { expect } from 'chai';
import { Testing, ValidationError } from '../../../lib';
import { CLASSIC_RELEASES } from '../../../lib/profiles/classic/releases';
import { otherCluster, yaml11 } from '../../support/fixtures';
import { parseUnit } from '../../support/unit-syntax';

const ADMISSION = 'NamespaceLifecycle,LimitRanger,ResourceQuota';
const TAINT = '--register-with-taints=node-role.kubernetes.io/master=:NoSchedule';

/** What each minor must render, written out by hand from the changelogs (not derived from the table). */
const EXPECTED: Record<string, { manifest: string; kubeconfig: boolean; image: string; prefixed: boolean; storage: string[]; admission: string[]; master: string[] }> = {
  '1.1.7': { manifest: '--config', kubeconfig: false, image: 'hyperkube:v1.1.7', prefixed: false, storage: [], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=false'] },
  '1.2.7': { manifest: '--config', kubeconfig: false, image: 'hyperkube-amd64:v1.2.7', prefixed: false, storage: [], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=false'] },
  '1.3.10': { manifest: '--config', kubeconfig: false, image: 'hyperkube-amd64:v1.3.10', prefixed: false, storage: ['--storage-backend=etcd2'], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=false'] },
  '1.4.12': { manifest: '--pod-manifest-path', kubeconfig: false, image: 'hyperkube-amd64:v1.4.12', prefixed: false, storage: ['--storage-backend=etcd2'], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=false'] },
  '1.5.8': { manifest: '--pod-manifest-path', kubeconfig: false, image: 'hyperkube-amd64:v1.5.8', prefixed: false, storage: ['--storage-backend=etcd2'], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=true', '--register-schedulable=false'] },
  '1.6.13': { manifest: '--pod-manifest-path', kubeconfig: false, image: 'hyperkube-amd64:v1.6.13', prefixed: true, storage: ['--storage-backend=etcd2', '--storage-media-type=application/json'], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=true', TAINT] },
  '1.7.16': { manifest: '--pod-manifest-path', kubeconfig: false, image: 'hyperkube-amd64:v1.7.16', prefixed: true, storage: ['--storage-backend=etcd2', '--storage-media-type=application/json'], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=true', TAINT] },
  '1.8.15': { manifest: '--pod-manifest-path', kubeconfig: true, image: 'hyperkube-amd64:v1.8.15', prefixed: true, storage: ['--storage-backend=etcd2', '--storage-media-type=application/json'], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=true', TAINT] },
  '1.9.11': { manifest: '--pod-manifest-path', kubeconfig: true, image: 'hyperkube-amd64:v1.9.11', prefixed: true, storage: ['--storage-backend=etcd2', '--storage-media-type=application/json'], admission: [`--admission-control=${ADMISSION}`], master: ['--register-node=true', TAINT] },
  '1.10.13': { manifest: '--pod-manifest-path', kubeconfig: true, image: 'hyperkube-amd64:v1.10.13', prefixed: true, storage: ['--storage-backend=etcd2', '--storage-media-type=application/json'], admission: [`--enable-admission-plugins=${ADMISSION}`, '--disable-admission-plugins=ServiceAccount'], master: ['--register-node=true', TAINT] },
  '1.11.10': { manifest: '--pod-manifest-path', kubeconfig: true, image: 'hyperkube-amd64:v1.11.10', prefixed: true, storage: ['--storage-backend=etcd2', '--storage-media-type=application/json'], admission: [`--enable-admission-plugins=${ADMISSION}`, '--disable-admission-plugins=ServiceAccount'], master: ['--register-node=true', TAINT] },
  '1.12.10': { manifest: '--pod-manifest-path', kubeconfig: true, image: 'hyperkube-amd64:v1.12.10', prefixed: true, storage: ['--storage-backend=etcd2', '--storage-media-type=application/json'], admission: [`--enable-admission-plugins=${ADMISSION}`, '--disable-admission-plugins=ServiceAccount'], master: ['--register-node=true', TAINT] },
};

function execStart(unit: string): string[] {
  const service = parseUnit(unit).sections.find(s => s.name === 'Service')!;
  return service.directives.find(([k]) => k === 'ExecStart')![1].split(' ');
}

describe('classic Kubernetes releases', () => {
  it('covers every supported minor, 1.1 to 1.12', () => {
    expect(CLASSIC_RELEASES.map(r => r.knownPatch)).to.deep.equal(Object.keys(EXPECTED));
  });

  for (const [version, want] of Object.entries(EXPECTED)) {
    describe(version, () => {
      const files = Testing.render(otherCluster({ kubernetesVersion: version }));
      const masterPod = yaml11(files['pods/master/kube-master.yaml']);
      const minionPod = yaml11(files['pods/minion/kube-minion.yaml']);
      const masterKubelet = execStart(files['kube/kubelet-master.service']);
      const minionKubelet = execStart(files['kube/kubelet-minion.service']);

      it('gives the kubelets the manifest folder flag, API server and registration of the release', () => {
        for (const kubelet of [masterKubelet, minionKubelet]) {
          expect(kubelet).to.include(`${want.manifest}=/etc/kubernetes/manifests`);
          expect(kubelet).to.include('--allow-privileged=true');
          if (want.kubeconfig) {
            expect(kubelet).to.include('--kubeconfig=/etc/kubernetes/kubelet.kubeconfig');
            expect(kubelet.some(flag => flag.startsWith('--api-servers'))).to.equal(false);
          } else {
            expect(kubelet).to.include('--api-servers=http://192.168.56.51:8080');
          }
        }
        expect(masterKubelet.filter(flag => flag.startsWith('--register'))).to.deep.equal(want.master);
        expect(minionKubelet).to.include.members(['--register-node=true', '--hostname-override=${COREOS_PUBLIC_IPV4}']);
      });

      it('writes the kubelet kubeconfig on every node exactly when the release needs it', () => {
        for (const node of ['worker-01', 'worker-06']) {
          const kubeconfig = yaml11(files[`user-data/${node}.yaml`]).write_files.find((f: any) => f.path === '/etc/kubernetes/kubelet.kubeconfig');
          if (want.kubeconfig) {
            expect(JSON.parse(kubeconfig.content).clusters[0].cluster.server).to.equal('http://192.168.56.51:8080');
          } else {
            expect(kubeconfig).to.equal(undefined);
          }
        }
      });

      it('runs the hyperkube image and subcommands of the release', () => {
        const name = (component: string) => (want.prefixed ? `kube-${component}` : component);
        expect(masterPod.spec.containers.map((c: any) => c.command.slice(0, 2))).to.deep.equal([
          ['/hyperkube', name('apiserver')], ['/hyperkube', name('controller-manager')], ['/hyperkube', name('scheduler')],
        ]);
        expect(minionPod.spec.containers[0].command.slice(0, 2)).to.deep.equal(['/hyperkube', name('proxy')]);
        for (const container of [...masterPod.spec.containers, ...minionPod.spec.containers]) {
          expect(container.image).to.equal(`gcr.io/google_containers/${want.image}`);
        }
      });

      it('keeps the apiserver on etcd2 with the admission flags of the release', () => {
        const flags: string[] = masterPod.spec.containers[0].command.slice(2);
        expect(flags.filter(f => f.startsWith('--storage'))).to.deep.equal(want.storage);
        expect(flags.filter(f => /admission/.test(f))).to.deep.equal(want.admission);
        expect(flags).to.include.members(['--etcd-servers=http://127.0.0.1:2379', '--insecure-port=8080', '--service-cluster-ip-range=10.30.0.0/24']);
        expect(masterPod.spec.containers[1].command).to.include('--master=http://127.0.0.1:8080');
        expect(minionPod.spec.containers[0].command).to.include('--master=http://192.168.56.51:8080');
      });
    });
  }

  it('moves every image to imageRepository, and takes per-component overrides', () => {
    const files = Testing.render(otherCluster({ kubernetesVersion: '1.12.10', imageRepository: 'registry.example.com/mirror', proxyImage: 'registry.example.com/proxy:v1.12.10-patched' }));
    const images = (file: string) => yaml11(files[file]).spec.containers.map((c: any) => c.image);
    expect(images('pods/master/kube-master.yaml')).to.deep.equal(Array(3).fill('registry.example.com/mirror/hyperkube-amd64:v1.12.10'));
    expect(images('pods/minion/kube-minion.yaml')).to.deep.equal(['registry.example.com/proxy:v1.12.10-patched']);
  });

  for (const [version, words] of [
    ['1.13.0', ['1.13.0 is not supported', 'etcd2 storage backend removed in 1.13', 'expected 1.1.0 to 1.12.x']],
    ['1.18.20', ['etcd2 storage backend removed']],
    ['1.0.7', ['1.0.7 is not supported by the classic profile']],
    ['1.x', ["'1.x' is not a release number"]],
    ['v1.2.3.4', ["'v1.2.3.4' is not a release number"]],
    ['latest', ["'latest' is not a release number"]],
    ['1.1', ["'1.1' is not a release number", 'MAJOR.MINOR.PATCH']],
  ] as const) {
    it(`fails when kubernetesVersion is ${version}`, () => {
      expect(() => Testing.render(otherCluster({ kubernetesVersion: version }))).to.throw(ValidationError)
        .that.satisfies((e: ValidationError) => e.problems.length === 1 && e.problems[0].constructPath === 'cluster'
          && words.every(w => e.problems[0].message.includes(w)));
    });
  }
});
