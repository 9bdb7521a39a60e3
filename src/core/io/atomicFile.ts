import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Bytes a writer holds before it waits for the disk: large enough that a stream of small lines (a results
 * file's records, CSV rows) is written in few system calls and seldom waits, small enough to stay bounded.
 */
const WRITE_BUFFER = 1 << 20;

/**
 * A file written through a hidden temporary file next to it and renamed into place by `commit`: the
 * file is replaced whole or not at all, and a run that fails, is cancelled or is killed leaves no half
 * file (only `.NAME.PID.tmp`, which nothing reads). Writes wait when the disk is slower than the
 * writer, so memory stays bounded. The first write error (a missing folder, a full disk) is reported
 * by `commit`.
 */
export class AtomicFile {
  private failure: Error | undefined;

  private constructor(
    readonly file: string,
    private readonly temp: string,
    private readonly stream: WriteStream,
  ) {}

  static open(file: string): AtomicFile {
    const temp = join(dirname(resolve(file)), `.${basename(file)}.${process.pid}.tmp`);
    const writer = new AtomicFile(file, temp, createWriteStream(temp, { highWaterMark: WRITE_BUFFER }));
    writer.stream.on('error', (error) => (writer.failure ??= error));
    return writer;
  }

  async write(text: string | Uint8Array): Promise<void> {
    if (this.stream.write(text) || this.failure !== undefined || this.stream.destroyed) return;
    await new Promise<void>((done) => {
      const settle = (): void => {
        this.stream.off('drain', settle);
        this.stream.off('close', settle);
        done();
      };
      this.stream.once('drain', settle);
      this.stream.once('close', settle);
    });
  }

  /** Finishes the file and renames it into place; throws (leaving nothing) when a write failed. */
  async commit(): Promise<void> {
    await new Promise<void>((done) => this.stream.end(() => done()));
    if (!this.stream.closed) await new Promise<void>((done) => this.stream.once('close', () => done()));
    if (this.failure !== undefined) {
      await rm(this.temp, { force: true });
      const code = (this.failure as NodeJS.ErrnoException).code ?? this.failure.message;
      throw new AtomicFileError(`cannot write ${this.file} (${code})`);
    }
    await rename(this.temp, this.file);
  }

  /** Drops what was written; an earlier file of that name stays as it was. */
  async discard(): Promise<void> {
    this.stream.destroy();
    if (!this.stream.closed) await new Promise<void>((done) => this.stream.once('close', () => done()));
    await rm(this.temp, { force: true });
  }
}

export class AtomicFileError extends Error {
  override readonly name = 'AtomicFileError';
}
