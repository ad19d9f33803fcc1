import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { defaultCluster } from '../../examples/default';
import { Testing, ValidationError } from '../../lib';
import { ClusterFile } from '../../lib/cluster-file/cluster-file';
import committedSchema from '../../lib/cluster-file/cluster-file.schema.json';
import { clusterFileSchema } from '../../scripts/cluster-file-schema';
import { problemsOf } from '../support/fixtures';
import { tempDir } from '../support/snapshot';

const REPO = path.join(__dirname, '..', '..');

describe('ClusterFile', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  /** Writes `text` as cluster.yaml (plus other files) into the scratch folder and returns its path. */
  function write(text: string, others: Record<string, string> = {}): string {
    for (const [name, content] of Object.entries(others)) { fs.writeFileSync(path.join(dir, name), content); }
    fs.writeFileSync(path.join(dir, 'cluster.yaml'), text);
    return path.join(dir, 'cluster.yaml');
  }

  it('examples/cluster.yaml synthesizes exactly the files of examples/default.ts, manifest.json included', () => {
    const fromFile = ClusterFile.read(path.join(REPO, 'examples', 'cluster.yaml'));
    expect(path.resolve(fromFile.outdir)).to.equal(path.join(REPO, 'dist.out'));
    expect(Testing.render(fromFile)).to.deep.equal(Testing.render(defaultCluster()));
    // Written, manifest.json included (its construct paths and warnings), the bytes of the committed golden.
    const copy = path.join(dir, 'examples');
    fs.mkdirSync(copy);
    fs.copyFileSync(path.join(REPO, 'examples', 'cluster.yaml'), path.join(copy, 'cluster.yaml'));
    ClusterFile.read(path.join(copy, 'cluster.yaml')).synth();
    expect(Testing.readFolder(path.join(dir, 'dist.out'))).to.deep.equal(Testing.readFolder(path.join(REPO, 'dist.out')));
  });

  it('builds node pools with roles, labels and taints, a profile with options, and add-ons from manifest files', () => {
    const file = write([
      'profile: { name: flatcar, options: { pkiDir: pki } }',
      'controlPlaneEndpoint: 192.168.56.20',
      'etcd: { count: 3, firstIp: 11 }',
      'nodes:',
      '  - { id: cp, role: control-plane, count: 3, firstIp: 21 }',
      '  - id: big',
      '    role: worker',
      '    count: 1',
      '    firstIp: 31',
      '    labels: { disktype: ssd }',
      '    taints: [{ key: dedicated, value: db, effect: NoSchedule }]',
      'addons:',
      '  - { id: hello, manifests: [hello.yaml] }',
    ].join('\n'), {
      'hello.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: hello }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: greeting, namespace: hello }\ndata: { text: "on" }\n',
    });
    const cluster = ClusterFile.read(file);
    expect(cluster.profile.name).to.equal('flatcar');
    expect(path.resolve(cluster.outdir)).to.equal(path.join(dir, 'dist.out'));
    expect(cluster.machines.map(m => m.hostname)).to.deep.equal(['etcd-01', 'etcd-02', 'etcd-03', 'cp-01', 'cp-02', 'cp-03', 'big-01']);
    const files = Testing.render(cluster);
    expect(files['addons/hello.yaml']).to.equal('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hello\n---\n'
      + 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeting\n  namespace: hello\ndata:\n  text: "on"\n');
    expect(files['cloud-config/big-01.yaml']).to.contain('--node-labels=disktype=ssd');
    expect(files['cloud-config/big-01.yaml']).to.contain('dedicated');
    // The PKI folder is relative to the file, as the outdir is.
    ClusterFile.read(file).synth();
    expect(fs.readdirSync(path.join(dir, 'pki'))).to.include('.gitignore');
    expect(fs.readdirSync(path.join(dir, 'dist.out'))).to.include('Vagrantfile');
  });

  it('keeps an absolute outdir, pkiDir and manifest path as it is', () => {
    const elsewhere = tempDir();
    try {
      fs.writeFileSync(path.join(elsewhere, 'hello.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: { name: hello }\n');
      const file = write([
        `outdir: ${JSON.stringify(path.join(elsewhere, 'out'))}`,
        `profile: { name: flatcar, options: { pkiDir: ${JSON.stringify(path.join(elsewhere, 'keys'))} } }`,
        'etcd: { count: 1, firstIp: 11 }',
        'nodes: [{ id: node, count: 2, firstIp: 21 }]',
        `addons: [{ id: hello, manifests: [${JSON.stringify(path.join(elsewhere, 'hello.yaml'))}] }]`,
      ].join('\n'));
      const cluster = ClusterFile.read(file);
      expect(cluster.outdir).to.equal(path.join(elsewhere, 'out'));
      expect(Testing.render(cluster)['addons/hello.yaml']).to.equal('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hello\n');
      cluster.synth();
      expect(fs.readdirSync(elsewhere).sort()).to.deep.equal(['hello.yaml', 'keys', 'out']);
      expect(fs.readdirSync(path.join(elsewhere, 'keys'))).to.include('kubernetes-ca.key');
      expect(fs.readdirSync(dir), 'nothing written beside the cluster file').to.deep.equal(['cluster.yaml']);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('reads a timestamp-like scalar as a string, as kubectl does, in manifests and in the file', () => {
    const file = write([
      'profile: flatcar',
      'etcd: { count: 1, firstIp: 11 }',
      'nodes: [{ id: node, count: 2, firstIp: 21 }]',
      'addons: [{ id: dated, manifests: [dated.yaml] }]',
    ].join('\n'), {
      'dated.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: dated, namespace: default, annotations: { at: 2024-01-01 } }\n'
        + 'data: { when: 2001-12-14t21:59:43.10-05:00, day: 2024-01-01 }\n',
    });
    expect(Testing.render(ClusterFile.read(file))['addons/dated.yaml']).to.equal('apiVersion: v1\nkind: ConfigMap\nmetadata:\n'
      + '  annotations:\n    at: "2024-01-01"\n  name: dated\n  namespace: default\ndata:\n  day: "2024-01-01"\n  when: "2001-12-14t21:59:43.10-05:00"\n');
    const dated = write('kubernetesVersion: 2024-01-01\netcd: { count: 1 }\nnodes: [{ id: node, count: 2 }]\n');
    expect(problemsOf(() => Testing.render(ClusterFile.read(dated))).join('\n')).to.contain("kubernetesVersion '2024-01-01' is n");
  });

  it('fails when the file is not YAML, naming the file', () => {
    const file = write('etcd: [\n');
    const problems = problemsOf(() => ClusterFile.read(file));
    expect(problems[0]).to.match(/^is not valid YAML: /);
    try { ClusterFile.read(file); } catch (error) { expect((error as ValidationError).constructPath).to.equal(file); }
  });

  it('fails when an alias would expand past the YAML reader\'s limit (a billion laughs), in the file or a manifest', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((name, i) => {
      const previous = 'abcdefg'[i];
      return `${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`;
    })].join('\n');
    const file = write(laughs);
    expect(problemsOf(() => ClusterFile.read(file))).to.deep.equal(['is not YAML a cluster file can hold: Excessive alias count indicates a resource exhaustion attack']);
    const withManifest = write('etcd: { count: 1 }\nnodes: [{ id: node, count: 2 }]\naddons: [{ id: laughs, manifests: [laughs.yaml] }]\n', { 'laughs.yaml': laughs });
    expect(problemsOf(() => ClusterFile.read(withManifest))).to.deep.equal([
      `add-on laughs: laughs.yaml is not YAML the add-on can hold: Excessive alias count indicates a resource exhaustion attack`,
    ]);
  });

  it('fails when fromData is given no source, or one without a name or folder', () => {
    for (const source of [undefined, null, { name: 'x' }]) {
      expect(() => ClusterFile.fromData({}, source as never), String(source)).to.throw(ValidationError, "ClusterFile.fromData's source is");
    }
  });

  it('fails when the file does not exist', () => {
    expect(problemsOf(() => ClusterFile.read(path.join(dir, 'missing.yaml')))).to.deep.equal(['cannot be read (ENOENT); expected a cluster file such as cluster.yaml']);
  });

  it('fails when keys are unknown or values have the wrong type, with every place at once', () => {
    const file = write([
      'kubernetesVersion: 1.10',
      'prefx: 10.10.10',
      'etcd: { count: 0 }',
      'nodes:',
      '  - { id: node, count: three }',
      '  - { count: 2 }',
      'profile: fedora',
    ].join('\n'));
    const problems = problemsOf(() => ClusterFile.read(file));
    expect(problems.join('\n')).to.contain("has unknown key 'prefx'")
      .and.to.contain('kubernetesVersion is 1.1;')
      .and.to.contain('etcd.count is 0;')
      .and.to.contain('nodes[0].count is "three";')
      .and.to.contain("nodes[1] is missing 'id'").and.to.contain('profile is "fedora"; expected one of "classic", "flatcar"');
    expect(problems).to.have.length(6);
  });

  it('fails when a profile option is wrong, with the problems of that profile\'s options alone', () => {
    const base = ['etcd: { count: 1, firstIp: 11 }', 'nodes: [{ id: node, count: 2, firstIp: 21 }]'];
    const flatcar = write([...base, 'profile: { name: flatcar, options: { regeneratePki: "true", pkiDri: x, addons: { metricsServer: true } } }'].join('\n'));
    expect(problemsOf(() => ClusterFile.read(flatcar))).to.deep.equal([
      "profile.options has unknown key 'pkiDri'; expected one of " + Object.keys(committedSchema.properties.profile.oneOf[2].properties!.options.properties).join(', '),
      'profile.options.regeneratePki is "true"; expected true or false',
    ]);
    const classic = write([...base, 'profile: { name: classic, options: { pkiDir: x } }'].join('\n'));
    expect(problemsOf(() => ClusterFile.read(classic))).to.deep.equal([
      "profile.options has unknown key 'pkiDir'; expected one of " + Object.keys(committedSchema.properties.profile.oneOf[1].properties!.options.properties).join(', '),
    ]);
    // No branch is meant: every problem stays.
    const neither = write([...base, 'profile: { name: fedora }'].join('\n'));
    expect(problemsOf(() => ClusterFile.read(neither)).join('\n')).to.contain('profile.name is "fedora"');
  });

  it('fails when two tiers or add-ons share an id', () => {
    const file = write('etcd: {}\nnodes: [{ id: node }, { id: node, role: worker }]\naddons: [{ id: etcd, manifests: [a.yaml] }]\n',
      { 'a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n' });
    expect(problemsOf(() => ClusterFile.read(file))).to.deep.equal([
      "nodes[1].id is 'node', which another tier has; expected an id of its own",
      "addons[0].id is 'etcd', which another tier or add-on has; expected an id of its own",
    ]);
  });

  it('fails when a manifest is missing, not YAML, empty, or holds something that is not a Kubernetes object', () => {
    const file = write('etcd: {}\nnodes: [{ id: node }]\naddons:\n  - { id: a, manifests: [missing.yaml, bad.yaml, empty.yaml, list.yaml] }\n', {
      'bad.yaml': 'kind: [\n', 'empty.yaml': '# nothing\n', 'list.yaml': '- 1\n- 2\n',
    });
    const problems = problemsOf(() => ClusterFile.read(file));
    expect(problems).to.have.length(4);
    expect(problems[0]).to.match(/add-on a: manifest missing\.yaml cannot be read \(ENOENT\)/);
    expect(problems[1]).to.match(/add-on a: bad\.yaml is not valid YAML/);
    expect(problems[2]).to.match(/add-on a: empty\.yaml holds no Kubernetes object/);
    expect(problems[3]).to.match(/add-on a: list\.yaml holds a document that is not a Kubernetes object/);
    expect(problems.every(problem => !problem.includes(file)), 'the file is named once, as the problem\'s place').to.equal(true);
  });

  it('fails with the schema\'s, the manifests\' and the constructs\' problems at once', () => {
    const typo = write('outDir: foo\netcd: { count: 1 }\nnodes: [{ id: node, count: 2 }]\naddons: [{ id: app, manifests: [missing.yaml] }]\n');
    const both = problemsOf(() => ClusterFile.read(typo));
    expect(both).to.have.length(2);
    expect(both[0]).to.contain("has unknown key 'outDir'");
    expect(both[1]).to.contain('add-on app: manifest missing.yaml cannot be read (ENOENT)');
    const clash = write('etcd: { count: 1, firstIp: 21 }\nnodes: [{ id: node, count: 2, firstIp: 21 }]\naddons: [{ id: app, manifests: [missing.yaml] }]\n');
    const all = problemsOf(() => ClusterFile.read(clash));
    expect(all).to.have.length(2);
    expect(all[0]).to.contain('add-on app: manifest missing.yaml cannot be read (ENOENT)');
    expect(all[1]).to.equal('cluster/node/node-01 and cluster/etcd/etcd-01 both use 10.10.10.21; expected one address per VM');
    // The add-ons' own checks are left out then: team's namespace is missing only because team is.
    const leftOut = write('profile: flatcar\netcd: { count: 1, firstIp: 11 }\nnodes: [{ id: node, count: 2, firstIp: 21 }]\n'
      + 'addons: [{ id: team, manifests: [ns.yaml, rbac.yaml] }, { id: app, manifests: [app.yaml] }]\n', {
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: team }\n',
      'app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg, namespace: team }\ndata: { a: "1" }\n',
    });
    expect(problemsOf(() => ClusterFile.read(leftOut))).to.deep.equal([
      'add-on team: manifest rbac.yaml cannot be read (ENOENT); expected a YAML file, its path relative to the cluster file or absolute',
    ]);
  });

  it('fails when the file holds two documents, or a tag it does not take, saying so in its own words', () => {
    expect(problemsOf(() => ClusterFile.read(write('# nothing yet\n')))).to.deep.equal([
      'is empty; expected a map of the cluster\'s props, such as etcd: { count: 3 } and nodes: [{ id: node, count: 4 }]',
    ]);
    expect(problemsOf(() => ClusterFile.read(write('- etcd\n- nodes\n')))).to.deep.equal([
      'holds ["etcd","nodes"]; expected a map of the cluster\'s props, such as etcd: { count: 3 } and nodes: [{ id: node, count: 4 }]',
    ]);
    expect(problemsOf(() => ClusterFile.read(write('etcd: { count: 1 }\n---\nnodes: []\n')))).to.deep.equal(['holds more than one YAML document at line 2, column 1; expected one']);
    expect(problemsOf(() => ClusterFile.read(write('name: !Ref lab\netcd: { count: 1 }\nnodes: [{ id: node, count: 2 }]\n')))).to.deep.equal([
      'has a tag these files do not take: Unresolved tag: !Ref at line 1, column 7; expected plain values (no custom tag, and no !!timestamp: Kubernetes tools read a date as a string)',
    ]);
    expect(problemsOf(() => ClusterFile.read(write('etcd: [\n')))[0]).to.match(/^is not valid YAML: .* at line \d+, column \d+$/);
  });

  it('fails through the constructs\' own checks once the file is well-formed (a role-less second tier)', () => {
    const file = write('etcd: {}\nnodes: [{ id: node }, { id: more, count: 2, firstIp: 120 }]\n');
    const cluster = ClusterFile.read(file);
    expect(problemsOf(() => Testing.render(cluster)).join('\n')).to.match(/role/);
  });

  describe('its JSON Schema', () => {
    it('is the file scripts/cluster-file-schema.ts writes from the constructs\' props schemas (regenerate it when they change)', () => {
      expect(committedSchema).to.deep.equal(JSON.parse(JSON.stringify(clusterFileSchema())));
    });

    it('names every VagrantCluster prop but profile, and every tier prop but etcd', () => {
      const props = committedSchema.properties as Record<string, unknown>;
      for (const name of ['outdir', 'prefix', 'ipRange', 'serviceIpRange', 'kubernetesVersion', 'controlPlaneEndpoint', 'apiServerImage']) {
        expect(props, name).to.have.property(name);
      }
      const tier = (committedSchema.properties.nodes.items as { properties: Record<string, unknown> }).properties;
      expect(Object.keys(tier).sort()).to.deep.equal(['count', 'cpus', 'firstIp', 'id', 'labels', 'memoryMb', 'role', 'taints']);
    });
  });
});
