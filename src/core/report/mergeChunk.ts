import { withoutConfusion, type ImageRow } from '../evaluate/record';
import { isAscii } from 'node:buffer';
import type { SkippedFile } from '../types';
import { ValidationError } from '../validation';
import {
  AFTER_THE_END,
  NOT_A_JSON_LINE,
  readBodyLine,
  readResultsHeader,
  resultsLine,
  type EndLine,
  type ResultsHeader,
} from './resultsFile';
import type { StreamingReport } from './streamingReport';

/** Where a chunk stopped being readable. Lines are counted from the chunk's first line (1). */
export interface ChunkFailure {
  readonly line: number;
  readonly message: string;
  /**
   * true: the line is not JSON or not a SegLens line (reported naming the file and line, as
   * readResultsFile does); false: folding its record failed (the error's message, reported as it is).
   */
  readonly inFile: boolean;
}

/**
 * One chunk of a part's lines, checked and folded: everything `seglens merge` needs from it in order
 * (names to refuse an image in two parts, the skipped entries, the lines for `--out`, the rows for
 * --json/--csv), plain data that can come back from a worker thread. Lines count from the chunk's first.
 */
export interface CheckedChunk {
  readonly lines: number;
  /** The first line that is not blank; 0 when there is none. */
  readonly firstContent: number;
  /** The header line, when the chunk was read expecting one and held it. */
  readonly header?: { readonly header: ResultsHeader; readonly line: number };
  readonly images: number;
  readonly skipped: number;
  /** The end line: what it counts and where it is. */
  readonly end?: EndLine;
  /** The image names in line order, and the line of each (for the message naming a twin). */
  readonly names: string[];
  readonly nameLines: number[];
  readonly skippedEntries: SkippedFile[];
  /** The image lines as read and the skipped lines, as `--out` holds them (UTF-8, each ending with `\n`). */
  readonly out: Uint8Array;
  /** The images' rows, when the report keeps them (--json, --csv). */
  readonly rows: ImageRow[];
  /** Set when a line could not be read: everything above is what came before that line. */
  readonly failure?: ChunkFailure;
}

/**
 * The lines a chunk gives `--out`: image lines as read, skipped lines written anew, each ending in `\n`.
 * When the chunk's bytes are ASCII without `\r`, its text is its bytes and each line is at a known
 * byte offset: the image lines are then taken from the bytes themselves (a run of them is one slice; a
 * chunk of image lines only is handed back whole) instead of being joined and encoded again.
 */
class OutLines {
  private readonly offsets: number[] | undefined;
  private readonly pieces: (Uint8Array | string)[] = [];
  /** The byte range of image lines not yet in `pieces`. */
  private run: { start: number; end: number } | undefined;

  constructor(
    private readonly source: Uint8Array,
    lines: readonly string[],
  ) {
    if (!isAscii(source) || source.includes(CARRIAGE_RETURN)) return;
    this.offsets = new Array<number>(lines.length);
    let at = 0;
    lines.forEach((line, i) => {
      this.offsets![i] = at;
      at += line.length + 1;
    });
  }

  image(index: number, text: string): void {
    const start = this.offsets?.[index];
    if (start === undefined) return this.text(`${text}\n`);
    const end = start + text.length + 1;
    if (end > this.source.length) return this.text(`${text}\n`); // the file's last line, without its break
    if (this.run?.end === start) this.run.end = end;
    else {
      this.flush();
      this.run = { start, end };
    }
  }

  text(line: string): void {
    this.flush();
    this.pieces.push(line);
  }

  private flush(): void {
    if (this.run) this.pieces.push(this.source.subarray(this.run.start, this.run.end));
    this.run = undefined;
  }

  /** The lines as bytes: a slice of the source when they are one run of it, else a new buffer of its own. */
  bytes(): Uint8Array {
    this.flush();
    const [only] = this.pieces;
    if (this.pieces.length === 1 && only instanceof Uint8Array) return only;
    const parts = this.pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece));
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    return joined;
  }
}

const CARRIAGE_RETURN = 0x0d;

/**
 * Checks a part's lines chunk by chunk and folds each image into `report`, the same checks
 * readResultsFile makes line by line (blank lines skipped, every line JSON and a SegLens line, nothing
 * after the end line), so a merge on worker threads accepts and refuses exactly what it did on one.
 * What needs the whole file (its end line's counts, a twin image in another chunk) is the caller's.
 */
export class ChunkChecker {
  constructor(
    private readonly report: StreamingReport,
    private readonly keepRows: boolean,
  ) {}

  /**
   * `lines`: the chunk's lines (chunkLines of `bytes`); `header`: the part's header, or undefined when
   * the chunk starts the part (its header comes first).
   */
  check(bytes: Uint8Array, lines: readonly string[], header: ResultsHeader | undefined): CheckedChunk {
    const out = new OutLines(bytes, lines);
    let found: CheckedChunk['header'];
    let body = header;
    let firstContent = 0;
    let images = 0;
    let skipped = 0;
    let end: EndLine | undefined;
    let failure: ChunkFailure | undefined;
    const names: string[] = [];
    const nameLines: number[] = [];
    const skippedEntries: SkippedFile[] = [];
    const rows: ImageRow[] = [];
    for (let i = 0; i < lines.length && failure === undefined; i++) {
      const line = i + 1;
      const text = lines[i]!;
      if (text.trim() === '') continue;
      if (firstContent === 0) firstContent = line;
      if (end !== undefined) {
        failure = { line, message: AFTER_THE_END, inFile: true };
        break;
      }
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        failure = { line, message: NOT_A_JSON_LINE, inFile: true };
        break;
      }
      try {
        if (body === undefined) {
          body = readResultsHeader(value, 'header');
          found = { header: body, line };
          continue;
        }
        const read = readBodyLine(value, 'line', body);
        if (read.type === 'image') {
          images++;
          names.push(read.record.name);
          nameLines.push(line);
          out.image(i, text);
          this.report.fold(read.record);
          if (this.keepRows) rows.push(withoutConfusion(read.record));
        } else if (read.type === 'skipped') {
          skipped++;
          skippedEntries.push(read.skipped);
          out.text(resultsLine(read));
        } else if (read.type === 'end') end = { images: read.images, skipped: read.skipped, line };
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        failure = { line, message: error.message, inFile: error instanceof ValidationError };
      }
    }
    return {
      lines: lines.length,
      firstContent,
      ...(found !== undefined ? { header: found } : {}),
      images,
      skipped,
      ...(end !== undefined ? { end } : {}),
      names,
      nameLines,
      skippedEntries,
      out: out.bytes(),
      rows,
      ...(failure !== undefined ? { failure } : {}),
    };
  }
}
