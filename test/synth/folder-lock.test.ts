import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { OutdirError } from '../../lib/synth/atomic-writer';
import { FolderLock, FolderLocks, lockFileOf } from '../../lib/synth/folder-lock';
import { tempDir } from '../support/snapshot';

/** A pid that no process has: one of a process that has ended (and been reaped). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

/** The text of a lock file naming a holder. */
function lockText(pid: number, hostname = os.hostname()): string {
  return `${JSON.stringify({ pid, hostname, startedAt: '2020-01-02T03:04:05.000Z', nonce: '0123456789abcdef' }, undefined, 2)}\n`;
}

describe('folder lock', () => {
  let parent: string;
  let folder: string;
  let lock: string;
  beforeEach(() => {
    parent = tempDir();
    folder = path.join(parent, 'dist.out');
    lock = path.join(parent, '.dist.out.lock');
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('is the file .<name>.lock beside the folder', () => {
    expect(lockFileOf(folder)).to.equal(lock);
    expect(lockFileOf(`${folder}/`)).to.equal(lock);
  });

  it('names its holder: pid, host and start time, and nothing else is left beside it', () => {
    const held = FolderLock.acquire(folder);
    const holder = JSON.parse(fs.readFileSync(lock, 'utf-8'));
    expect(holder.pid).to.equal(process.pid);
    expect(holder.hostname).to.equal(os.hostname());
    expect(Date.now() - Date.parse(holder.startedAt)).to.be.within(0, 60_000);
    expect(fs.readdirSync(parent)).to.deep.equal(['.dist.out.lock']);
    expect(held.held).to.equal(true);
    held.release();
    expect(fs.readdirSync(parent)).to.deep.equal([]);
    expect(held.held).to.equal(false);
  });

  it('fails when another synth holds the lock, naming the holder, the lock file and what to do if it is stale', () => {
    const first = FolderLock.acquire(folder);
    const since = JSON.parse(fs.readFileSync(lock, 'utf-8')).startedAt;
    expect(() => FolderLock.acquire(folder)).to.throw(OutdirError,
      `${folder} is being written by another synth: process ${process.pid} on this host ${os.hostname()} since ${since} holds the lock ${lock}. `
      + `Wait for it to end and synth again; if process ${process.pid} is not a synth (its pid was reused), delete ${lock} and synth again`);
    expect(first.held).to.equal(true);
    first.release();
    FolderLock.acquire(folder).release();
  });

  it('fails when the lock file names no holder, and leaves it', () => {
    fs.writeFileSync(lock, '');
    expect(() => FolderLock.acquire(folder)).to.throw(OutdirError, `${folder} is locked: ${lock} exists but names no holder`);
    expect(fs.readFileSync(lock, 'utf-8')).to.equal('');
  });

  it('takes over a lock whose process is gone (same host), and cleans what dead takers left', () => {
    const dead = deadPid();
    fs.writeFileSync(lock, lockText(dead));
    const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '_');
    fs.writeFileSync(`${lock}.${dead}@${host}.new`, lockText(dead));
    fs.writeFileSync(`${lock}.${dead}@${host}.stale`, lockText(dead));
    fs.writeFileSync(`${lock}.${dead}@elsewhere.stale`, lockText(dead, 'elsewhere'));
    const held = FolderLock.acquire(folder);
    expect(JSON.parse(fs.readFileSync(lock, 'utf-8')).pid).to.equal(process.pid);
    // Another host's scratch file can't be judged from here: it stays.
    expect(fs.readdirSync(parent).sort()).to.deep.equal(['.dist.out.lock', `.dist.out.lock.${dead}@elsewhere.stale`]);
    held.release();
  });

  it('fails when the holder is of another pid namespace of this host (a container), even by a pid that does not exist here', () => {
    fs.writeFileSync(lock, lockText(deadPid()).replace('"nonce"', '"pidNamespace": "pid:[1]",\n  "nonce"'));
    expect(() => FolderLock.acquire(folder)).to.throw(OutdirError, /on host .* in another pid namespace \(pid:\[1\]: a container\?\) since .*it can't be checked from here/);
  });

  it('takes over a lock taken before the host restarted (another boot id), even when its pid is alive now', () => {
    fs.writeFileSync(lock, lockText(process.ppid).replace('"nonce"', '"bootId": "00000000-0000-0000-0000-000000000000",\n  "nonce"'));
    const held = FolderLock.acquire(folder);
    expect(JSON.parse(fs.readFileSync(lock, 'utf-8')).pid).to.equal(process.pid);
    held.release();
  });

  it('fails when the lock cannot be created there (a folder no one may add to): an OutdirError, not the raw EPERM', function () {
    // chattr +i keeps even root from adding files; a file system without the attribute can't run this test.
    const sealed = path.join(parent, 'sealed');
    fs.mkdirSync(sealed);
    if (spawnSync('chattr', ['+i', sealed]).status !== 0) {
      process.stdout.write('      skipped: chattr +i is not supported here\n');
      this.skip();
    }
    try {
      expect(() => FolderLock.acquire(path.join(sealed, 'out'))).to.throw(OutdirError, /^cannot lock .*out: EPERM on .*\.out\.lock .*expected a place this user may create files in/);
    } finally {
      spawnSync('chattr', ['-i', sealed]);
    }
  });

  it('fails when a lock of another host is held, even by a pid that does not exist here', () => {
    fs.writeFileSync(lock, lockText(deadPid(), 'elsewhere.example.org'));
    expect(() => FolderLock.acquire(folder)).to.throw(OutdirError, /process \d+ on host elsewhere\.example\.org since 2020-01-02T03:04:05\.000Z holds the lock .*it can't be checked from here/);
  });

  it('lets one of two takers of a stale lock win: the late one puts back the fresh lock it moved, and fails', () => {
    fs.writeFileSync(lock, lockText(deadPid()));
    let winner: FolderLock | undefined;
    // The late taker judged the lock stale; before it renames it aside, the other taker takes it over and locks.
    const late = () => FolderLock.acquire(folder, {
      beforeStep: step => { if (step === `takeover:${lock}` && !winner) { winner = FolderLock.acquire(folder); } },
    });
    expect(late).to.throw(OutdirError, `process ${process.pid} on this host`);
    expect(winner!.held).to.equal(true);
    expect(fs.readdirSync(parent)).to.deep.equal(['.dist.out.lock']);
    winner!.release();
  });

  it('lets the late taker of a stale lock lock when the winner is done already', () => {
    fs.writeFileSync(lock, lockText(deadPid()));
    let winnerDone = false;
    const late = FolderLock.acquire(folder, {
      beforeStep: step => {
        if (step === `takeover:${lock}` && !winnerDone) {
          winnerDone = true;
          FolderLock.acquire(folder).release();
        }
      },
    });
    expect(late.held).to.equal(true);
    expect(JSON.parse(fs.readFileSync(lock, 'utf-8')).pid).to.equal(process.pid);
    late.release();
    expect(fs.readdirSync(parent)).to.deep.equal([]);
  });

  it('is one lock for two spellings of a folder, through a symbolic link', () => {
    fs.mkdirSync(path.join(parent, 'real'));
    fs.symlinkSync(path.join(parent, 'real'), path.join(parent, 'link'));
    const held = FolderLock.acquire(path.join(parent, 'real', 'dist.out'));
    expect(() => FolderLock.acquire(path.join(parent, 'link', 'dist.out'))).to.throw(OutdirError, `holds the lock ${path.join(parent, 'real', '.dist.out.lock')}`);
    held.release();
  });

  it('creates the parent folder for the lock, and removes it again when nothing else went in', () => {
    const deep = path.join(parent, 'a', 'b', 'dist.out');
    const held = FolderLock.acquire(deep);
    expect(fs.existsSync(path.join(parent, 'a', 'b', '.dist.out.lock'))).to.equal(true);
    held.release();
    expect(fs.readdirSync(parent)).to.deep.equal([]);
  });

  describe('several folders', () => {
    it('takes the locks in sorted order, each once, and releases them all', () => {
      const steps: string[] = [];
      const locks = FolderLocks.acquire([path.join(parent, 'z'), folder, path.join(parent, 'a'), folder], { beforeStep: step => steps.push(step) });
      expect(steps).to.deep.equal([`create:${path.join(parent, '.a.lock')}`, `create:${lock}`, `create:${path.join(parent, '.z.lock')}`]);
      locks.assertHeld();
      locks.release();
      expect(fs.readdirSync(parent)).to.deep.equal([]);
    });

    it('fails when one of them is held, and keeps none', () => {
      const other = FolderLock.acquire(path.join(parent, 'shared.pki'));
      expect(() => FolderLocks.acquire([folder, path.join(parent, 'shared.pki')])).to.throw(OutdirError, /shared\.pki is being written by another synth/);
      expect(fs.readdirSync(parent)).to.deep.equal(['.shared.pki.lock']);
      other.release();
    });

    it('fails when a lock was replaced while held', () => {
      const locks = FolderLocks.acquire([folder]);
      fs.writeFileSync(lock, lockText(12345));
      expect(() => locks.assertHeld()).to.throw(OutdirError, `the lock ${lock} of ${folder} was removed or replaced while this synth held it`);
      locks.release();
      expect(fs.readFileSync(lock, 'utf-8')).to.equal(lockText(12345)); // not ours: left
    });
  });
});
