import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileOnTheWay } from './file-on-the-way';
import { OutdirError } from './outdir-error';

/** Who holds a lock: the JSON a lock file holds. */
export interface LockHolder {
  /** Process id of the synth. */
  readonly pid: number;
  /** Host the synth runs on (a pid means something only there). */
  readonly hostname: string;
  /** When it took the lock, ISO 8601. */
  readonly startedAt: string;
  /**
   * The kernel's boot id (Linux): another one means the host restarted since, and the holder is gone
   * even if a new process got its pid.
   */
  readonly bootId?: string;
  /**
   * Its pid namespace (Linux, e.g. `pid:[4026531836]`): a container that shares the host's name has
   * its own pids, so a holder of another namespace can't be checked from here.
   */
  readonly pidNamespace?: string;
  /** Random, so that two holders never write the same text. */
  readonly nonce: string;
}

/** Test hooks: called before each step, so a test can interleave two takers. */
export interface LockHooks {
  /**
   * Called with `create:<lock>`, `takeover:<lock>` (before renaming a stale lock aside) and
   * `aside:<lock>` (once renamed aside, before reading it back).
   */
  readonly beforeStep?: (step: string) => void;
}

/**
 * The lock file of `folder`: `.<name>.lock` beside it, in its parent folder's real path
 * when that exists, so that two spellings of one folder (through a symbolic link) share one lock.
 */
export function lockFileOf(folder: string): string {
  const target = path.resolve(folder);
  let parent = path.dirname(target);
  try {
    parent = fs.realpathSync.native(parent);
  } catch {
    // Not there yet: acquire creates it (and the path then is its real path).
  }
  return path.join(parent, `.${path.basename(target)}.lock`);
}

/**
 * An exclusive claim on a folder by one synth, as a file beside the folder.
 *
 * The lock file is made whole before it appears: its JSON is written to a file
 * of this process (`<lock>.<pid>@<host>.new`, created exclusively) that is then
 * hard-linked to the lock's name, which fails when the name exists. So a lock
 * file always names its holder, even when a synth is killed while taking it.
 *
 * A lock whose holder is gone (same host, and `kill(pid, 0)` answers ESRCH) is
 * taken over: renamed aside to a name of this process, and only a taker that
 * finds there the very file it judged stale goes on (a late taker that moved
 * a fresh lock puts it back); then the lock is created again, exclusively. A
 * lock of another host is never taken over: its pid can't be checked from here.
 */
export class FolderLock {
  /**
   * Takes the lock of `folder`, creating the folder's parent when needed.
   * @throws OutdirError naming the holder, the lock file, and what to do if it is stale.
   */
  public static acquire(folder: string, hooks: LockHooks = {}): FolderLock {
    const parent = path.dirname(path.resolve(folder));
    let createdParent: string | undefined;
    try {
      createdParent = fs.mkdirSync(parent, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') {
        throw new OutdirError(`cannot make ${parent}, the folder of ${folder}: ${fileOnTheWay(parent) ?? 'a part of it'} is a file; expected a path whose every part is a folder (or nothing yet)`);
      }
      throw accessError(folder, parent, error);
    }
    const file = lockFileOf(folder);
    const step = hooks.beforeStep ?? (() => undefined);
    try {
      // Three rounds at most: a takeover and a retry, with room for a holder that ends meanwhile.
      for (let round = 0; round < 3; round++) {
        step(`create:${file}`);
        const text = holderText();
        if (createExclusively(file, text)) {
          const lock = new FolderLock(path.resolve(folder), file, text, createdParent);
          try {
            removeDeadScratch(file);
          } catch {
            // What dead takers left stays for a later synth to clean: the lock is taken.
          }
          return lock;
        }
        const found = readLock(file);
        if (found === undefined) { continue; } // released meanwhile
        if (found.holder && isGone(found.holder)) {
          step(`takeover:${file}`);
          if (takeOver(file, found.text, step)) { continue; }
          const now = readLock(file);
          if (now === undefined) { continue; }
          throw heldError(folder, file, now.holder);
        }
        throw heldError(folder, file, found.holder);
      }
      throw heldError(folder, file, readLock(file)?.holder);
    } catch (error) {
      removeCreatedFolders(createdParent, parent);
      throw accessError(folder, file, error);
    }
  }

  private released = false;

  private constructor(
    /** The folder the lock is for, absolute. */
    public readonly folder: string,
    /** The lock file. */
    public readonly file: string,
    private readonly text: string,
    private readonly createdParent: string | undefined,
  ) {}

  /** Whether the lock file is still this lock. */
  public get held(): boolean {
    return !this.released && readLock(this.file)?.text === this.text;
  }

  /** Removes the lock file if it is still this lock, and the parent folders taking it created, if empty. Idempotent. */
  public release(): void {
    if (this.released) { return; }
    this.released = true;
    if (readLock(this.file)?.text === this.text) {
      fs.rmSync(this.file, { force: true });
    }
    removeCreatedFolders(this.createdParent, path.dirname(this.folder));
  }
}

/**
 * The locks of several folders, taken in sorted order (so that two synths never
 * wait on each other crosswise) and released in reverse. Duplicates count once.
 */
export class FolderLocks {
  /** Takes every lock, or none: on a failure the ones taken are released and the error rethrown. */
  public static acquire(folders: readonly string[], hooks: LockHooks = {}): FolderLocks {
    const byFile = new Map(folders.map(folder => [lockFileOf(folder), folder]));
    const taken: FolderLock[] = [];
    try {
      for (const file of [...byFile.keys()].sort()) {
        taken.push(FolderLock.acquire(byFile.get(file)!, hooks));
      }
    } catch (error) {
      taken.reverse().forEach(lock => lock.release());
      throw error;
    }
    return new FolderLocks(taken);
  }

  private constructor(public readonly locks: readonly FolderLock[]) {}

  /** Throws when a lock is no longer ours (someone deleted or replaced it): the write must not go on. */
  public assertHeld(): void {
    for (const lock of this.locks) {
      if (!lock.held) {
        throw new OutdirError(`the lock ${lock.file} of ${lock.folder} was removed or replaced while this synth held it; `
          + 'nothing was swapped in. Make sure no other synth writes this folder, and synth again');
      }
    }
  }

  /** Releases every lock, in reverse order. */
  public release(): void {
    [...this.locks].reverse().forEach(lock => lock.release());
  }
}

/** This process as the holder of a lock, as the lock file's text. */
function holderText(): string {
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    ...processSpace(),
    nonce: crypto.randomBytes(8).toString('hex'),
  };
  return `${JSON.stringify(holder, undefined, 2)}\n`;
}

/** `<lock>.<pid>@<host>.<suffix>`: a scratch file of this process beside the lock. */
function scratchOf(file: string, suffix: 'new' | 'stale'): string {
  return `${file}.${process.pid}@${safeHostname()}.${suffix}`;
}

/** The hostname as a file name segment. */
function safeHostname(): string {
  return os.hostname().replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Creates the lock file whole, with `text`; false when it exists. */
function createExclusively(file: string, text: string): boolean {
  const scratch = scratchOf(file, 'new');
  fs.rmSync(scratch, { force: true }); // a scratch file of a dead process that had this pid
  const fd = fs.openSync(scratch, 'wx', 0o644);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(scratch, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') { return false; }
    throw error;
  } finally {
    fs.rmSync(scratch, { force: true });
  }
}

/** The lock file's text and the holder it names (undefined when it names none), or undefined when there is no lock. */
function readLock(file: string): { text: string; holder?: LockHolder } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') { return undefined; }
    throw error;
  }
  try {
    const parsed = JSON.parse(text);
    const valid = Number.isInteger(parsed?.pid) && parsed.pid > 0 && typeof parsed.hostname === 'string' && typeof parsed.startedAt === 'string';
    return { text, holder: valid ? parsed : undefined };
  } catch {
    return { text };
  }
}

/** Whether the holder's process is known to be gone: only a process of this host, and of this pid namespace, can be checked. */
function isGone(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) { return false; }
  const here = processSpace();
  if (holder.bootId !== undefined && here.bootId !== undefined && holder.bootId !== here.bootId) { return true; }
  if (holder.pidNamespace !== undefined && holder.pidNamespace !== here.pidNamespace) { return false; }
  return holder.pid !== process.pid && !processExists(holder.pid);
}

let space: { bootId?: string; pidNamespace?: string } | undefined;

/** This process's boot id and pid namespace, where the system tells them (Linux); read once. */
function processSpace(): { bootId?: string; pidNamespace?: string } {
  if (!space) {
    const read = (get: () => string) => {
      try {
        return get().trim();
      } catch {
        return undefined;
      }
    };
    space = {
      bootId: read(() => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf-8')),
      pidNamespace: read(() => fs.readlinkSync('/proc/self/ns/pid')),
    };
  }
  return space;
}

/** Whether a process of this host exists (EPERM: it does, as another user's). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Moves the stale lock `staleText` aside; true when this process won, i.e. the
 * file it moved is that stale lock. A fresh lock moved by mistake (another taker
 * won and locked first) is put back.
 */
function takeOver(file: string, staleText: string, step: (step: string) => void): boolean {
  const aside = scratchOf(file, 'stale');
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') { return false; } // another taker won
    throw error;
  }
  try {
    step(`aside:${file}`);
    if (fs.readFileSync(aside, 'utf-8') === staleText) { return true; }
    try {
      fs.linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') { throw error; }
      // A third synth locked in the instant the lock was aside. The holder this one moved will find,
      // before it swaps anything in, that the lock is no longer its own (FolderLocks.assertHeld), and stop.
    }
    return false;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

/** Removes scratch files beside the lock that processes of this host left when they died. */
function removeDeadScratch(file: string): void {
  const prefix = `${path.basename(file)}.`;
  const host = safeHostname();
  for (const name of fs.readdirSync(path.dirname(file))) {
    const match = name.startsWith(prefix) ? /^(\d+)@(.+)\.(new|stale)$/.exec(name.slice(prefix.length)) : null;
    if (match && match[2] === host && Number(match[1]) !== process.pid && !processExists(Number(match[1]))) {
      fs.rmSync(path.join(path.dirname(file), name), { force: true });
    }
  }
}

/** Removes the folders `mkdirSync(..., { recursive: true })` created (from `first` down to `deepest`), those left empty. */
function removeCreatedFolders(first: string | undefined, deepest: string): void {
  if (first === undefined) { return; }
  for (let folder = deepest; folder.startsWith(first); folder = path.dirname(folder)) {
    try {
      fs.rmdirSync(folder);
    } catch {
      return; // not empty: the output (or something else) lives there now
    }
    if (folder === first) { return; }
  }
}

/** A file system's refusal to let this user lock `folder` as an OutdirError saying so; any other error as it is. */
function accessError(folder: string, at: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') { return error; }
  return new OutdirError(`cannot lock ${folder}: ${code} on ${at} (${(error as Error).message}); expected a place this user may create `
    + 'files in, since synth keeps its lock beside the folder');
}

/** The error of a lock held by another synth, or of a lock file that names no holder. */
function heldError(folder: string, file: string, holder: LockHolder | undefined): OutdirError {
  if (!holder) {
    return new OutdirError(`${folder} is locked: ${file} exists but names no holder (it was not written by a synth, or was damaged); `
      + `if no synth of this folder is running, delete ${file} and synth again`);
  }
  const otherSpace = holder.pidNamespace !== undefined && holder.pidNamespace !== processSpace().pidNamespace;
  const here = holder.hostname === os.hostname() && !otherSpace;
  const where = otherSpace ? `host ${holder.hostname} in another pid namespace (${holder.pidNamespace}: a container?)`
    : here ? `this host ${holder.hostname}` : `host ${holder.hostname}`;
  const who = `process ${holder.pid} on ${where} since ${holder.startedAt}`;
  const stale = here
    ? `if process ${holder.pid} is not a synth (its pid was reused), delete ${file} and synth again`
    : `it can't be checked from here: if no synth runs on ${otherSpace ? 'it' : holder.hostname} any more, delete ${file} and synth again`;
  return new OutdirError(`${folder} is being written by another synth: ${who} holds the lock ${file}. `
    + `Wait for it to end and synth again; ${stale}`);
}
