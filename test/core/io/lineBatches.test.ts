import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { byteChunks, chunkLines, lineBatches } from '../../../src/core/io/lineBatches';

const root = mkdtempSync(join(tmpdir(), 'seglens-lines-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The lines as readline gives them (what results files were read with before). */
async function readlineLines(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

async function batchedLines(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of lineBatches(file)) lines.push(...batch);
  return lines;
}

test('the lines readline gives: \\n, \\r\\n and a lone \\r end a line, empty lines kept, no final break', async () => {
  const cases = {
    plain: 'a\nb\nc\n',
    noFinalBreak: 'a\nb',
    crlf: 'a\r\nb\r\n\r\nc',
    loneCr: 'a\rb\r\rc\r\r\n',
    empty: '',
    onlyBreaks: '\n\n\n',
    unicode: 'ünïcödé\n漢字 ✓\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    const file = join(root, `${name}.txt`);
    writeFileSync(file, text);
    assert.deepEqual(await batchedLines(file), await readlineLines(file), name);
  }
});

test('lines across the 1 MB reads: multi-byte characters at every cut, a line longer than a read', async () => {
  // Lines of 3-byte characters whose lengths do not divide a megabyte, so reads end inside characters.
  const lines = Array.from({ length: 3000 }, (_, i) => `${i}:${'漢'.repeat(100 + (i % 37))}é`);
  lines.push('x'.repeat(3 << 20), 'after the long line');
  const file = join(root, 'big.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const read = await batchedLines(file);
  assert.equal(read.length, lines.length);
  assert.deepEqual(read, await readlineLines(file));
});

test('byteChunks cut only after a line break, at any read size: their lines together are the lines readline gives', async () => {
  const text =
    'ab\r\ncd\n\nü漢\ref\r\r\n' + Array.from({ length: 40 }, (_, i) => `line ${i} ${'é'.repeat(i % 5)}`).join('\n');
  const file = join(root, 'chunks.txt');
  writeFileSync(file, text);
  const expected = await readlineLines(file);
  for (const [size, first] of [
    [1, 1],
    [3, 2],
    [7, 64],
    [64, 5],
    [1 << 20, 1 << 16],
  ] as const) {
    const lines: string[] = [];
    for await (const chunk of byteChunks(file, size, first)) {
      const last = chunk[chunk.length - 1];
      lines.push(...chunkLines(chunk));
      // Each chunk but the file's last ends with its line's break.
      if (lines.length < expected.length) assert.equal(last, 0x0a, `size ${size}: a chunk ends after \\n`);
    }
    assert.deepEqual(lines, expected, `size ${size}, first read ${first}`);
  }
});
