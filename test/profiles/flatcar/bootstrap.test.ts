// The node side of the add-ons, checked by the real tools and run for real:
// - systemd-analyze verify accepts apply-addons.service and install-cni-plugins.service,
//   and refuses them when broken;
// - shellcheck passes their scripts, and fails a script with an unquoted variable;
// - the scripts run under /bin/sh against stub kubectl/curl/sleep/modprobe programs, with
//   their absolute paths moved into a temp root (the only rewrite): apply-addons retries
//   until the API server answers, then applies once and stops; the installers verify the
//   sha256 before they install anything, and do nothing the second time.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { flatcarCluster } from '../../../examples/flatcar';
import { CloudConfig } from '../../../lib';
import { ADDONS_DIR, ADMIN_KUBECONFIG, APPLY_ADDONS, APPLY_ADDONS_UNIT, CNI_PLUGINS_UNIT, INSTALL_CNI_PLUGINS, INSTALL_KUBECTL, KUBECTL_BINARY, applyAddonsScript, installCniPluginsScript, installKubectlScript } from '../../../lib/profiles/flatcar/bootstrap';
import { CNI_PLUGINS } from '../../../lib/profiles/flatcar/releases';
import { UnitUnderTest, verifyUnit } from '../../integration/support/systemd';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run, writeScript } from '../../integration/support/tools';

/** node-01's cloud-config as built (the bootstrap files are key-free, so no PKI is needed). */
function controlPlaneConfig(): any {
  const cluster = flatcarCluster('/nonexistent/out', '/nonexistent/pki');
  return cluster.bind().node.findAll().filter(CloudConfig.isCloudConfig).find(c => c.node.scope!.node.id === 'node-01')!.config;
}

function unitOf(config: any, name: string): UnitUnderTest {
  const unit = config.coreos.units.find((u: any) => u.name === name);
  return { source: `cloud-config/node-01.yaml ${name}`, unitName: name, content: unit.content };
}

function scriptOf(config: any, file: string): string {
  return config.write_files.find((f: any) => f.path === file).content;
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text).to.contain(from);
  return text.replace(from, to);
}

describe('add-on bootstrap on Flatcar', () => {
  const config = controlPlaneConfig();
  const scripts: Array<[string, string]> = [INSTALL_KUBECTL, APPLY_ADDONS, INSTALL_CNI_PLUGINS].map(file => [file, scriptOf(config, file)]);

  describe('systemd-analyze verify', function () {
    before(function () {
      requireTools(this, 'systemd-analyze');
    });

    for (const name of [APPLY_ADDONS_UNIT, CNI_PLUGINS_UNIT]) {
      it(`accepts ${name}`, async () => {
        const unit = unitOf(config, name);
        const verdict = await verifyUnit(unit);
        expect(verdict.findings, unit.source).to.deep.equal([]);
        expect(verdict.result.code, unit.source).to.equal(0);
        expect(unit.content).to.contain('Type=oneshot\nRemainAfterExit=yes\n');
      });
    }

    it('fails when the oneshot would restart always (systemd refuses Restart=always for Type=oneshot)', async () => {
      const unit = unitOf(config, APPLY_ADDONS_UNIT);
      const verdict = await verifyUnit({ ...unit, content: replaceOnce(unit.content!, 'Restart=on-failure', 'Restart=always') });
      expect(verdict.ok).to.equal(false);
      expect(verdict.findings.join('\n')).to.match(/Restart=.*oneshot/);
    });

    it('fails when a key is misspelled (RemainAfterExti=)', async () => {
      const unit = unitOf(config, CNI_PLUGINS_UNIT);
      const verdict = await verifyUnit({ ...unit, content: replaceOnce(unit.content!, 'RemainAfterExit=', 'RemainAfterExti=') });
      expect(verdict.ok).to.equal(false);
      expect(verdict.findings.join('\n')).to.match(/Unknown key.*RemainAfterExti/);
    });
  });

  describe('shellcheck', function () {
    let work: string | undefined;

    before(function () {
      requireTools(this, 'shellcheck');
      work = makeTempDir('addons-shellcheck');
    });

    after(() => removeTempDir(work));

    function shellcheck(name: string, content: string): Promise<RunResult> {
      const file = path.join(work!, name);
      fs.writeFileSync(file, content);
      return run('shellcheck', ['--format=gcc', file]);
    }

    for (const [file] of scripts) {
      it(`passes ${file}`, async () => {
        const content = scripts.find(([f]) => f === file)![1];
        expect(content.startsWith('#!/bin/sh\n')).to.equal(true);
        const result = await shellcheck(path.basename(file), content);
        expect(result.code, `${file}\n${output(result)}`).to.equal(0);
      });
    }

    it('fails when apply-addons uses a bash test in its /bin/sh script ([[ ]])', async () => {
      const broken = replaceOnce(applyAddonsScript(), 'if [ "$attempt" -ge 240 ]; then', 'if [[ "$attempt" -ge 240 ]]; then');
      const result = await shellcheck('broken-apply-addons', broken);
      expect(result.code).to.not.equal(0);
      expect(result.stdout).to.contain('SC3010');
    });

    it('fails when install-cni-plugins reads its stamp with backticks', async () => {
      const broken = replaceOnce(installCniPluginsScript(CNI_PLUGINS), '"$(cat "$stamp")"', '"`cat $stamp`"');
      const result = await shellcheck('broken-install-cni-plugins', broken);
      expect(result.code).to.not.equal(0);
      expect(result.stdout).to.match(/SC2006|SC2086/);
    });
  });

  describe('the scripts, run', () => {
    let root: string;
    let bin: string;
    let log: string;

    beforeEach(() => {
      root = makeTempDir('addons-run');
      bin = path.join(root, 'stub-bin');
      log = path.join(root, 'calls.log');
      // sleep returns at once, so that hundreds of retries take milliseconds.
      writeScript(path.join(bin, 'sleep'), 'exit 0\n');
      writeScript(path.join(bin, 'modprobe'), `echo "modprobe $*" >> "${log}"\n`);
    });

    afterEach(() => removeTempDir(root));

    /** The script with its absolute paths moved under the temp root. */
    function rooted(script: string, paths: string[]): string {
      return paths.reduce((text, p) => text.split(`"${p}`).join(`"${root}${p}`), script);
    }

    function runScript(script: string): Promise<RunResult> {
      const file = path.join(root, 'script.sh');
      fs.writeFileSync(file, script, { mode: 0o755 });
      return run('/bin/sh', [file], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    }

    function calls(): string[] {
      return fs.existsSync(log) ? fs.readFileSync(log, 'utf-8').trim().split('\n') : [];
    }

    /** A kubectl stub: /readyz fails `readyFailures` times (always: Infinity), apply fails `applyFailures` times, each call logged. */
    function stubKubectl(readyFailures: number, applyFailures: number): void {
      if (readyFailures === Infinity) {
        writeScript(path.join(root, KUBECTL_BINARY), `echo "kubectl $*" >> "${log}"\nexit 1\n`);
        return;
      }
      const counter = (name: string, limit: number) => `n=$(cat "${root}/${name}" 2>/dev/null || echo 0); echo $((n + 1)) > "${root}/${name}"; [ "$n" -ge ${limit} ]`;
      writeScript(path.join(root, KUBECTL_BINARY), `echo "kubectl $*" >> "${log}"
case "$*" in
  *--raw=/readyz*) ${counter('ready', readyFailures)} ;;
  *" apply "*) ${counter('apply', applyFailures)} ;;
  *) exit 2 ;;
esac
`);
    }

    const applyScript = () => rooted(applyAddonsScript(), [KUBECTL_BINARY, ADMIN_KUBECONFIG, ADDONS_DIR]);

    it('apply-addons waits until the API server answers, applies once, and stops', async () => {
      stubKubectl(3, 0);
      const result = await runScript(applyScript());
      expect(result.code, output(result)).to.equal(0);
      const kubectl = calls();
      expect(kubectl.filter(c => c.includes('--raw=/readyz'))).to.have.length(4);
      expect(kubectl.slice(4)).to.deep.equal([`kubectl --kubeconfig=${root}${ADMIN_KUBECONFIG} apply --server-side --force-conflicts `
        + `--field-manager=cdk-vagrant-kubernetes -f ${root}${ADDONS_DIR}`]);
      expect(result.stdout).to.contain('applied every add-on');
    });

    it('apply-addons retries a failed apply', async () => {
      stubKubectl(0, 2);
      const result = await runScript(applyScript());
      expect(result.code, output(result)).to.equal(0);
      expect(calls().filter(c => c.includes(' apply '))).to.have.length(3);
    });

    it('fails when the API server never answers, after its attempts, without applying', async () => {
      stubKubectl(Infinity, 0);
      const result = await runScript(applyScript());
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('the API server did not answer /readyz after 240 attempts');
      expect(calls().filter(c => c.includes(' apply '))).to.deep.equal([]);
    });

    it('fails when every apply fails, after its attempts', async () => {
      stubKubectl(0, 1000);
      const result = await runScript(applyScript());
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('failed 12 times');
    });

    /** A curl stub that "downloads" `fixture` to its --output, logging the URL. */
    function stubCurl(fixture: string): void {
      writeScript(path.join(bin, 'curl'), `out=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out="$2"; shift ;;
    http*) url="$1" ;;
  esac
  shift
done
echo "curl $url" >> "${log}"
cp "${fixture}" "$out"
`);
    }

    const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

    it('install-kubectl installs a binary whose sha256 matches, then does nothing', async () => {
      const fixture = path.join(root, 'kubectl-release');
      fs.writeFileSync(fixture, '#!/bin/sh\necho fake kubectl\n');
      stubCurl(fixture);
      const script = rooted(installKubectlScript('1.35.1', sha256(fixture)), [KUBECTL_BINARY]);
      const first = await runScript(script);
      expect(first.code, output(first)).to.equal(0);
      expect(fs.readFileSync(path.join(root, KUBECTL_BINARY), 'utf-8')).to.equal(fs.readFileSync(fixture, 'utf-8'));
      expect((fs.statSync(path.join(root, KUBECTL_BINARY)).mode & 0o777).toString(8)).to.equal('755');
      expect(calls()).to.deep.equal(['curl https://dl.k8s.io/release/v1.35.1/bin/linux/amd64/kubectl']);
      const second = await runScript(script);
      expect(second.code, output(second)).to.equal(0);
      expect(calls()).to.have.length(1);
    });

    it('fails when the kubectl download does not match its sha256, and installs nothing', async () => {
      const fixture = path.join(root, 'kubectl-release');
      fs.writeFileSync(fixture, 'tampered\n');
      stubCurl(fixture);
      const result = await runScript(rooted(installKubectlScript('1.35.1', 'f'.repeat(64)), [KUBECTL_BINARY]));
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('kubectl download from https://dl.k8s.io/release/v1.35.1/bin/linux/amd64/kubectl does not match sha256');
      expect(fs.readdirSync(path.dirname(path.join(root, KUBECTL_BINARY)))).to.deep.equal([]);
    });

    /** A CNI plugins tarball holding `bridge`, `host-local` and `portmap`. */
    async function fakePluginsTarball(): Promise<string> {
      const source = path.join(root, 'plugins');
      for (const plugin of ['bridge', 'host-local', 'portmap']) { writeScript(path.join(source, plugin), `echo ${plugin}\n`); }
      const tarball = path.join(root, 'cni-plugins.tgz');
      const packed = await run('tar', ['--create', '--gzip', '--file', tarball, '--directory', source, 'bridge', 'host-local', 'portmap']);
      expect(packed.code, output(packed)).to.equal(0);
      return tarball;
    }

    it('install-cni-plugins unpacks a tarball whose sha256 matches into /opt/cni/bin, loads br_netfilter, then does nothing', async () => {
      const tarball = await fakePluginsTarball();
      stubCurl(tarball);
      const script = rooted(installCniPluginsScript({ version: '1.8.0', sha256: sha256(tarball) }), ['/opt/cni/bin']);
      const first = await runScript(script);
      expect(first.code, output(first)).to.equal(0);
      const target = path.join(root, 'opt', 'cni', 'bin');
      expect(fs.readdirSync(target).sort()).to.deep.equal(['.cdk-vagrant-kubernetes-cni-plugins', 'bridge', 'host-local', 'portmap']);
      expect(calls()).to.deep.equal(['modprobe br_netfilter',
        'curl https://github.com/containernetworking/plugins/releases/download/v1.8.0/cni-plugins-linux-amd64-v1.8.0.tgz']);
      const second = await runScript(script);
      expect(second.code, output(second)).to.equal(0);
      expect(calls().filter(c => c.startsWith('curl'))).to.have.length(1);
    });

    it('fails when the CNI plugins download does not match its sha256, and unpacks nothing', async () => {
      stubCurl(await fakePluginsTarball());
      const result = await runScript(rooted(installCniPluginsScript(CNI_PLUGINS), ['/opt/cni/bin']));
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain(`does not match sha256 ${CNI_PLUGINS.sha256}`);
      expect(fs.readdirSync(path.join(root, 'opt', 'cni', 'bin'))).to.deep.equal([]);
    });
  });
});
