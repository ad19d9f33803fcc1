import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Pki, PkiError, PkiSpec, VERIFIED_RECORD } from '../../lib';
import { generateOpenSshKeyPair, parseAuthorizedKey, parseOpenSshPrivateKey } from '../../lib/formats/openssh-key';
import { parseSecretKeySet } from '../../lib/pki/secret-key-set';
import { tempDir } from '../support/snapshot';
import { requireTool } from '../support/required-tool';
import { folderState, smallSpec } from './support';

// Two kinds of key material that, once a cluster runs, must never change behind its back:
// the SSH key the machines accept (the box's key is removed), and the keys that encrypt its
// Secrets in etcd. Both are made when missing, reused byte for byte, and never re-made,
// not even by regenerate; the fast path serves them like every other piece.
describe('pki: SSH login keys and secret key sets', () => {
  const spec: PkiSpec = {
    ...smallSpec(),
    sshKeys: [{ name: 'login', comment: 'test cluster key' }],
    secretKeySets: [{ name: 'encryption', bytes: 32, header: ['Keys of the test.'] }],
  };
  let parent: string;
  let dir: string;
  const at = (file: string) => path.join(dir, file);
  const read = (file: string) => fs.readFileSync(at(file), 'utf-8');

  beforeEach(() => {
    parent = tempDir();
    dir = path.join(parent, 'pki');
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('makes an Ed25519 key in OpenSSH\'s format (0600) with its authorized_keys line (0644), and a set of one 32-byte key (0600)', () => {
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.include.members(['login.key', 'login.pub', 'encryption.key']);
    expect(fs.statSync(at('login.key')).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(at('login.pub')).mode & 0o777).to.equal(0o644);
    expect(fs.statSync(at('encryption.key')).mode & 0o777).to.equal(0o600);
    expect(read('login.key')).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END OPENSSH PRIVATE KEY-----\n$/);
    expect(read('login.pub')).to.match(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} test cluster key\n$/);
    expect(pki.sshPrivateKey('login')).to.equal(read('login.key'));
    expect(pki.sshPublicKey('login')).to.equal(read('login.pub'));
    expect(read('encryption.key')).to.match(/^# Keys of the test\.\nkey1 [A-Za-z0-9+/]{43}=\n$/);
    const [key] = pki.secretKeys('encryption');
    expect(key.name).to.equal('key1');
    expect(Buffer.from(key.secret, 'base64')).to.have.length(32);
    expect(pki.secretKeys('encryption')).to.deep.equal([key]);
  });

  it('reuses both byte for byte, through the full check and through the verified record alike', () => {
    Pki.loadOrCreate(dir, spec);
    const before = folderState(dir);
    const fast = Pki.loadOrCreate(dir, spec);
    expect(fast.written).to.deep.equal([]);
    fs.rmSync(at(VERIFIED_RECORD));
    const full = Pki.loadOrCreate(dir, spec);
    expect(full.written).to.deep.equal([]);
    for (const pki of [fast, full]) {
      expect(pki.sshPrivateKey('login')).to.equal(read('login.key'));
      expect(pki.secretKeys('encryption')[0].secret).to.equal(read('encryption.key').split('\n')[1].split(' ')[1]);
    }
    expect(folderState(dir)).to.deep.equal(before); // content, mtime and mode of every piece
    const record = JSON.parse(read(VERIFIED_RECORD));
    expect(Object.keys(record.files)).to.include.members(['login.key', 'login.pub', 'encryption.key']);
  });

  it('keeps every key of a rotated set, the newest first, and never re-makes a set even with regenerate', () => {
    Pki.loadOrCreate(dir, spec);
    const older = read('encryption.key').split('\n')[1];
    const newer = `key2 ${crypto.randomBytes(32).toString('base64')}`;
    fs.writeFileSync(at('encryption.key'), `${newer}\n${older}\n`);
    for (const regenerate of [false, true]) {
      const pki = Pki.loadOrCreate(dir, spec, { regenerate });
      expect(pki.written).to.not.include('encryption.key');
      expect(pki.secretKeys('encryption').map(key => `${key.name} ${key.secret}`)).to.deep.equal([newer, older]);
    }
  });

  it('fails when a secret key set is broken, regenerate or not, naming the line and saying it is never re-made', () => {
    Pki.loadOrCreate(dir, spec);
    for (const [text, expected] of [
      [`key1 ${crypto.randomBytes(16).toString('base64')}\n`, /line 1: key key1 is 16 bytes; expected one "<name> <base64 of 32 bytes>" line per key/],
      ['key:1 abc=\n', /line 1 is not "<name> <base64>"/],
      [`a ${crypto.randomBytes(32).toString('base64')}\na ${crypto.randomBytes(32).toString('base64')}\n`, /line 2: key a is named twice/],
      ['# only a comment\n', /holds no key/],
    ] as const) {
      fs.writeFileSync(at('encryption.key'), text);
      for (const regenerate of [false, true]) {
        let error: unknown;
        try { Pki.prepare(dir, spec, { regenerate }); } catch (e) { error = e; }
        expect(error, `${text} regenerate ${regenerate}`).to.be.instanceOf(PkiError);
        const problems = (error as PkiError).problems;
        expect(problems.map(p => p.location)).to.deep.equal([at('encryption.key')]);
        expect(problems[0].final).to.equal(true);
        expect(problems[0].message).to.match(expected);
        expect(problems[0].message).to.contain('never re-made, not even by regenerate');
      }
      expect(read('encryption.key'), 'the broken file is left as it is').to.equal(text);
    }
  });

  it('fails when the SSH private key is missing, unreadable or not OpenSSH Ed25519 beside its public key, regenerate or not', () => {
    Pki.loadOrCreate(dir, spec);
    const pub = read('login.pub');
    const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const [change, expected] of [
      [() => fs.rmSync(at('login.key')), /^is missing, but .*login\.pub exists/],
      [() => fs.writeFileSync(at('login.key'), pem), /is not an OpenSSH private key/],
      [() => fs.writeFileSync(at('login.key'), read('login.key').replace(/\n[A-Za-z0-9+/]{10}/, '\nAAAAAAAAAA')), /is not a readable OpenSSH private key/],
    ] as const) {
      fs.rmSync(dir, { recursive: true });
      Pki.loadOrCreate(dir, spec);
      fs.writeFileSync(at('login.pub'), pub);
      change();
      for (const regenerate of [false, true]) {
        let error: unknown;
        try { Pki.prepare(dir, spec, { regenerate }); } catch (e) { error = e; }
        expect(error, String(expected)).to.be.instanceOf(PkiError);
        const [problem] = (error as PkiError).problems;
        expect(problem.message).to.match(expected);
        expect(problem.final).to.equal(true);
        expect(problem.message).to.contain('the machines accept it alone');
      }
    }
  });

  it('derives a lost public key, and rewrites a wrong one only with regenerate', () => {
    Pki.loadOrCreate(dir, spec);
    const pub = read('login.pub');
    fs.rmSync(at('login.pub'));
    expect(Pki.loadOrCreate(dir, spec).written).to.deep.equal(['login.pub']);
    expect(read('login.pub')).to.equal(pub);
    fs.writeFileSync(at('login.pub'), generateOpenSshKeyPair('other').publicKey);
    expect(() => Pki.prepare(dir, spec)).to.throw(PkiError, /login\.pub: does not match .*login\.key; expected the public half of that private key/);
    expect(Pki.loadOrCreate(dir, spec, { regenerate: true }).written).to.deep.equal(['login.pub']);
    expect(read('login.pub')).to.equal(pub);
  });

  it('regenerate re-issues certificates but never touches the SSH key or the secret key set', () => {
    Pki.loadOrCreate(dir, spec);
    const key = read('login.key');
    const secrets = read('encryption.key');
    fs.rmSync(at('kubernetes-ca.crt'));
    fs.rmSync(at('kubernetes-ca.key'));
    const pki = Pki.loadOrCreate(dir, spec, { regenerate: true });
    expect(pki.written).to.include('kubernetes-ca.crt');
    expect(pki.written).to.not.include.members(['login.key', 'login.pub', 'encryption.key']);
    expect(read('login.key')).to.equal(key);
    expect(read('encryption.key')).to.equal(secrets);
  });

  it('tightens a stored key that others may read to 0600', () => {
    Pki.loadOrCreate(dir, spec);
    fs.chmodSync(at('login.key'), 0o644);
    fs.chmodSync(at('encryption.key'), 0o640);
    Pki.loadOrCreate(dir, spec);
    expect(fs.statSync(at('login.key')).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(at('encryption.key')).mode & 0o777).to.equal(0o600);
  });

  it('fails when the spec gives a key length out of range or a comment on two lines', () => {
    const bad: PkiSpec = { sshKeys: [{ name: 'a', comment: 'x\ny' }], secretKeySets: [{ name: 'b', bytes: 8 }, { name: 'a', bytes: 32 }] };
    expect(() => Pki.prepare(dir, bad)).to.throw(PkiError)
      .that.satisfies((error: PkiError) => {
        expect(error.problems.map(p => `${p.location}: ${p.message}`)).to.deep.equal([
          'spec.sshKeys[0] (a): comment "x\\ny" is not usable; expected printable ASCII on one line',
          'spec.secretKeySets[0] (b): bytes 8 is not a key length; expected a whole number from 16 to 64',
          'spec.secretKeySets[1] (a): name "a" is already used by spec.sshKeys[0] (a); expected names unique across cas, certificates and keyPairs (they share one folder)',
        ]);
        return true;
      });
  });

  describe('the formats', () => {
    it('reads back what it writes, and ssh-keygen derives the same public key from the private key', function () {
      const made = generateOpenSshKeyPair('comment here');
      const parsed = parseOpenSshPrivateKey(made.privateKey);
      expect(parsed).to.deep.equal({ publicKey: made.publicKey, publicBlob: made.publicKey.split(' ')[1] });
      expect(parseAuthorizedKey(made.publicKey)).to.deep.equal({ type: 'ssh-ed25519', blob: made.publicKey.split(' ')[1] });
      requireTool(this, 'ssh-keygen', 'openssh-client');
      fs.mkdirSync(dir);
      fs.writeFileSync(at('id'), made.privateKey, { mode: 0o600 });
      const result = spawnSync('ssh-keygen', ['-y', '-f', at('id')], { encoding: 'utf-8' });
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.equal(made.publicKey);
    });

    it('reads a key ssh-keygen made, and fails for an encrypted one', function () {
      requireTool(this, 'ssh-keygen', 'openssh-client');
      fs.mkdirSync(dir);
      for (const [file, passphrase] of [['plain', ''], ['encrypted', 'secret']]) {
        const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'made by ssh-keygen', '-f', at(file)], { encoding: 'utf-8' });
        expect(result.status, result.stderr).to.equal(0);
      }
      expect(parseOpenSshPrivateKey(read('plain'))).to.deep.equal({ publicKey: read('plain.pub'), publicBlob: read('plain.pub').split(' ')[1] });
      expect(parseOpenSshPrivateKey(read('encrypted'))).to.deep.equal({
        problem: 'is not a readable OpenSSH private key (it is encrypted (aes256-ctr, bcrypt)); expected an unencrypted Ed25519 key (ssh-keygen -t ed25519 -N \'\')',
      });
    });

    it('reads a set of keys, comments and blank lines skipped', () => {
      const a = crypto.randomBytes(32).toString('base64');
      const b = crypto.randomBytes(32).toString('base64');
      expect(parseSecretKeySet(`# header\n\nnew ${a}\n  old ${b}  \n`, 32)).to.deep.equal([{ name: 'new', secret: a }, { name: 'old', secret: b }]);
      expect(parseSecretKeySet(`k ${a.replace(/=$/, '')}\n`, 32)).to.have.property('problem').that.contains('key k is not base64');
    });
  });
});
