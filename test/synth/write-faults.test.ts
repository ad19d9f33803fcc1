// A synth killed (SIGKILL, as by the OOM killer or a second Ctrl-C) at every step of the
// write, then at random instants, in a scratch git repository: the output folder is always a
// whole output (the old one, the new one, or, killed between the swap's two renames, the new
// one waiting whole to be installed), the user's `.vagrant/` is never lost, no file holding a
// private key is ever left where git would not ignore it, and the next synth leaves the new
// output and nothing beside it.
//
// The random part prints its seed; replay a run with CDK_VAGRANT_KUBERNETES_FAULT_SEED=<seed>,
// and change its size with CDK_VAGRANT_KUBERNETES_FAULT_KILLS=<count> (the random kills of both trees together).
import * as fs from 'node:fs';
import { expect } from 'chai';
import { ChildPool, ChildResult, childScript } from './child-synth';
import type { FaultChildGo } from './fault-child';
import { FaultScene } from './fault-scene';
import { FaultTree, FaultVariant } from './fault-trees';
import { WriteArea } from '../../lib/synth/write-area';

/** A small seeded random generator (mulberry32): the same seed, the same delays. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.CDK_VAGRANT_KUBERNETES_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RANDOM_KILLS = Number(process.env.CDK_VAGRANT_KUBERNETES_FAULT_KILLS ?? 200);

/** The last step a child printed before it died. */
function lastStep(result: ChildResult): string {
  return result.steps[result.steps.length - 1] ?? '(none: killed before the lock)';
}

/**
 * What must hold right after a synth from `from` to `to` was killed, and after the synth
 * that follows (in this process, writing `to` again): throws naming `context` (the step, or
 * the seed and delay of a random kill). Leaves the output folder holding `to`.
 */
function checkAfterKill(scene: FaultScene, from: FaultVariant, to: FaultVariant, context: string): string {
  const fail = (what: string) => new Error(`${context}: ${what}`);
  checkedKills += 1;
  const found = scene.stateOf();
  let state: string;
  if (found === from || found === to) {
    state = found === from ? 'old output' : 'new output';
  } else if (found === 'missing' && scene.stateOf(WriteArea.of(scene.outdir).ready) === to) {
    state = 'new output waiting between the renames';
  } else {
    throw fail(`the output folder is ${found}, neither the old output (${from}) nor the new (${to}): `
      + `against the old ${scene.differences(from).slice(0, 5).join(', ')}; against the new ${scene.differences(to).slice(0, 5).join(', ')}`);
  }
  for (const [relative, where] of Object.entries(scene.userFileLocations())) {
    if (where.length !== 1) { throw fail(`the user's ${relative} is in ${where.length} places: ${where.join(', ') || 'nowhere'}`); }
  }
  const unignored = scene.unignoredKeyFiles();
  if (unignored.length > 0) { throw fail(`files holding private keys are not ignored by git: ${unignored.join(', ')}`); }

  try {
    scene.synth(to);
  } catch (error) {
    throw fail(`the next synth failed: ${(error as Error).message}`);
  }
  if (scene.stateOf() !== to) { throw fail(`after the next synth the output folder is ${scene.stateOf()}, not the new output (${to})`); }
  if (!scene.userFilesInOutdir()) { throw fail(`after the next synth the user's files are not all in the output folder: ${JSON.stringify(scene.userFileLocations())}`); }
  if (scene.leftovers().length > 0) { throw fail(`after the next synth these are left beside the output folder: ${scene.leftovers().join(', ')}`); }
  return state;
}

/** How many killed synths {@link checkAfterKill} found sound (it throws at the first that is not). */
let checkedKills = 0;

/** The summary of the failure classes, all 0 when the checks got this far. */
function soundSummary(kills: number): string {
  return `${kills} killed synths checked: 0 mixed output folders, 0 times the user's .vagrant/ lost, `
    + '0 key-bearing files that git does not ignore, 0 leftovers after the next synth';
}

/** The other variant. */
function other(variant: FaultVariant): FaultVariant {
  return variant === 'old' ? 'new' : 'old';
}

/** Counts of what was seen, for the summary line. */
function tally(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function summary(counts: Map<string, number>): string {
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `${key}: ${count}`).join(', ');
}

for (const tree of ['classic', 'flatcar'] as FaultTree[]) {
  describe(`writer killed by SIGKILL (${tree} tree, child synths in a git repository)`, function () {
    this.timeout(300_000);
    let scene: FaultScene;
    let children: ChildPool;
    /** What the output folder holds now: each synth writes the other variant. */
    let current: FaultVariant;
    /** Every step of a whole synth, lock steps included. */
    let steps: string[];

    /** Runs a child synth of the other variant, killed as asked; the output folder is then whole again. */
    async function killedSynth(kill: Omit<FaultChildGo, 'variant'>, context: string, check = true, pool = children): Promise<{ result: ChildResult; state?: string }> {
      const from = current;
      const to = other(current);
      const result = await pool.run({ variant: to, ...kill });
      if (!check) {
        return { result };
      }
      const state = checkAfterKill(scene, from, to, context);
      current = to;
      return { result, state };
    }

    before(async () => {
      childScript();
      scene = FaultScene.create(tree);
      current = 'old';
      children = new ChildPool({ tree, outdir: scene.outdir, pkiDir: scene.pkiDir });
      const { result } = await killedSynth({}, 'a whole synth');
      expect(result.done, result.stderr).to.equal(true);
      steps = result.steps;
    });
    after(async () => {
      await children?.close();
      scene?.dispose();
    });

    it('starts from a whole output with the user\'s files, and keys only where git ignores them', () => {
      expect(scene.stateOf()).to.equal(current);
      expect(scene.userFilesInOutdir()).to.equal(true);
      expect(scene.unignoredKeyFiles()).to.deep.equal([]);
      if (tree === 'flatcar') { expect(scene.keyFileCount()).to.be.greaterThan(10); }
      expect(steps).to.include.members(['open', 'write:manifest.json', 'commit', 'ready', 'swap', 'install', 'cleanup']);
      expect(steps.filter(step => step.startsWith('carry:'))).to.have.length(Object.keys(scene.userFiles).length);
    });

    it('keeps a whole output and the user\'s files when killed at each step, and the next synth completes it', async () => {
      const outcomes = new Map<string, number>();
      for (const step of steps) {
        const { result, state } = await killedSynth({ killAt: step }, `killed at ${step}`);
        expect(result.signal, `killed at ${step}: ${result.stderr}`).to.equal('SIGKILL');
        expect(lastStep(result)).to.equal(step);
        tally(outcomes, state!);
      }
      // Before the commit point the old output stays; from it on, the new one is there or waits whole.
      expect(outcomes.get('old output')).to.be.greaterThan(steps.length / 2);
      expect(outcomes.get('new output waiting between the renames')).to.equal(1);
      console.log(`      ${steps.length} kills at steps: ${summary(outcomes)}`);
      console.log(`      ${soundSummary(steps.length)}`);
    });

    // The settling code is the same for both trees (the PKI folder is not written when it is ready): run once, on the classic one.
    if (tree === 'classic') {
      it('settles what a killed synth left even when the synth settling it is killed too, at each step of its own', async () => {
        const firstKills = steps.filter(step => /^(carry:|ready$|swap$|install$|cleanup$)/.test(step));
        expect(firstKills.length).to.be.greaterThan(3);
        let kills = 0;
        const saved = `${scene.repo}.saved`;
        try {
          for (const first of firstKills) {
            // The state a kill at `first` leaves, kept aside to start each second kill from it.
            const from = current;
            const to = other(from);
            await killedSynth({ killAt: first }, `killed at ${first}`, false);
            fs.cpSync(scene.repo, saved, { recursive: true });
            // Which steps the settling synth takes: learnt from one that is not killed.
            const learner = await children.run({ variant: to });
            expect(learner.done, learner.stderr).to.equal(true);
            const recoverySteps = learner.steps.filter(step => /^(recover|takeover|aside):/.test(step));
            expect(recoverySteps, `after a kill at ${first}`).to.not.deep.equal([]);
            for (const second of recoverySteps) {
              fs.rmSync(scene.repo, { recursive: true, force: true });
              fs.cpSync(saved, scene.repo, { recursive: true });
              const result = await children.run({ variant: to, killAt: second });
              expect(result.signal, `killed at ${first}, then at ${second}`).to.equal('SIGKILL');
              checkAfterKill(scene, from, to, `killed at ${first}, then the next synth killed at ${second}`);
              kills += 1;
            }
            fs.rmSync(saved, { recursive: true, force: true });
            current = to;
          }
        } finally {
          fs.rmSync(saved, { recursive: true, force: true });
        }
        console.log(`      ${firstKills.length} leftover states, each settled by a synth killed at each of its steps: ${kills} kills`);
      });
    }

    // The random kills are shared: four fifths on the classic tree (the faster synth), one fifth on the Flatcar tree (private keys).
    const flatcarKills = Math.ceil(RANDOM_KILLS / 5);
    const randomKills = tree === 'classic' ? RANDOM_KILLS - flatcarKills : flatcarKills;
    it(`keeps a whole output and the user's files under ${randomKills} kills at random instants (seed ${SEED})`, async () => {
      const random = randomGenerator(tree === 'classic' ? SEED : SEED + 1);
      const timedChildren = new ChildPool({ tree, outdir: scene.outdir, pkiDir: scene.pkiDir, timed: true });
      // How long a child synth takes from `go` to its end, and how long its write: medians of the last
      // seven synths that ended whole (three to start with, then every one a kill came too late for),
      // so that the kills follow the machine's pace. A quarter of the kills are spread over the whole
      // synth, the rest over the write. A synth that ends before its kill is checked too, but is no kill.
      const totals: number[] = [];
      const writes: number[] = [];
      const observe = (result: ChildResult) => {
        totals.push(result.doneMs!);
        writes.push(result.doneMs! - result.writeStartMs!);
        totals.splice(0, totals.length - 7);
        writes.splice(0, writes.length - 7);
      };
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      for (let i = 0; i < 3; i++) {
        const { result } = await killedSynth({}, 'a whole synth', true, timedChildren);
        expect(result.done, result.stderr).to.equal(true);
        observe(result);
      }
      const outcomes = new Map<string, number>();
      const killPoints = new Map<string, number>();
      const checkedBefore = checkedKills;
      let kills = 0;
      let tooLate = 0;
      while (kills < randomKills) {
        expect(tooLate, `more than ${randomKills} synths ended before their kill`).to.be.at.most(randomKills);
        const kill: Omit<FaultChildGo, 'variant'> = (kills + tooLate) % 4 === 0
          ? { killAfterMs: random() * median(totals), anchor: 'go' }
          : { killAfterMs: random() * median(writes), anchor: 'open' };
        const context = `random kill ${kills + 1} of ${randomKills} (seed ${SEED}, tree ${tree}, ${kill.killAfterMs!.toFixed(3)} ms after ${kill.anchor})`;
        const { result, state } = await killedSynth(kill, context, true, timedChildren);
        if (result.done) {
          tooLate += 1;
          observe(result);
          continue;
        }
        expect(result.signal, `${context}: ${result.stderr}`).to.equal('SIGKILL');
        kills += 1;
        tally(killPoints, lastStep(result).replace(/:.*/, ':*'));
        tally(outcomes, state!);
      }
      await timedChildren.close();
      expect(checkedKills - checkedBefore).to.equal(kills + tooLate);
      console.log(`      seed ${SEED}: synth ${median(totals).toFixed(1)} ms, write ${median(writes).toFixed(1)} ms (medians at the end); `
        + `${kills} kills, ${tooLate} more synths ended before their kill; outputs after the kills: ${summary(outcomes)}`);
      console.log(`      last step begun before the kill: ${summary(killPoints)}`);
      console.log(`      ${soundSummary(kills)}`);
    });
  });
}
