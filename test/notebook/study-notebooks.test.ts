/**
 * Every notebook of the study runs headless through the real tslab
 * kernel in quick mode (tiny budgets, the mini model) without a failing cell, and the notebooks are
 * thin: no function or class definitions, imports only from kernel-lib's public API, outputs stripped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNotebooks } from '../../kernel-lib/notebook/run.ts';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';

const dir = join(projectRoot, 'notebooks');
const files = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(dir, f));
const cellsOf = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { cells: { cell_type: string; source: string[]; outputs?: unknown[] }[] }).cells;

test('the six study notebooks exist, are thin and stripped', () => {
  assert.deepEqual(files.map((f) => f.split('/').pop()), ['00-setup.ipynb', '01-baselines.ipynb', '02-multitask-finetune.ipynb', '03-gpt2-pruning.ipynb', '04-olmo-pruning.ipynb', '05-tables-and-plots.ipynb']);
  for (const f of files) {
    const cells = cellsOf(f);
    assert.equal(cells[0]!.cell_type, 'markdown', `${f} starts by saying what it reproduces`);
    for (const c of cells.filter((x) => x.cell_type === 'code')) {
      const src = c.source.join('');
      assert.doesNotMatch(src, /\bfunction\b|\bclass\b|=>/, `${f}: no function or class definitions in cells`);
      for (const m of src.matchAll(/from\s+'([^']+)'/g)) assert.equal(m[1], '../build/notebook-lib', `${f}: imports only the public API`);
      assert.ok(src.split('\n').length <= 10, `${f}: cells are at most 10 lines`);
      assert.deepEqual(c.outputs, [], `${f}: outputs are stripped in git`);
    }
  }
});

test('every notebook runs headless through tslab in quick mode', { timeout: 900_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'lab-nb-'));
  process.env.LAB_RESULTS_DIR = join(root, 'results');    // the kernels inherit it: results go to a temp folder
  const lines: string[] = [];
  const res = await runNotebooks(files, { profile: 'mini', quick: true, outDir: join(root, 'executed'), timeoutS: 600, log: (l) => lines.push(l) });
  assert.equal(res.failed, 0, lines.join('\n'));
  assert.equal(res.passed, files.length);
});
