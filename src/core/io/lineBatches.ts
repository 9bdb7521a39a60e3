import { isAscii } from 'node:buffer';
import { open } from 'node:fs/promises';

/** Bytes read at a time. */
export const LINE_CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * The text of UTF-8 bytes. Results files are nearly always plain ASCII, which Node decodes about thirty
 * times faster as 'ascii' than as 'utf8' (13 ms a megabyte as UTF-8 here: 27 s of a million-record merge);
 * for ASCII bytes both give the same string.
 */
const decode = (bytes: Uint8Array): string => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString(isAscii(buffer) ? 'ascii' : 'utf8');
};

/** The lines of `text`, whose last line ends where `text` does (its break not included). */
function pushLines(text: string, lines: string[]): void {
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    pushLine(text.slice(start, end), lines);
    start = end + 1;
  }
  pushLine(text.slice(start), lines);
}

/** A line's text without its line break; a lone `\r` also ends a line (as readline counts them). */

function pushLine(line: string, lines: string[]): void {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.includes('\r')) lines.push(...text.split('\r'));
  else lines.push(text);
}

/**
 * The lines of one chunk of `byteChunks` (whole lines; a final `\n` ends the last one and adds no
 * empty line after it).
 */
export function chunkLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  if (bytes.length === 0) return lines;
  const whole = bytes[bytes.length - 1] === NEWLINE ? bytes.subarray(0, bytes.length - 1) : bytes;
  pushLines(decode(whole), lines);
  return lines;
}

/**
 * A file's bytes, about `size` at a time, each chunk cut just after a `\n` (the last chunk may end
 * without one), so a chunk holds whole lines and never a part of a multi-byte UTF-8 character (a `\n`
 * byte never occurs inside one). Each chunk is a view of its own ArrayBuffer: a chunk can be handed to
 * a worker thread (transferred) while the next is read. `firstSize`: the first read's size (a file's
 * first lines can be read alone). `reuse`: a chunk is read into the buffer of the chunk before last, so
 * a chunk is valid only until the next one is asked for (for a reader that decodes each chunk at once).
 */
export async function* byteChunks(
  file: string,
  size = LINE_CHUNK,
  firstSize = size,
  reuse = false,
): AsyncGenerator<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    let buffer: Buffer = Buffer.allocUnsafeSlow(firstSize);
    let spare: Buffer | undefined;
    let held = 0; // bytes of an unfinished line kept at the start of the buffer
    for (;;) {
      if (held === buffer.length) {
        const bigger = Buffer.allocUnsafeSlow(buffer.length * 2);
        buffer.copy(bigger, 0, 0, held);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, held, buffer.length - held, null);
      const end = held + bytesRead;
      if (bytesRead === 0) {
        if (held > 0) yield buffer.subarray(0, held);
        return;
      }
      const lastBreak = buffer.lastIndexOf(NEWLINE, end - 1);
      if (lastBreak < 0) {
        held = end;
        continue;
      }
      // What follows the last break starts the next chunk, in a buffer of its own.
      const rest = end - lastBreak - 1;
      const next = spare !== undefined && spare.length >= rest ? spare : Buffer.allocUnsafeSlow(Math.max(size, rest));
      held = buffer.copy(next, 0, lastBreak + 1, end);
      yield buffer.subarray(0, lastBreak + 1);
      spare = reuse ? buffer : undefined;
      buffer = next;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The lines of a UTF-8 text file, a batch (about 1 MB of text) at a time: the lines readline would give
 * with `crlfDelay: Infinity` (`\n`, `\r\n` and a lone `\r` end a line; a last line without a break
 * counts). Why not readline: it decodes and splits through a stream and resolves a promise per line,
 * two fifths of the time `seglens merge` spends on a million records; here each megabyte is decoded
 * once and split with indexOf. `size`: bytes read at a time (a longer line grows the read). Two read
 * buffers serve the whole file (a new buffer per read left the external sort's merge of 50 runs with
 * about 20 MB of freed buffers that the allocator kept).
 */
export async function* lineBatches(file: string, size = LINE_CHUNK): AsyncGenerator<string[]> {
  for await (const bytes of byteChunks(file, size, size, true)) yield chunkLines(bytes);
}
