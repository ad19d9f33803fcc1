// Two synths at once, in child processes: on one output folder, on two output folders
// sharing one PKI folder, and over a lock left by a synth that died. Exactly one writes
// while the other fails fast naming the holder, or they write one after the other; the
// output folder is always one whole output, the user's `.vagrant/` is never lost, and the
// PKI folder always holds the keys the outputs embed.
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { ChildPool, ChildResult, childScript } from './child-synth';
import { FaultScene } from './fault-scene';
import { FaultVariant } from './fault-trees';
import { OutdirError } from '../../lib';
import { lockFileOf } from '../../lib/synth/folder-lock';
import { kubeconfigParts } from '../support/flatcar';
import { snapshot, tempDir } from '../support/snapshot';

/** What the loser of a race reports: the lock, held by a live process of this host. */
const HELD = /is being written by another synth: process \d+ on this host .* since \S+ holds the lock \S+\.lock\. Wait for it to end/;

/** A pid that no process has: one of a process that has ended (and been reaped). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

/** The text of a lock file naming a holder. */
function lockText(pid: number, hostname: string): string {
  return `${JSON.stringify({ pid, hostname, startedAt: '2020-01-02T03:04:05.000Z', nonce: 'feedfacefeedface' }, undefined, 2)}\n`;
}

/** Classifies a race of two synths, checking each failed one failed on the lock. */
function outcomeOf(a: ChildResult, b: ChildResult): 'one after the other' | 'one wrote, one failed on the lock' {
  for (const result of [a, b].filter(r => !r.done)) {
    expect(result.error?.name, result.stderr).to.equal('OutdirError');
    expect(result.error?.message).to.match(HELD);
  }
  expect(a.done || b.done, 'neither synth wrote').to.equal(true);
  return a.done && b.done ? 'one after the other' : 'one wrote, one failed on the lock';
}

function tally(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

describe('concurrent synths (child processes)', function () {
  this.timeout(300_000);
  before(() => childScript());

  describe('on one output folder', () => {
    let scene: FaultScene;
    let children: ChildPool;
    beforeEach(() => {
      scene = FaultScene.create('classic');
      children = new ChildPool({ tree: 'classic', outdir: scene.outdir });
    });
    afterEach(async () => {
      await children.close();
      scene.dispose();
    });

    /** Starts two synths of the two trees at the same instant; checks what they leave; returns how it went. */
    async function race(): Promise<string> {
      const [first, second] = [await children.take(), await children.take()];
      first.go({ variant: 'old' });
      second.go({ variant: 'new' });
      const [a, b] = await Promise.all([first.exited(), second.exited()]);
      const outcome = outcomeOf(a, b);
      // The output is the one written last: the only one, or the later of the two (both went at the same instant).
      const expected: FaultVariant = a.done && b.done ? (a.doneMs! > b.doneMs! ? 'old' : 'new') : a.done ? 'old' : 'new';
      expect(scene.stateOf(), `${outcome}: ${scene.differences(expected).join(', ')}`).to.equal(expected);
      expect(scene.userFilesInOutdir(), 'the user\'s files').to.equal(true);
      expect(scene.leftovers()).to.deep.equal([]);
      return outcome;
    }

    it('lets one synth write at a time: the other fails naming the holder, or waits its turn', async () => {
      const outcomes = new Map<string, number>();
      for (let round = 0; round < 12; round++) {
        tally(outcomes, await race());
      }
      console.log(`      12 races: ${[...outcomes].map(([key, count]) => `${key}: ${count}`).join(', ')}`);
      expect(outcomes.get('one wrote, one failed on the lock')).to.be.greaterThan(0);
    });

    it('takes over a lock whose process is gone, with two synths racing for it', async () => {
      const outcomes = new Map<string, number>();
      for (let round = 0; round < 6; round++) {
        fs.writeFileSync(lockFileOf(scene.outdir), lockText(deadPid(), os.hostname()));
        tally(outcomes, await race());
        expect(fs.existsSync(lockFileOf(scene.outdir))).to.equal(false);
      }
      console.log(`      6 races over a stale lock: ${[...outcomes].map(([key, count]) => `${key}: ${count}`).join(', ')}`);
    });

    it('takes over a lock of this host whose process is gone, and removes it when done', () => {
      fs.writeFileSync(lockFileOf(scene.outdir), lockText(deadPid(), os.hostname()));
      scene.synth('new');
      expect(scene.stateOf()).to.equal('new');
      expect(scene.leftovers()).to.deep.equal([]);
    });

    it('fails when the lock is held by a process of another host, and leaves the lock and the output as they were', () => {
      const lock = lockFileOf(scene.outdir);
      const text = lockText(deadPid(), 'build-7.example.org');
      fs.writeFileSync(lock, text);
      const before = snapshot(scene.outdir);
      expect(() => scene.synth('new')).to.throw(OutdirError, new RegExp(
        `is being written by another synth: process \\d+ on host build-7\\.example\\.org since 2020-01-02T03:04:05\\.000Z holds the lock ${lock.replace(/\./g, '\\.')}\\. `
        + 'Wait for it to end and synth again; it can\'t be checked from here: if no synth runs on build-7\\.example\\.org any more, delete .*\\.lock and synth again'));
      expect(fs.readFileSync(lock, 'utf-8')).to.equal(text);
      expect(snapshot(scene.outdir)).to.deep.equal(before);
      fs.rmSync(lock);
    });
  });

  describe('on two output folders sharing one PKI folder', () => {
    let repo: string;
    beforeEach(() => {
      repo = tempDir();
      spawnSync('git', ['init', '-q', repo]);
    });
    afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

    it('never mixes two PKIs: the outputs embed the CA the PKI folder keeps', async () => {
      const pkiDir = path.join(repo, 'shared.pki');
      const outdirs = [path.join(repo, 'a'), path.join(repo, 'b')];
      const pools = outdirs.map(outdir => new ChildPool({ tree: 'flatcar', outdir, pkiDir }));
      const outcomes = new Map<string, number>();
      try {
        for (let round = 0; round < 4; round++) {
          // A new PKI each round: both synths would make one, and the later commit would replace the earlier.
          fs.rmSync(pkiDir, { recursive: true, force: true });
          outdirs.forEach(outdir => fs.rmSync(outdir, { recursive: true, force: true }));
          const children = [await pools[0].take(), await pools[1].take()];
          children.forEach(child => child.go({ variant: 'old' }));
          const results = await Promise.all(children.map(child => child.exited()));
          tally(outcomes, outcomeOf(results[0], results[1]));
          const ca = new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'kubernetes-ca.crt')));
          results.forEach((result, i) => {
            if (!result.done) {
              expect(fs.existsSync(outdirs[i]), 'the output of the synth that failed').to.equal(false);
              return;
            }
            const admin = kubeconfigParts(fs.readFileSync(path.join(outdirs[i], 'admin.kubeconfig'), 'utf-8'));
            expect(admin.ca.fingerprint256, `round ${round}: ${outdirs[i]} embeds another CA than the PKI folder keeps`).to.equal(ca.fingerprint256);
          });
          expect(fs.readdirSync(repo).sort()).to.deep.equal(['.git', ...outdirs.filter((_, i) => results[i].done).map(o => path.basename(o)), 'shared.pki'].sort());
        }
      } finally {
        await Promise.all(pools.map(pool => pool.close()));
      }
      console.log(`      4 races: ${[...outcomes].map(([key, count]) => `${key}: ${count}`).join(', ')}`);
    });
  });
});
