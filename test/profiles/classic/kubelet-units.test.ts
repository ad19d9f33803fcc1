import { expect } from 'chai';
import { parseUnit } from '../../support/unit-syntax';
import { otherCluster, seedFiles } from '../../support/fixtures';
import { Testing } from '../../../lib';

function directives(text: string, section: string): Array<[string, string]> {
  const parsed = parseUnit(text);
  expect(parsed.problems).to.deep.equal([]);
  return parsed.sections.filter(s => s.name === section).flatMap(s => s.directives);
}

function execStart(text: string): string[] {
  return directives(text, 'Service').find(([k]) => k === 'ExecStart')![1].split(/\s+/);
}

describe('kubelet fleet units', () => {
  const files = seedFiles();
  const master = files['kube/kubelet-master.service'];
  const minion = files['kube/kubelet-minion.service'];

  it('runs the master kubelet with the 1.1 flags and no node registration', () => {
    expect(execStart(master)).to.deep.equal([
      '/usr/bin/kubelet',
      '--address=${COREOS_PUBLIC_IPV4}',
      '--api-servers=http://10.10.10.100:8080',
      '--allow-privileged=true',
      '--config=/etc/kubernetes/manifests',
      '--register-node=false',
    ]);
  });

  it('runs the minion kubelet registered under its address, after the API server answers', () => {
    expect(execStart(minion)).to.include.members([
      '--hostname-override=${COREOS_PUBLIC_IPV4}', '--register-node=true', '--api-servers=http://10.10.10.100:8080',
    ]);
    expect(directives(minion, 'Service')).to.deep.include(['ExecStartPre', '/opt/bin/wait-for-port 10.10.10.100 8080']);
  });

  it('gives both units the environment file, the docker dependency and restarts', () => {
    for (const unit of [master, minion]) {
      expect(directives(unit, 'Service')).to.deep.include.members([['EnvironmentFile', '-/etc/environment'], ['Restart', 'on-failure']]);
      expect(directives(unit, 'Unit')).to.deep.include.members([['Requires', 'docker.service'], ['After', 'docker.service']]);
    }
  });

  it('places the master unit by metadata and the minion unit globally', () => {
    expect(directives(master, 'X-Fleet')).to.deep.equal([['MachineMetadata', 'kube=master']]);
    expect(directives(minion, 'X-Fleet')).to.deep.equal([['MachineMetadata', 'kube=minion'], ['Global', 'true']]);
  });

  it('points the kubelets at the master of another cluster', () => {
    const other = Testing.render(otherCluster());
    expect(execStart(other['kube/kubelet-minion.service'])).to.include('--api-servers=http://192.168.56.51:8080');
  });
});
