// Ignition as this library writes it: data URLs that read back to the text, the checks of
// ignitionProblems (each fed a broken config), and the translation of a cloud-config, which
// reports what it cannot say instead of dropping it.
import { expect } from 'chai';
import * as fc from 'fast-check';
import '../support/property-seed'; // the fixed draw, in a run of this file alone too
import { CloudConfigData } from '../../lib';
import { IGNITION_SPEC_VERSION, IgnitionConfig, dataUrl, dataUrlText, hasInstallSection, ignitionProblems } from '../../lib/formats/ignition';
import { cloudConfigToIgnition } from '../../lib/metal/cloud-config-ignition';
import { installerScript, FLATCAR_INSTALL_RELEASE } from '../../lib/metal/flatcar-install';
import { lanLinkFile, lanNetworkFile } from '../../lib/metal/node-network';

const config = (rest: Omit<IgnitionConfig, 'ignition'>): IgnitionConfig => ({ ignition: { version: IGNITION_SPEC_VERSION }, ...rest });

describe('Ignition format', () => {
  describe('data URLs', () => {
    it('read back to the text, whatever it holds (UTF-8, %, commas, newlines)', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary' }), text => dataUrlText(dataUrl(text)) === text));
      expect(dataUrl('a b,%\n€')).to.equal('data:,a%20b%2C%25%0A%E2%82%AC');
      expect(dataUrlText('data:;base64,aGk=')).to.equal('hi');
      expect(dataUrlText('http://x/y')).to.equal(undefined);
    });

    it('leave only RFC 3986 unreserved characters unescaped', () => {
      fc.assert(fc.property(fc.string(), text => /^data:,[A-Za-z0-9\-_.~%]*$/.test(dataUrl(text))));
      expect(dataUrl("!'()*-_.~")).to.equal('data:,%21%27%28%29%2A-_.~'); // encodeURIComponent keeps the first five
    });

    it('write a lone surrogate, which UTF-8 cannot hold, as U+FFFD, and a pair as its character', () => {
      expect(dataUrl('a\uD800b\uDC00')).to.equal('data:,a%EF%BF%BDb%EF%BF%BD');
      expect(dataUrl('\uD83D\uDE00')).to.equal('data:,%F0%9F%98%80');
    });
  });

  describe('ignitionProblems', () => {
    it('accepts a config with a file, a unit and a user', () => {
      expect(ignitionProblems(config({
        passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA x'] }] },
        storage: { files: [{ path: '/etc/hostname', overwrite: true, contents: { source: dataUrl('a\n') }, mode: 0o644, user: { name: 'root' } }] },
        systemd: { units: [{ name: 'a.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n' }] },
      }))).to.deep.equal([]);
    });

    it('fails when the spec version is not 3.3.0, a path is relative or not clean, or a mode has special bits', () => {
      expect(ignitionProblems({ ignition: { version: '3.4.0' as never } })).to.deep.equal([
        '/ignition/version is "3.4.0"; expected 3.3.0, the spec Flatcar reads since 3185.0.0 and Debian\'s ignition-validate 2.14 accepts',
      ]);
      expect(ignitionProblems(config({ storage: { files: [{ path: 'etc/x' }, { path: '/etc/../x' }, { path: '/etc/x', mode: 0o4755 }] } }))).to.deep.equal([
        '/storage/files/0/path is "etc/x"; expected an absolute, clean path such as /etc/hostname',
        '/storage/files/1/path is "/etc/../x"; expected an absolute, clean path such as /etc/hostname',
        '/storage/files/2/mode is 2541; expected the permission bits as a decimal number, 0 to 511 (0777)',
      ]);
    });

    it('fails when a path, unit or user repeats, a source is no data URL, or an overwrite has no source', () => {
      expect(ignitionProblems(config({
        passwd: { users: [{ name: 'core' }, { name: 'core' }] },
        storage: { files: [{ path: '/a', contents: { source: dataUrl('') } }, { path: '/a', contents: { source: 'data:,%E2' } }, { path: '/b', overwrite: true }] },
        systemd: { units: [{ name: 'a.service' }, { name: 'a.service' }] },
      }))).to.deep.equal([
        'storage.files path /a appears more than once; expected each once',
        'systemd.units name a.service appears more than once; expected each once',
        'passwd.users name core appears more than once; expected each once',
        'storage.files /a has a contents.source that is not a readable data: URL; expected data:,<percent-encoded text>',
        'storage.files /b overwrites without contents.source, which Ignition refuses; expected a source',
      ]);
    });

    it('fails when a unit is enabled without an [Install] section, as Ignition warns', () => {
      expect(ignitionProblems(config({ systemd: { units: [{ name: 'a.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n' }] } }))).to.deep.equal([
        'systemd.units a.service is enabled but has no [Install] section, so enabling it does nothing; expected a WantedBy= or RequiredBy= in an [Install] section',
      ]);
      expect(hasInstallSection('[Install]\nWantedBy=multi-user.target\n')).to.equal(true);
      expect(hasInstallSection('[Install]\n\n[Service]\nWantedBy=x\n')).to.equal(false);
    });

    it('fails when a unit name has no unit type or a key is outside what this library writes', () => {
      expect(ignitionProblems({ ...config({ systemd: { units: [{ name: 'kubelet' }] } }), kernelArguments: {} } as never)).to.deep.equal([
        'has unknown key \'kernelArguments\'; expected one of ignition, passwd, storage, systemd',
        '/systemd/units/0/name is "kubelet"; expected a unit name with a unit type suffix, such as kubelet.service',
      ]);
    });
  });

  describe('a cloud-config in Ignition', () => {
    it('keeps every write_files entry\'s content, mode and owner, starts and enables its units, and writes hostname and update.conf', () => {
      const cloudConfig: CloudConfigData = {
        hostname: 'node-01',
        write_files: [
          { path: '/etc/a', content: 'A', permissions: '0600', owner: 'root' },
          { path: '/etc/b', content: 'B', owner: 'core:core' },
        ],
        coreos: {
          update: { reboot_strategy: 'off', group: 'stable' },
          units: [
            { name: 'a.service', command: 'start', content: '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' },
            { name: 'b.service', mask: true },
            { name: 'c.service', drop_ins: [{ name: '10-x.conf', content: '[Service]\nNice=1\n' }] },
          ],
        },
      };
      const translated = cloudConfigToIgnition(cloudConfig);
      expect(translated.untranslated).to.deep.equal([]);
      expect(translated.files.map(file => [file.path, dataUrlText(file.contents!.source!), file.mode!.toString(8), file.user?.name, file.group?.name])).to.deep.equal([
        ['/etc/hostname', 'node-01\n', '644', 'root', undefined],
        ['/etc/flatcar/update.conf', 'REBOOT_STRATEGY=off\nGROUP=stable\n', '644', 'root', undefined],
        ['/etc/a', 'A', '600', 'root', undefined],
        ['/etc/b', 'B', '644', 'core', 'core'],
      ]);
      expect(translated.units).to.deep.equal([
        { name: 'a.service', enabled: true, contents: '[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' },
        { name: 'b.service', mask: true },
        { name: 'c.service', dropins: [{ name: '10-x.conf', contents: '[Service]\nNice=1\n' }] },
      ]);
    });

    it('fails when the cloud-config has what Ignition cannot say: coreos-cloudinit\'s etcd2 and fleet, runtime units, other commands, encodings', () => {
      const translated = cloudConfigToIgnition({
        manage_etc_hosts: 'localhost',
        write_files: [{ path: '/etc/a', content: 'QQ==', encoding: 'b64' }],
        coreos: {
          etcd2: { name: 'x' },
          fleet: { metadata: 'a=b' },
          units: [
            { name: 'a.service', command: 'restart' },
            { name: 'b.service', runtime: true },
            { name: 'c.service', command: 'start', content: '[Service]\nExecStart=/bin/true\n' },
          ],
        },
      });
      expect(translated.untranslated).to.deep.equal([
        'cloud-config key manage_etc_hosts has no Ignition counterpart in this translation; expected only hostname, write_files, ssh_authorized_keys, coreos',
        'coreos key etcd2 has no Ignition counterpart in this translation; expected only units, update',
        'coreos key fleet has no Ignition counterpart in this translation; expected only units, update',
        'write_files[0] (/etc/a) key encoding has no Ignition counterpart in this translation; expected only path, content, permissions, owner',
        'coreos.units a.service has command restart; Ignition enables units and runs no command, expected start or none',
        'coreos.units[1] (b.service) key runtime has no Ignition counterpart in this translation; expected only name, command, enable, mask, content, drop_ins',
        'coreos.units b.service is a runtime unit; Ignition writes units to /etc, expected runtime unset',
        'coreos.units c.service is started by the cloud-config but has no [Install] section, so Ignition cannot start it at boot; expected a WantedBy= in an [Install] section',
      ]);
    });
  });

  describe('networkd files and the installer', () => {
    it('name the NIC with the MAC lan0 and give it the static address, gateway and DNS', () => {
      const lan = { mac: '52:54:00:40:00:11', address: '10.0.40.11', prefixLength: 24, gateway: '10.0.40.1', dnsServers: ['10.0.40.1', '9.9.9.9'] };
      expect(lanLinkFile(lan).split('\n').slice(1).join('\n')).to.equal('[Match]\nMACAddress=52:54:00:40:00:11\n\n[Link]\nName=lan0\n');
      expect(lanNetworkFile(lan).split('\n').slice(1).join('\n')).to.equal(
        '[Match]\nMACAddress=52:54:00:40:00:11\n\n[Network]\nAddress=10.0.40.11/24\nGateway=10.0.40.1\nDNS=10.0.40.1\nDNS=9.9.9.9\n');
    });

    it('installs the pinned release onto the disk with the final config fetched with os=installed, quoting what it passes', () => {
      const script = installerScript({ release: FLATCAR_INSTALL_RELEASE, disk: '/dev/disk/by-id/ata-X:1', finalConfigUrl: 'http://m:8080/ignition?mac=52:54:00:40:00:11&os=installed' });
      expect(script).to.contain('curl --fail --silent --show-error --location --retry 10 --retry-connrefused --output "$config" \'http://m:8080/ignition?mac=52:54:00:40:00:11&os=installed\'\n');
      expect(script).to.contain('flatcar-install -d /dev/disk/by-id/ata-X:1 -C stable -V 4593.2.5 -i "$config"\n');
      expect(script).to.contain('umask 077\n');
    });
  });
});
