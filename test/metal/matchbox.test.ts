// The matchbox data of a MetalCluster: every profile and group has matchbox's documented fields
// only (the schemas in lib/formats, from matchbox v0.11.0's docs and storage.proto), each group
// selects exactly one machine, and matchbox's own choice of group (most selectors first) sends a
// machine to its installer before the install and to its final config with os=installed.
import { expect } from 'chai';
import {
  FLATCAR_INSTALL_RELEASE, MatchboxGroup, MatchboxProfile, Testing, matchboxGroupProblems, matchboxProfileProblems, selectMatchboxGroup,
} from '../../lib';
import { METAL_MACHINES, metalVariant } from '../support/metal';

describe('matchbox data of a MetalCluster', () => {
  let files: Record<string, string>;
  let profiles: MatchboxProfile[];
  let groups: MatchboxGroup[];

  before(() => {
    files = Testing.render(metalVariant());
    profiles = Object.entries(files).filter(([file]) => file.startsWith('profiles/')).map(([, text]) => JSON.parse(text));
    groups = Object.entries(files).filter(([file]) => file.startsWith('groups/')).map(([, text]) => JSON.parse(text));
  });

  it('writes two profiles and two groups per machine, as profiles/<id>.json and groups/<id>.json', () => {
    const ids = METAL_MACHINES.flatMap(machine => [`${machine.name}-install`, machine.name]).sort();
    expect(profiles.map(profile => profile.id).sort()).to.deep.equal(ids);
    expect(groups.map(group => group.id).sort()).to.deep.equal(ids);
    for (const profile of profiles) { expect(files[`profiles/${profile.id}.json`]).to.equal(`${JSON.stringify(profile, undefined, 2)}\n`); }
  });

  it('uses matchbox\'s documented profile and group fields only', () => {
    for (const profile of profiles) { expect(matchboxProfileProblems(profile), profile.id).to.deep.equal([]); }
    for (const group of groups) { expect(matchboxGroupProblems(group), group.id).to.deep.equal([]); }
    const keys = (objects: object[]) => [...new Set(objects.flatMap(object => Object.keys(object)))].sort();
    expect(keys(profiles)).to.deep.equal(['boot', 'id', 'ignition_id', 'name']);
    expect(keys(profiles.map(profile => profile.boot).filter(boot => boot !== undefined) as object[])).to.deep.equal(['args', 'initrd', 'kernel']);
    expect(keys(groups)).to.deep.equal(['id', 'metadata', 'name', 'profile', 'selector']);
  });

  it('fails when a profile or a group has a field matchbox does not know, or lacks one it requires', () => {
    expect(matchboxProfileProblems({ id: 'x', boot: { kernel: 'k', cmdline: {} } })).to.deep.equal([
      '/boot has unknown key \'cmdline\'; expected one of kernel, initrd, args',
    ]);
    expect(matchboxGroupProblems({ id: 'x', selector: { mac: '52:54:00:AB:00:01' } })).to.deep.equal([
      '(top level) is missing \'profile\'',
      '/selector/mac is "52:54:00:AB:00:01"; expected a normalized MAC address (lowercase, colon-separated), such as 52:54:00:89:d8:10',
    ]);
    expect(matchboxGroupProblems({ id: 'x', profile: 'y', selectors: {} })).to.deep.equal([
      'has unknown key \'selectors\'; expected one of id, name, profile, selector, metadata',
    ]);
  });

  it('names in every profile an Ignition config that is in ignition/, and the pinned Flatcar PXE images in the install profiles', () => {
    for (const profile of profiles) {
      expect(files[`ignition/${profile.ignition_id}`], profile.id).to.be.a('string');
      expect(profile.ignition_id, profile.id).to.match(/\.ign$/); // served as raw Ignition, not as a template
    }
    const base = `https://stable.release.flatcar-linux.net/amd64-usr/${FLATCAR_INSTALL_RELEASE.version}`;
    for (const machine of METAL_MACHINES) {
      const install = profiles.find(profile => profile.id === `${machine.name}-install`)!;
      expect(install.boot).to.deep.equal({
        kernel: `${base}/flatcar_production_pxe.vmlinuz`,
        initrd: [`${base}/flatcar_production_pxe_image.cpio.gz`],
        args: ['initrd=flatcar_production_pxe_image.cpio.gz', 'flatcar.first_boot=1', `ignition.config.url=http://10.0.40.2:8080/ignition?mac=${machine.mac}`],
      });
      expect(profiles.find(profile => profile.id === machine.name)!.boot, machine.name).to.equal(undefined);
    }
    expect(FLATCAR_INSTALL_RELEASE.version).to.equal('4593.2.5');
  });

  it('gives every (mac, os) selector exactly one machine', () => {
    const selectors = groups.map(group => JSON.stringify(group.selector));
    expect(new Set(selectors).size).to.equal(selectors.length);
    for (const group of groups) {
      const machines = METAL_MACHINES.filter(machine => machine.mac === group.selector!.mac);
      expect(machines.map(machine => machine.name), group.id).to.deep.equal([group.id.replace(/-install$/, '')]);
      expect(Object.keys(group.selector!).sort(), group.id).to.deep.equal(group.id.endsWith('-install') ? ['mac'] : ['mac', 'os']);
      if (!group.id.endsWith('-install')) { expect(group.selector!.os).to.equal('installed'); }
    }
  });

  it('sends each machine, as matchbox picks groups, to its installer first and to its final config with os=installed', () => {
    for (const machine of METAL_MACHINES) {
      // iPXE asks with the MAC in hexhyp form and more labels (matchbox's boot.ipxe); the installer asks with the normalized MAC and os.
      const pxe = selectMatchboxGroup(groups, { mac: machine.mac.replace(/:/g, '-'), uuid: 'u', hostname: '', serial: '' });
      expect(pxe?.profile, machine.name).to.equal(`${machine.name}-install`);
      const installed = selectMatchboxGroup(groups, { mac: machine.mac, os: 'installed' });
      expect(installed?.profile, machine.name).to.equal(machine.name);
      const profile = profiles.find(p => p.id === installed!.profile)!;
      expect(profile.ignition_id).to.equal(`${machine.name}.ign`);
      const installer = JSON.parse(files[`ignition/${machine.name}-install.ign`]).storage.files[0];
      expect(decodeURIComponent(installer.contents.source)).to.contain(`'http://10.0.40.2:8080/ignition?mac=${machine.mac}&os=installed'`);
    }
    expect(selectMatchboxGroup(groups, { mac: '52:54:00:ff:ff:ff' })).to.equal(undefined);
    expect(selectMatchboxGroup(groups, {})).to.equal(undefined); // no default group: an unknown machine boots nothing
  });

  it('writes no matchbox data without matchboxUrl: the live USB path needs only the final configs', () => {
    const usb = Testing.render(metalVariant(props => ({ ...props, matchboxUrl: undefined })));
    expect(Object.keys(usb).filter(file => /^(profiles|groups)\/|-install\.ign$/.test(file))).to.deep.equal([]);
    expect(Object.keys(usb).filter(file => file.startsWith('ignition/'))).to.have.length(9);
    expect(usb['README.md']).to.not.contain('matchbox');
  });
});
