import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROWS = 100_000; // per source, 5 sources: 500K rows

/** Writes `n` lines produced by `line(i)` in 1 MB batches. */
function writeLines(path: string, n: number, line: (i: number) => string, open = '', close = ''): void {
  const fd = openSync(path, 'w');
  let buf = open;
  for (let i = 0; i < n; i++) {
    buf += line(i);
    if (buf.length > 1 << 20) { writeSync(fd, buf); buf = ''; }
  }
  writeSync(fd, buf + close);
  closeSync(fd);
}

test('mixture streams: 500K rows from generated files (5 sources) with peak RSS under 1 GiB (child process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-mixrss-'));
  try {
    for (const d of ['siqa', 'piqa', 'hotpotqa', 'billsum', 'wikitext103']) mkdirSync(join(dir, d));
    const words = (i: number, n: number) => Array.from({ length: n }, (_, k) => `w${(i * 7 + k * 13) % 997}`).join(' ');
    writeLines(join(dir, 'siqa/train.jsonl'), ROWS, (i) => JSON.stringify({ context: words(i, 12), question: 'What next?', answerA: words(i, 3), answerB: words(i + 1, 3), answerC: words(i + 2, 3) }) + '\n');
    writeLines(join(dir, 'siqa/train-labels.lst'), ROWS, (i) => `${1 + (i % 3)}\n`);
    writeLines(join(dir, 'piqa/train.jsonl'), ROWS, (i) => JSON.stringify({ goal: words(i, 10), sol1: words(i, 8), sol2: words(i + 3, 8) }) + '\n');
    writeLines(join(dir, 'piqa/train-labels.lst'), ROWS, (i) => `${i % 2}\n`);
    writeLines(join(dir, 'hotpotqa/hotpot_train_v1.1.json'), ROWS, (i) => (i ? ',' : '') + JSON.stringify({
      _id: `id${i}`, question: `${words(i, 8)}?`, answer: `w${i % 997}`, type: 'bridge', level: 'easy', supporting_facts: [['A', 0]],
      context: [['A', [words(i, 20), words(i + 1, 20)]], ['B', [words(i + 2, 20)]]],
    }), '[', ']');
    writeLines(join(dir, 'billsum/us_train_data_final_OFFICIAL.jsonl'), ROWS, (i) => JSON.stringify({ text: words(i, 60), summary: words(i, 10), title: `Bill ${i}` }) + '\n');
    writeLines(join(dir, 'wikitext103/wiki.train.raw'), ROWS, (i) => ` = Doc ${i} = \n \n ${words(i, 25)} \n \n`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'mixture-rss-child.ts'), dir], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as { records: number; held: number; maxRssMiB: number };
    assert.equal(out.records + out.held, 5 * ROWS);
    assert.ok(out.maxRssMiB < 1024, `peak RSS ${out.maxRssMiB} MiB`);
    console.log(`# mixture of ${out.records} train rows (+${out.held} held out): peak RSS ${out.maxRssMiB.toFixed(0)} MiB`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
