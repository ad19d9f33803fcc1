import { KubePod, KubePodProps } from 'cdk8s-plus-27/lib/imports/k8s';
import { expect } from 'chai';
import { defaultCluster } from '../../../examples/default';
import { otherCluster, seedFiles, yaml11 } from '../../support/fixtures';
import { HyperkubePod, Testing } from '../../../lib';

describe('HyperkubePod', () => {
  const files = seedFiles();
  const master = yaml11(files['pods/master/kube-master.yaml']);
  const minion = yaml11(files['pods/minion/kube-minion.yaml']);

  it('runs apiserver, controller-manager and scheduler in the host network of the master', () => {
    expect(master.kind).to.equal('Pod');
    expect(master.metadata.name).to.equal('kube-master');
    expect(master.spec.hostNetwork).to.equal(true);
    expect(master.spec.containers.map((c: any) => c.name)).to.deep.equal(['apiserver', 'controller-manager', 'scheduler']);
    for (const container of master.spec.containers) {
      expect(container.image).to.equal('gcr.io/google_containers/hyperkube:v1.1.7');
    }
  });

  it('gives the apiserver the local etcd proxy, the service range and privileged containers', () => {
    const command: string[] = master.spec.containers[0].command;
    expect(command.slice(0, 2)).to.deep.equal(['/hyperkube', 'apiserver']);
    expect(command).to.include.members([
      '--etcd-servers=http://127.0.0.1:2379',
      '--insecure-bind-address=0.0.0.0',
      '--service-cluster-ip-range=10.12.0.0/16',
      '--allow-privileged=true',
      '--advertise-address=10.10.10.100',
    ]);
  });

  it('points controller-manager and scheduler at the local insecure port', () => {
    expect(master.spec.containers[1].command).to.deep.equal(['/hyperkube', 'controller-manager', '--master=http://127.0.0.1:8080']);
    expect(master.spec.containers[2].command).to.deep.equal(['/hyperkube', 'scheduler', '--master=http://127.0.0.1:8080']);
  });

  it('runs one privileged proxy on each minion, pointed at the master', () => {
    expect(Object.keys(minion)).to.deep.equal(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(minion.spec.containers).to.deep.equal([{
      name: 'proxy',
      image: 'gcr.io/google_containers/hyperkube:v1.1.7',
      command: ['/hyperkube', 'proxy', '--master=http://10.10.10.100:8080'],
      securityContext: { privileged: true },
    }]);
  });

  it('gives the same object as cdk8s KubePod.manifest() of the same props', () => {
    const pods = defaultCluster().bind().node.findAll().filter(HyperkubePod.isHyperkubePod);
    expect(pods.map(pod => pod.podName)).to.deep.equal(['kube-master', 'kube-minion']);
    for (const pod of pods) {
      const { apiVersion, kind, ...props } = pod.toManifest();
      expect({ apiVersion, kind }).to.deep.equal(KubePod.GVK);
      expect(pod.toManifest()).to.deep.equal(KubePod.manifest(props as KubePodProps));
    }
  });

  it('uses the service range and master of another cluster', () => {
    const other = Testing.render(otherCluster());
    expect(yaml11(other['pods/master/kube-master.yaml']).spec.containers[0].command).to.include('--service-cluster-ip-range=10.30.0.0/24');
    expect(yaml11(other['pods/minion/kube-minion.yaml']).spec.containers[0].command).to.include('--master=http://192.168.56.51:8080');
  });
});
