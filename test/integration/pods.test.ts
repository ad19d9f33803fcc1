// Every static pod manifest validates against the Kubernetes Pod schema at
// runtime (kubernetes-models), not only against cdk8s's compile-time types:
// the classic profile's two, the Flatcar example's three and the Flatcar HA
// example's twelve (four on each of its three control planes, kube-vip among them).
import { expect } from 'chai';
import { Pod } from 'kubernetes-models/v1';
import { defaultCluster } from '../../examples/default';
import { CLASSIC_RELEASES, StaticPod, Testing, VagrantCluster } from '../../lib';
import { otherCluster, yaml11 } from '../support/fixtures';
import { flatcarHaTree, flatcarTree } from '../support/flatcar';

/** The static pod manifests of a tree, as written and read back by a YAML 1.1 reader (the kubelet's). */
function podManifests(cluster: VagrantCluster): Array<[string, any]> {
  return Object.entries(Testing.render(cluster))
    .filter(([file]) => /^pods\/.+\.yaml$/.test(file))
    .map(([file, content]) => [file, yaml11(content)]);
}

/** The schema's verdict: undefined when valid, else its message. */
function podProblem(manifest: unknown): string | undefined {
  try {
    new Pod(manifest as any).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('integration: the static pods validate against the Kubernetes Pod schema', () => {
  it('validates both manifests of the seed cluster', () => {
    const manifests = podManifests(defaultCluster());
    expect(manifests.map(([file]) => file)).to.deep.equal(['pods/master/kube-master.yaml', 'pods/minion/kube-minion.yaml']);
    for (const [file, manifest] of manifests) {
      expect(podProblem(manifest), file).to.equal(undefined);
      expect([manifest.apiVersion, manifest.kind], file).to.deep.equal(['v1', 'Pod']);
    }
  });

  it('validates the manifests of another cluster and of every supported Kubernetes release', () => {
    const clusters = [otherCluster(), ...CLASSIC_RELEASES.map(release => otherCluster({ kubernetesVersion: release.knownPatch }))];
    for (const cluster of clusters) {
      const manifests = podManifests(cluster);
      expect(manifests, cluster.kubernetesVersion).to.have.length(2);
      for (const [file, manifest] of manifests) {
        expect(podProblem(manifest), `${cluster.kubernetesVersion} ${file}`).to.equal(undefined);
      }
    }
  });

  it('validates the three control-plane pods of the Flatcar example, as written', () => {
    // A static pod's file holds no key material: it renders without the PKI.
    const pods = flatcarTree().bind().node.findAll().filter((c): c is StaticPod => c instanceof StaticPod);
    const manifests = pods.map(pod => [pod.filePath, yaml11(pod.renderFile().content)] as const);
    expect(manifests.map(([file]) => file)).to.deep.equal([
      'pods/node-01/kube-apiserver.yaml', 'pods/node-01/kube-controller-manager.yaml', 'pods/node-01/kube-scheduler.yaml',
    ]);
    for (const [file, manifest] of manifests) {
      expect(podProblem(manifest), file).to.equal(undefined);
      expect([manifest.apiVersion, manifest.kind, manifest.metadata.namespace], file).to.deep.equal(['v1', 'Pod', 'kube-system']);
    }
    const hostPaths = (i: number) => manifests[i][1].spec.volumes.map((v: any) => `${v.hostPath.path} ${v.hostPath.type}`);
    expect(hostPaths(0)).to.deep.equal([
      '/etc/kubernetes/pki DirectoryOrCreate', '/etc/kubernetes/audit-policy.yaml File', '/etc/kubernetes/authentication-config.yaml File',
      '/etc/kubernetes/encryption-config.yaml File', '/var/log/kubernetes/audit DirectoryOrCreate',
    ]);
    // Read-only, but for the audit log's folder, which the API server writes.
    expect(manifests[0][1].spec.containers[0].volumeMounts.map((m: any) => `${m.mountPath} ${m.readOnly === true ? 'ro' : 'rw'}`)).to.deep.equal([
      '/etc/kubernetes/pki ro', '/etc/kubernetes/audit-policy.yaml ro', '/etc/kubernetes/authentication-config.yaml ro',
      '/etc/kubernetes/encryption-config.yaml ro', '/var/log/kubernetes/audit rw',
    ]);
    expect(hostPaths(1)).to.deep.equal(['/etc/kubernetes/pki DirectoryOrCreate', '/etc/kubernetes/controller-manager.conf File']);
    expect(hostPaths(2)).to.deep.equal(['/etc/kubernetes/scheduler.conf File']);
  });

  it('fails when a Flatcar pod\'s hostPath volume has a type Kubernetes does not know', () => {
    const [apiServer] = flatcarTree().bind().node.findAll().filter((c): c is StaticPod => c instanceof StaticPod);
    const manifest = yaml11(apiServer.renderFile().content);
    manifest.spec.volumes[0].hostPath.type = 'Folder';
    expect(podProblem(manifest)).to.contain('hostPath/type must be equal to one of the allowed values');
  });

  it('validates the 12 static pods of the Flatcar HA example, as written: the control-plane pods and kube-vip on each of cp-01..03', () => {
    const pods = flatcarHaTree().bind().node.findAll().filter((c): c is StaticPod => c instanceof StaticPod);
    const manifests = pods.map(pod => [pod.filePath, yaml11(pod.renderFile().content)] as const);
    expect(manifests.map(([file]) => file)).to.deep.equal(['cp-01', 'cp-02', 'cp-03'].flatMap(cp =>
      ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-vip'].map(name => `pods/${cp}/${name}.yaml`)));
    for (const [file, manifest] of manifests) {
      expect(podProblem(manifest), file).to.equal(undefined);
      expect([manifest.apiVersion, manifest.kind, manifest.metadata.namespace, manifest.spec.hostNetwork], file).to.deep.equal(['v1', 'Pod', 'kube-system', true]);
    }
    const kubeVip = manifests[3][1];
    expect(kubeVip.spec.hostAliases).to.deep.equal([{ ip: '127.0.0.1', hostnames: ['kubernetes'] }]);
    expect(kubeVip.spec.volumes.map((v: any) => `${v.hostPath.path} ${v.hostPath.type}`)).to.deep.equal(['/etc/kubernetes/kube-vip.conf File']);
    expect(kubeVip.spec.containers[0].env.find((e: any) => e.name === 'vip_nodename').valueFrom).to.deep.equal({ fieldRef: { fieldPath: 'spec.nodeName' } });
  });

  describe('fails when the HA example\'s kube-vip pod is broken', () => {
    const [, , , kubeVip] = flatcarHaTree().bind().node.findAll().filter((c): c is StaticPod => c instanceof StaticPod);
    const broken = (change: (pod: any) => void) => {
      const manifest = yaml11(kubeVip.renderFile().content);
      change(manifest);
      return podProblem(manifest);
    };

    it('fails when an env value is the boolean a bare true would read as, not a string', () => {
      expect(broken(pod => { pod.spec.containers[0].env.find((e: any) => e.name === 'vip_arp').value = true; })).to.contain('value must be string');
    });

    it('fails when a host alias\'s hostnames is a string, not a list', () => {
      expect(broken(pod => { pod.spec.hostAliases[0].hostnames = 'kubernetes'; })).to.contain('hostnames must be array');
    });

    it('fails when a capability list is a string', () => {
      expect(broken(pod => { pod.spec.containers[0].securityContext.capabilities.add = 'NET_ADMIN'; })).to.contain('add must be array');
    });
  });

  describe('fails when a manifest is broken', () => {
    const [[, master]] = podManifests(defaultCluster());
    const broken = (change: (pod: any) => void) => {
      const copy = structuredClone(master);
      change(copy);
      return podProblem(copy);
    };

    it('fails when containers is not a list', () => {
      expect(broken(pod => { pod.spec.containers = 'x'; })).to.contain('spec/containers must be array');
    });

    it('fails when a field has the wrong type (hostNetwork: "yes")', () => {
      expect(broken(pod => { pod.spec.hostNetwork = 'yes'; })).to.contain('spec/hostNetwork must be boolean');
    });

    it('fails when a container has no name', () => {
      expect(broken(pod => { delete pod.spec.containers[1].name; })).to.contain('must have required property name');
    });

    it('fails when command is a string instead of a list', () => {
      expect(broken(pod => { pod.spec.containers[0].command = pod.spec.containers[0].command.join(' '); })).to.contain('command must be array');
    });
  });
});
