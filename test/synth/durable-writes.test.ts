import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { DurableWrites } from '../../lib/synth/durable-writes';
import { requireTool, toolsRequired } from '../support/required-tool';
import { leftovers, snapshot, tempDir } from '../support/snapshot';

const REPO = path.resolve(__dirname, '..', '..');

/** One system call of the synth's main thread, as strace printed it. */
type Call =
  | { call: 'open'; fd: number; file: string; creates: boolean; readsNoFollow: boolean }
  | { call: 'link'; from: string; to: string }
  | { call: 'fdatasync'; fd: number; failed: boolean }
  | { call: 'fsync' | 'close'; fd: number }
  | { call: 'rename'; from: string; to: string };

/**
 * Synthesizes the seed cluster with `nodes` nodes into `outdir` in a child process under strace, which
 * records its main thread's opens, flushes, closes, renames and links (a synchronous synth makes all of them
 * there); `straceArgs` adds options, such as fault injections. Returns the calls and the child's exit status and stderr.
 */
function tracedSynth(outdir: string, nodes: number, straceArgs: string[] = []): { calls: Call[]; status: number | null; stderr: string } {
  const trace = `${outdir}.strace`;
  const code = "require('./lib').VagrantCluster.fromMembers({ etcd: [3, 1, 256, 11], node: [Number(process.argv[2]), 2, 2048, 100] }, "
    + '{ outdir: process.argv[1] }).synth()';
  const child = spawnSync('strace', [
    '-qq', '-s', '4096', '-o', trace, '-e', 'trace=openat,fdatasync,fsync,close,rename,renameat,renameat2,link,linkat', ...straceArgs,
    process.execPath, '-r', 'ts-node/register', '-e', code, outdir, String(nodes),
  ], { cwd: REPO, encoding: 'utf-8' });
  const calls = fs.readFileSync(trace, 'utf-8').split('\n').flatMap(parseCall);
  fs.rmSync(trace);
  return { calls, status: child.status, stderr: child.stderr };
}

function parseCall(line: string): Call[] {
  let match = /^openat\(AT_FDCWD, "(.*)", ([A-Z_|]+)(?:, \d+)?\)\s+= (\d+)$/.exec(line);
  if (match) {
    const flags = match[2];
    return [{ call: 'open', file: match[1], creates: /O_CREAT\b/.test(flags) && /O_EXCL\b/.test(flags), readsNoFollow: /O_RDONLY\b/.test(flags) && /O_NOFOLLOW\b/.test(flags), fd: Number(match[3]) }];
  }
  match = /^fdatasync\((\d+)\)\s+= (0|-1 .*)$/.exec(line);
  if (match) { return [{ call: 'fdatasync', fd: Number(match[1]), failed: match[2] !== '0' }]; }
  match = /^(fsync|close)\((\d+)\)\s+= 0$/.exec(line);
  if (match) { return [{ call: match[1] as 'fsync' | 'close', fd: Number(match[2]) }]; }
  match = /^rename(?:at2?)?\((?:AT_FDCWD, )?"(.*)", (?:AT_FDCWD, )?"(.*?)"(?:, \w+)?\)\s+= 0$/.exec(line);
  if (match) { return [{ call: 'rename', from: match[1], to: match[2] }]; }
  match = /^link(?:at)?\((?:AT_FDCWD, )?"(.*)", (?:AT_FDCWD, )?"(.*?)"(?:, \w+)?\)\s+= 0$/.exec(line);
  if (match) { return [{ call: 'link', from: match[1], to: match[2] }]; }
  return [];
}

/**
 * What the calls did to the files created in `staging/`, and to the files of the previous output
 * `outdir` that were linked into it unchanged (each opened to be compared, then linked).
 */
function stagedFiles(calls: Call[], outdir: string): {
  created: string[]; linked: string[]; flushed: string[]; mostOpen: number; stillOpen: string[]; order: string[];
} {
  const staging = `${path.sep}staging${path.sep}`;
  const open = new Map<number, string>();
  const created: string[] = [];
  const linked: string[] = [];
  const flushed: string[] = [];
  const order: string[] = []; // 'data', 'folder' and 'commit', in the order they happened
  let mostOpen = 0;
  for (const call of calls) {
    if (call.call === 'open' && ((call.creates && call.file.includes(staging)) || (call.readsNoFollow && call.file.startsWith(`${outdir}${path.sep}`)))) {
      open.set(call.fd, call.file);
      if (call.creates) { created.push(call.file); }
      mostOpen = Math.max(mostOpen, open.size);
    } else if (call.call === 'link' && call.to.includes(staging)) {
      linked.push(call.from);
    } else if (call.call === 'fdatasync' && !call.failed && open.has(call.fd)) {
      flushed.push(open.get(call.fd)!);
      order.push('data');
    } else if (call.call === 'close') {
      open.delete(call.fd);
    } else if (call.call === 'fsync' && created.length + linked.length > 0 && !order.includes('commit')) {
      order.push('folder');
    } else if (call.call === 'rename' && call.from.endsWith(`${path.sep}staging`) && call.to.endsWith(`${path.sep}ready`)) {
      order.push('commit');
    }
  }
  return { created, linked, flushed, mostOpen, stillOpen: [...open.values()], order };
}

/** Skips (or, in CI, fails) the test when strace is missing or may not trace here (ptrace refused, as in some containers). */
function requireStrace(test: Mocha.Context): void {
  requireTool(test, 'strace', 'apt-get install -y strace');
  const probe = spawnSync('strace', ['-qq', '-o', '/dev/null', 'true'], { encoding: 'utf-8' });
  if (probe.status === 0) { return; }
  const reason = `strace cannot trace here (${(probe.stderr || probe.error?.message || '').trim().split('\n')[0]})`;
  if (toolsRequired()) { throw new Error(`${reason}; CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1 requires it`); }
  process.stdout.write(`      skipped: ${reason}\n`);
  test.skip();
}

describe('durable writes', function () {
  this.timeout(120_000);
  let parent: string;
  beforeEach(function () {
    requireStrace(this);
    parent = tempDir();
  });
  afterEach(() => { if (parent) { fs.rmSync(parent, { recursive: true, force: true }); } });

  it(`flushes every staged file's data, at most ${DurableWrites.BATCH} files open at a time, then the folders, before the commit point`, () => {
    const outdir = path.join(parent, 'out');
    const { calls, status, stderr } = tracedSynth(outdir, 60);
    expect(status, stderr).to.equal(0);
    const staged = stagedFiles(calls, outdir);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8')) as { files: unknown[] };
    expect(staged.created).to.have.length(manifest.files.length + 1); // and manifest.json
    expect(staged.created.length).to.be.greaterThan(2 * DurableWrites.BATCH);
    expect([...staged.flushed].sort()).to.deep.equal([...staged.created].sort());
    expect(staged.stillOpen).to.deep.equal([]);
    expect(staged.mostOpen).to.equal(DurableWrites.BATCH);
    // Every data flush comes before the first folder flush, and the folder flushes before the commit point.
    const firstFolder = staged.order.indexOf('folder');
    expect(staged.order.lastIndexOf('data')).to.be.lessThan(firstFolder);
    expect(staged.order.indexOf('commit')).to.be.greaterThan(firstFolder);
    expect(staged.order.filter(step => step === 'commit')).to.have.length(1);
  });

  it('flushes the data of every file it links unchanged from the previous output, before the folders and the commit point', () => {
    const outdir = path.join(parent, 'out');
    expect(tracedSynth(outdir, 40).status).to.equal(0);
    const { calls, status, stderr } = tracedSynth(outdir, 41); // one node more: most files stay the same
    expect(status, stderr).to.equal(0);
    const staged = stagedFiles(calls, outdir);
    expect(staged.linked.length).to.be.greaterThan(DurableWrites.BATCH);
    expect(staged.created.length).to.be.greaterThan(0);
    expect([...staged.flushed].sort()).to.deep.equal([...staged.linked, ...staged.created].sort());
    expect(staged.stillOpen).to.deep.equal([]);
    expect(staged.mostOpen).to.be.at.most(DurableWrites.BATCH + 1); // a batch of new files, and the old file being compared
    const firstFolder = staged.order.indexOf('folder');
    expect(staged.order.lastIndexOf('data')).to.be.lessThan(firstFolder);
    expect(staged.order.indexOf('commit')).to.be.greaterThan(firstFolder);
  });

  it('fails when the disk fails a flush, keeping the old output whole and closing every staged file', () => {
    const outdir = path.join(parent, 'out');
    expect(tracedSynth(outdir, 4).status).to.equal(0);
    const before = snapshot(outdir);
    // From the 5th on, every flush of the next synth fails, as a dying disk's would: with EIO. (A file the old
    // output holds unchanged is flushed before it is linked; if that flush fails, the file is written anew.)
    const { calls, status, stderr } = tracedSynth(outdir, 60, ['-e', 'inject=fdatasync:error=EIO:when=5+']);
    expect(status).to.not.equal(0);
    expect(stderr).to.match(/EIO: i\/o error, fdatasync/);
    const staged = stagedFiles(calls, outdir);
    expect(staged.created.length).to.be.greaterThan(0);
    expect(staged.stillOpen).to.deep.equal([]);
    expect(staged.order).to.not.include('commit');
    expect(snapshot(outdir)).to.deep.equal(before);
    expect(leftovers(parent).filter(name => !name.endsWith('.strace'))).to.deep.equal([]);
  });

  it('fails when the file system reports an error on closing a flushed file (as NFS and FUSE may), keeping the old output whole', () => {
    const outdir = path.join(parent, 'out');
    expect(tracedSynth(outdir, 4).status).to.equal(0);
    const before = snapshot(outdir);
    // Only the staged Vagrantfile is traced (-P), and its close fails once its data was flushed. With one node
    // more, it differs from the old one, so it is written (an unchanged file would be linked instead).
    const vagrantfile = path.join(parent, '.out.writing', 'staging', 'Vagrantfile');
    const { calls, status, stderr } = tracedSynth(outdir, 5, ['-P', vagrantfile, '-e', 'inject=close:error=EIO:when=1']);
    expect(status).to.not.equal(0);
    expect(stderr).to.match(/EIO: i\/o error, close/);
    expect(calls.some(call => call.call === 'fdatasync' && !call.failed), 'the file was flushed before its close failed').to.equal(true);
    expect(snapshot(outdir)).to.deep.equal(before);
    expect(leftovers(parent).filter(name => !name.endsWith('.strace'))).to.deep.equal([]);
  });
});
