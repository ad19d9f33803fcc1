// The units and scripts inside the metal example's Ignition configs go through the real tools:
// systemd-analyze verify accepts every unit (installer.service of the install configs, and every
// unit of the final configs), shellcheck every script (the installer and the node scripts), each
// fed a broken copy too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { UnitUnderTest, verifyUnit } from './support/systemd';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run } from './support/tools';
import { IgnitionConfig, Testing } from '../../lib';
import { ignitionFilesOf, metalVariant } from '../support/metal';

describe('integration: the units and scripts of the metal Ignition configs', function () {
  let work: string | undefined;
  let configs: Array<[string, IgnitionConfig]>;

  before(() => {
    work = makeTempDir('metal-units');
    configs = Object.entries(Testing.render(metalVariant()))
      .filter(([file]) => file.endsWith('.ign'))
      .map(([file, text]) => [file, JSON.parse(text) as IgnitionConfig]);
  });

  after(() => removeTempDir(work));

  /** Every unit of the configs, identical ones once. */
  function units(): UnitUnderTest[] {
    const seen = new Map<string, UnitUnderTest>();
    for (const [file, config] of configs) {
      for (const unit of config.systemd?.units ?? []) {
        const key = `${unit.name}\n${unit.contents}`;
        if (!seen.has(key)) { seen.set(key, { source: `${file} ${unit.name}`, unitName: unit.name, content: unit.contents }); }
      }
    }
    return [...seen.values()];
  }

  /** Every file of the configs with a #! line, identical ones once. */
  function scripts(): Array<[string, string]> {
    const seen = new Map<string, string>();
    for (const [file, config] of configs) {
      for (const script of Object.values(ignitionFilesOf(config)).filter(f => f.content.startsWith('#!'))) {
        if (!seen.has(script.content)) { seen.set(script.content, `${file} ${script.path}`); }
      }
    }
    return [...seen.entries()].map(([content, label]) => [label, content]);
  }

  function shellcheck(content: string): Promise<RunResult> {
    const file = path.join(work!, `script-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(file, content);
    return run('shellcheck', ['--format=gcc', file]);
  }

  it('systemd-analyze verify accepts installer.service and every unit of the final configs', async function () {
    requireTools(this, 'systemd-analyze');
    const all = units();
    expect(all.map(unit => unit.unitName).sort()).to.deep.equal(
      ['apply-addons.service', 'etcd-member.service', 'install-cni-plugins.service', 'installer.service', 'kubelet.service',
        // each node's kubelet unit carries its own address
        ...new Array(5).fill('kubelet.service')].sort());
    for (const unit of all) {
      const verdict = await verifyUnit(unit);
      expect(verdict.findings, unit.source).to.deep.equal([]);
      expect(verdict.result.code, unit.source).to.equal(0);
    }
  });

  it('fails when installer.service runs a relative program', async function () {
    requireTools(this, 'systemd-analyze');
    const installer = units().find(unit => unit.unitName === 'installer.service')!;
    const verdict = await verifyUnit({ ...installer, content: installer.content!.replace('ExecStart=/opt/installer', 'ExecStart=opt/installer') });
    expect(verdict.ok, verdict.findings.join('\n')).to.equal(false);
  });

  it('shellcheck passes the installer and every node script', async function () {
    requireTools(this, 'shellcheck');
    const all = scripts();
    expect(all.map(([label]) => label.split(' ')[1]).sort()).to.deep.equal([
      '/opt/bin/apply-addons', '/opt/bin/install-cni-plugins', '/opt/bin/install-kubectl', '/opt/bin/install-kubelet',
      ...new Array(9).fill('/opt/installer'),
    ].sort());
    for (const [label, content] of all) {
      const result = await shellcheck(content);
      expect(result.code, `${label}\n${output(result)}`).to.equal(0);
    }
  });

  it('fails when the installer passes the config path unquoted', async function () {
    requireTools(this, 'shellcheck');
    const [label, installer] = scripts().find(([name]) => name.endsWith('/opt/installer'))!;
    const result = await shellcheck(installer.replace('-i "$config"', '-i $config'));
    expect(result.code, `${label}\n${output(result)}`).to.not.equal(0);
    expect(result.stdout).to.contain('SC2086');
  });
});
