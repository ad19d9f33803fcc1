// Where the add-ons go: <outdir>/addons/*.yaml and node-01's cloud-config, byte for byte
// the same; the golden files of examples/flatcar.ts; the admin kubeconfig that applies
// them. One PKI folder serves every synth of this file (generating one takes seconds).
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, ApiObjectProps } from 'cdk8s';
import { expect } from 'chai';
import { SharedPki, writeFiles, yamlDocuments } from './support';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarWithAddonCluster } from '../../examples/flatcar-with-addon';
import { FLATCAR_ADDONS_GOLDEN, flatcarAddonFiles } from '../../scripts/flatcar-addons-golden';
import { Addon, KubeNodeTier, Testing, VagrantCluster } from '../../lib';
import { ADDONS_DIR, ADMIN_KUBECONFIG } from '../../lib/profiles/flatcar/bootstrap';
import { synthesizeInto } from '../integration/support/synthesized';
import { yaml11 } from '../support/fixtures';

/** The add-on files of node-01's cloud-config, by file name. */
function deliveredAddons(cloudConfig: string): Record<string, string> {
  return Object.fromEntries(writeFiles(cloudConfig)
    .filter(file => file.path.startsWith(`${ADDONS_DIR}/`))
    .map(file => [path.basename(file.path), file.content]));
}

/** The add-on files of an output folder, by file name. */
function outdirAddons(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([file]) => file.startsWith('addons/')).map(([file, content]) => [path.basename(file), content]));
}

describe('add-on delivery (Flatcar)', function () {
  const pki = new SharedPki();
  let example: { cluster: VagrantCluster; outdir: string; files: Record<string, string> };
  let withAddon: { cluster: VagrantCluster; outdir: string; files: Record<string, string> };

  before(function () {
    this.timeout(120000);
    example = synthesizeInto(pki.outdir(), outdir => flatcarCluster(outdir, pki.dir));
    withAddon = synthesizeInto(pki.outdir(), outdir => flatcarWithAddonCluster(outdir, pki.dir));
  });

  after(() => pki.remove());

  it('writes the add-ons of examples/flatcar.ts exactly as test/golden/flatcar-addons/ holds them', () => {
    const golden = Object.fromEntries(fs.readdirSync(FLATCAR_ADDONS_GOLDEN).sort()
      .map(name => [name, fs.readFileSync(path.join(FLATCAR_ADDONS_GOLDEN, name), 'utf-8')]));
    expect(Object.keys(golden)).to.deep.equal(['coredns.yaml', 'flannel.yaml', 'kube-proxy.yaml', 'kubelet-certificate-rotation.yaml']);
    const fresh = outdirAddons(example.files);
    expect(Object.keys(fresh)).to.deep.equal(Object.keys(golden));
    for (const [name, content] of Object.entries(golden)) {
      expect(fresh[name], name).to.equal(content);
    }
  });

  it('renders the add-ons without the PKI: the same bytes with no key material loaded or created', () => {
    // flatcarAddonFiles() never runs the prepare phase, where the PKI is loaded; a key read would throw.
    expect(flatcarAddonFiles()).to.deep.equal(outdirAddons(example.files));
    expect(fs.existsSync(path.join(__dirname, '..', '..', '.tmp', 'never-created.pki'))).to.equal(false);
    for (const content of Object.values(outdirAddons(example.files))) {
      expect(content).not.to.match(/BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/);
    }
  });

  it('delivers every add-on file in node-01\'s cloud-config, byte for byte as in <outdir>/addons/', () => {
    for (const { files } of [example, withAddon]) {
      expect(deliveredAddons(files['cloud-config/node-01.yaml'])).to.deep.equal(outdirAddons(files));
    }
  });

  it('carries a user add-on in both places, and on node-01 only', () => {
    const { files } = withAddon;
    expect(Object.keys(outdirAddons(files))).to.deep.equal([
      'coredns.yaml', 'flannel.yaml', 'greeting.yaml', 'hello.yaml', 'kube-proxy.yaml', 'kubelet-certificate-rotation.yaml']);
    const hello = yamlDocuments(files['addons/hello.yaml']);
    expect(hello.map(o => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['Deployment/hello', 'Service/hello']);
    expect(deliveredAddons(files['cloud-config/node-01.yaml'])['hello.yaml']).to.equal(files['addons/hello.yaml']);
    expect(deliveredAddons(files['cloud-config/node-01.yaml'])['greeting.yaml']).to.equal(files['addons/greeting.yaml']);
    for (const node of ['node-02', 'node-03', 'node-04']) {
      expect(deliveredAddons(files[`cloud-config/${node}.yaml`]), node).to.deep.equal({});
    }
    const manifest = JSON.parse(files['manifest.json']);
    expect(manifest.files.find((f: any) => f.path === 'addons/hello.yaml').constructPath).to.equal('cluster/hello');
    expect(manifest.warnings).to.deep.equal([]);
  });

  it('writes the add-on files with mode 0644 in the output folder and in the guest', () => {
    for (const name of Object.keys(outdirAddons(withAddon.files))) {
      expect((fs.statSync(path.join(withAddon.outdir, 'addons', name)).mode & 0o777).toString(8), name).to.equal('644');
    }
    for (const file of writeFiles(withAddon.files['cloud-config/node-01.yaml']).filter(f => f.path.startsWith(`${ADDONS_DIR}/`))) {
      expect(file.permissions, file.path).to.equal('0644');
    }
  });

  it('writes an add-on that holds a Secret with mode 0600, in the output folder and in the guest, and the others 0644', () => {
    const { outdir, files } = synthesizeInto(pki.outdir(), folder => {
      const cluster = flatcarCluster(folder, pki.dir);
      new Addon(cluster, 'credentials', chart => {
        new ApiObject(chart, 'token', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'default' }, stringData: { token: 'not-for-others' } } as ApiObjectProps);
      });
      new Addon(cluster, 'settings', chart => {
        new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { a: '1' } } as ApiObjectProps);
      });
      return cluster;
    });
    const modes = Object.fromEntries(Object.keys(outdirAddons(files)).map(name => [name, (fs.statSync(path.join(outdir, 'addons', name)).mode & 0o777).toString(8)]));
    expect(modes).to.deep.equal({ 'coredns.yaml': '644', 'credentials.yaml': '600', 'flannel.yaml': '644', 'kube-proxy.yaml': '644', 'kubelet-certificate-rotation.yaml': '644', 'settings.yaml': '644' });
    const delivered = Object.fromEntries(writeFiles(files['cloud-config/node-01.yaml'])
      .filter(file => file.path.startsWith(`${ADDONS_DIR}/`)).map(file => [path.basename(file.path), file.permissions]));
    expect(delivered).to.deep.equal({ 'coredns.yaml': '0644', 'credentials.yaml': '0600', 'flannel.yaml': '0644', 'kube-proxy.yaml': '0644', 'kubelet-certificate-rotation.yaml': '0644', 'settings.yaml': '0644' });
  });

  it('gives node-01 an admin kubeconfig (0600) from the PKI\'s admin certificate, for its own API server', () => {
    const files = writeFiles(example.files['cloud-config/node-01.yaml']);
    const admin = files.find(file => file.path === ADMIN_KUBECONFIG)!;
    expect(admin.permissions).to.equal('0600');
    const kubeconfig = yaml11(admin.content);
    const controller = (example.cluster.tiers[1] as KubeNodeTier).master!;
    expect(kubeconfig.clusters[0].cluster.server).to.equal(`https://${controller.ip}:6443`);
    const certificate = new X509Certificate(Buffer.from(kubeconfig.users[0].user['client-certificate-data'], 'base64'));
    expect(certificate.subject).to.contain('CN=kubernetes-admin').and.to.contain('O=system:masters');
    expect(fs.readFileSync(path.join(pki.dir, 'admin.crt'), 'utf-8')).to.contain(certificate.toString().trim().split('\n')[1]);
    // The host's admin.kubeconfig is the same identity.
    expect(yaml11(example.files['admin.kubeconfig']).users[0].user).to.deep.equal(kubeconfig.users[0].user);
    for (const node of ['node-02', 'node-03', 'node-04']) {
      expect(writeFiles(example.files[`cloud-config/${node}.yaml`]).some(file => file.path === ADMIN_KUBECONFIG), node).to.equal(false);
    }
  });

  it('resolves each add-on\'s chart once per synth, though node-01 carries its file too, and a chart changed since anew, in a synth or not', () => {
    const cluster = flatcarWithAddonCluster(pki.outdir(), pki.dir);
    const hello = cluster.node.findChild('hello') as Addon;
    const toJson = hello.chart.toJson.bind(hello.chart);
    let resolved = 0;
    hello.chart.toJson = () => { resolved++; return toJson(); };
    expect(Testing.render(cluster)['addons/hello.yaml']).to.equal(withAddon.files['addons/hello.yaml']);
    expect(resolved).to.equal(1);

    new ApiObject(hello.chart, 'late', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late', namespace: 'default' } });
    // Outside a synth, the add-on reads its chart as it is now.
    expect(yamlDocuments(hello.renderFile().content).map(o => o.metadata.name)).to.include('late');
    expect(hello.objects().map(o => (o.metadata as { name: string }).name)).to.include('late');
    expect(resolved).to.equal(3);
    const files = Testing.render(cluster);
    expect(resolved).to.equal(4);
    expect(yamlDocuments(files['addons/hello.yaml']).map(o => `${o.kind}/${o.metadata.name}`)).to.include('ConfigMap/late');
    expect(deliveredAddons(files['cloud-config/node-01.yaml'])['hello.yaml']).to.equal(files['addons/hello.yaml']);
  });

  it('re-synthesizes byte-identically with the same PKI folder', () => {
    const again = synthesizeInto(pki.outdir(), outdir => flatcarWithAddonCluster(outdir, pki.dir));
    expect(again.files).to.deep.equal(withAddon.files);
  });
});
