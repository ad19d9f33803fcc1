import { expect } from 'chai';
import { parse } from 'yaml';
import { CloudConfig, Testing } from '../../lib';
import { schemaProblems } from '../../lib/synth/json-schema';
import schema from '../../lib/formats/cloud-config.schema.json';
import { seedFiles, yaml11 } from '../support/fixtures';
import { defaultCluster } from '../../examples/default';

describe('CloudConfig', () => {
  const files = seedFiles();
  const userData = Object.entries(files).filter(([p]) => p.startsWith('user-data/'));

  it('starts every user-data with #cloud-config and passes the schema', () => {
    expect(userData).to.have.length(7);
    for (const [file, content] of userData) {
      expect(content.split('\n')[0], file).to.equal('#cloud-config');
      expect(schemaProblems(schema, yaml11(content)), file).to.deep.equal([]);
    }
  });

  it('quotes what YAML 1.1 would misread: proxy "on" and permissions "0755" read back as strings', () => {
    const node = yaml11(files['user-data/node-01.yaml']);
    expect(node.coreos.etcd2.proxy).to.equal('on');
    expect(node.write_files[0].permissions).to.equal('0755');
    expect(files['user-data/node-01.yaml']).to.contain('proxy: "on"').and.to.contain('permissions: "0755"');
  });

  it('fails when an unquoted on or 0755 reaches a YAML 1.1 reader', () => {
    expect(parse('proxy: on\npermissions: 0755\n', { version: '1.1' })).to.deep.equal({ proxy: true, permissions: 493 });
    expect(schemaProblems(schema, { coreos: { etcd2: { proxy: true } } })).to.deep.equal(['/coreos/etcd2/proxy is true; expected one of "on", "off", "readonly"']);
  });

  it('fails when the schema meets an unknown key, a bad unit command or bad permissions', () => {
    expect(schemaProblems(schema, { coreos: { etcd: {} } })).to.deep.equal(["/coreos has unknown key 'etcd'; expected one of etcd2, flannel, fleet, locksmith, oem, units, update"]);
    expect(schemaProblems(schema, { hostnme: 'x' })[0]).to.match(/^has unknown key 'hostnme'; expected one of .*hostname/);
    expect(schemaProblems(schema, { coreos: { units: [{ name: 'a.service', command: 'begin' }] } })[0]).to.match(/^\/coreos\/units\/0\/command is "begin"; expected one of "start"/);
    expect(schemaProblems(schema, { write_files: [{ path: '/x', permissions: '0999' }] })[0]).to.match(/^\/write_files\/0\/permissions is "0999"/);
    expect(schemaProblems(schema, { coreos: { etcd2: { advertise_client_urls: 'x', 'listen-client-urls': 'y' } } })[0]).to.contain("unknown key 'listen-client-urls'");
  });

  it('leaves undefined values out of the file and of its config, as YAML does', () => {
    const cluster = defaultCluster();
    const config = new CloudConfig(cluster, 'custom', { filePath: 'user-data/custom.yaml', config: { hostname: 'h', ssh_authorized_keys: undefined, coreos: { update: { reboot_strategy: 'off', group: undefined } } } as any });
    expect(Testing.synth(cluster)['user-data/custom.yaml']).to.equal('#cloud-config\ncoreos:\n  update:\n    reboot_strategy: "off"\nhostname: h\n');
    expect(config.config).to.deep.equal({ hostname: 'h', coreos: { update: { reboot_strategy: 'off' } } });
    expect(Object.keys(config.config)).to.deep.equal(['hostname', 'coreos']);
  });

  it('fails at synth when a cloud-config breaks the schema', () => {
    const cluster = defaultCluster();
    new CloudConfig(cluster, 'custom', { filePath: 'user-data/custom.yaml', config: { coreos: { units: [{ name: 'x.service', command: 'launch' as any }] } } });
    expect(() => Testing.render(cluster)).to.throw(/\[cluster\/custom\] user-data\/custom\.yaml: \/coreos\/units\/0\/command is "launch"/);
  });

  it('keeps strings with YAML, shell and Ruby metacharacters exact', () => {
    const tricky = ['#{`id`}', '$(reboot)', '100%', "it's \"quoted\"", 'a: b', '- x', 'yes', 'null', '~', '0x1F', '1e3', '\ttab'];
    const cluster = defaultCluster();
    new CloudConfig(cluster, 'c', { filePath: 'user-data/c.yaml', config: { write_files: tricky.map((content, i) => ({ path: `/t/${i}`, content })) } });
    const back = yaml11(Testing.render(cluster)['user-data/c.yaml']);
    expect(back.write_files.map((f: any) => f.content)).to.deep.equal(tricky);
  });
});
