import * as fs from 'node:fs';

/**
 * Files written a batch at a time, each batch's data flushed to disk after its files are written.
 *
 * Flushing a batch after writing it costs the kernel less than flushing each file as it is written
 * (one journal commit can then carry several files' new entries): on ext4, on a 2-core VM like CI's,
 * 256 files of 1.5 KB took 28 ms of CPU against 38 ms, and a fifth less wall time (medians of 10 runs).
 * A batch keeps its files open, so it is kept well under the usual limit of 1024 open files.
 */
export class DurableWrites {
  /** Files per batch: 16 and 64 measured within 1 ms of each other, and of one batch for all 256. */
  public static readonly BATCH = 32;

  private readonly unflushed: number[] = [];

  /**
   * Creates `file` (never opens one that is there: in staging, that would be a file linked from the previous
   * output, which must stay as it is) and writes `content`; `chmod` when the umask may have stripped bits of
   * `mode`. Its data is on disk once {@link flush} returns, which a full batch calls itself.
   */
  public write(file: string, content: string, mode: number, chmod: boolean): void {
    const fd = fs.openSync(file, 'wx', mode);
    this.unflushed.push(fd);
    fs.writeSync(fd, content);
    if (chmod) { fs.fchmodSync(fd, mode); }
    if (this.unflushed.length >= DurableWrites.BATCH) { this.flush(); }
  }

  /**
   * Flushes the data of every file written since the last flush to disk, and closes them. Throws the
   * first error, of a flush or of a close (NFS and FUSE file systems may store the data only on close,
   * and report its failure there), after closing every one.
   */
  public flush(): void {
    let failure: { error: unknown } | undefined;
    for (const fd of this.unflushed.splice(0)) {
      if (failure) {
        closeQuietly(fd);
        continue;
      }
      try {
        fs.fdatasyncSync(fd);
      } catch (error) {
        failure = { error };
        closeQuietly(fd);
        continue;
      }
      try {
        fs.closeSync(fd);
      } catch (error) {
        failure = { error }; // the descriptor is released even so: never close it again
      }
    }
    if (failure) { throw failure.error; }
  }

  /** Closes the files not flushed yet, without flushing them: the write failed, and they will be deleted. */
  public abandon(): void {
    this.unflushed.splice(0).forEach(closeQuietly);
  }
}

/** Closes a file whose write has already failed, or is abandoned: the first error is the one reported. */
function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // The descriptor is released either way, and the output this file was for will not be installed.
  }
}
