/**
 * Issue 8 acceptance 2/5 and issue 14 acceptance 1/3: the study notebooks are thin (no function or
 * class definitions, imports only from the public API, short cells), committed executed (each under
 * 1 MB, under 5 MB in all) with tables equal to the committed results/tables/*.md, show what notebooks
 * 01 and 03 must show, and every notebook runs clean in quick mode under `lab notebooks run` (a child
 * process) and under Debian's nbclient with the kernel `scripts/kernel-install.sh` registers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { PLOTLY_MIME } from '../../kernel-lib/notebook/display.ts';
import { NOTEBOOK_MAX_BYTES, NOTEBOOKS_TOTAL_MAX_BYTES, studyNotebooks } from '../../tools/notebooks/execute-notebooks.ts';
import { DEBIAN_PYTHON } from '../../tools/notebooks/render-html.ts';

type Output = { output_type: string; name?: string; text?: string; data?: Record<string, unknown> };
type Cell = { cell_type: string; source: string[]; outputs?: Output[]; execution_count?: number | null };
const files = studyNotebooks();
const cellsOf = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { cells: Cell[] }).cells;
/** Everything a notebook shows as text: stream text and the text/plain of displays. */
const shown = (f: string) => cellsOf(f).flatMap((c) => c.outputs ?? []).map((o) => o.text ?? String(o.data?.['text/plain'] ?? '')).join('\n');

test('the seven study notebooks exist and are thin', () => {
  assert.deepEqual(files.map((f) => basename(f)), ['00-setup.ipynb', '01-baselines.ipynb', '02-multitask-finetune.ipynb', '03-gpt2-pruning.ipynb', '04-olmo-pruning.ipynb', '05-tables-and-plots.ipynb', '06-retraining-free-pruning.ipynb']);
  for (const f of files) {
    const cells = cellsOf(f);
    assert.equal(cells[0]!.cell_type, 'markdown', `${f} starts by saying what it reproduces`);
    assert.ok(cells.filter((c) => c.cell_type === 'markdown').length >= 3 || basename(f).startsWith('05'), `${f}: explains its steps in markdown between cells`);
    for (const c of cells.filter((x) => x.cell_type === 'code')) {
      const src = c.source.join('');
      assert.doesNotMatch(src, /\bfunction\b|\bclass\b|=>/, `${f}: no function or class definitions in cells`);
      for (const m of src.matchAll(/from\s+'([^']+)'/g)) assert.equal(m[1], '../build/notebook-lib', `${f}: imports only the public API`);
      assert.ok(src.split('\n').length <= 10, `${f}: cells are at most 10 lines`);
    }
  }
});

test('committed executed notebooks: outputs present, sizes within limits', () => {
  let total = 0;
  for (const f of files) {
    const size = statSync(f).size;
    total += size;
    assert.ok(size < NOTEBOOK_MAX_BYTES, `${basename(f)} is ${size} bytes (limit ${NOTEBOOK_MAX_BYTES})`);
    for (const c of cellsOf(f).filter((x) => x.cell_type === 'code')) assert.equal(typeof c.execution_count, 'number', `${basename(f)}: a cell was not executed (npm run notebooks:execute)`);
    assert.doesNotMatch(readFileSync(f, 'utf8'), /plotly\.js-dist-min|Plotly\.newPlot/, `${basename(f)}: no inlined plotly.js`);
  }
  assert.ok(total < NOTEBOOKS_TOTAL_MAX_BYTES, `executed notebooks total ${total} bytes`);
});

test('the tables in the committed notebooks equal the committed results/tables/*.md (regenerate: npm run notebooks:execute)', () => {
  const tableLines = (md: string) => md.split('\n').filter((l) => l.startsWith('|'));
  const outputs = files.flatMap((f) => cellsOf(f).flatMap((c) => c.outputs ?? []).map((o) => ({ f, text: String(o.data?.['text/plain'] ?? '') })));
  for (const name of ['table1', 'table2', 'table3', 'table2-perplexity']) {
    const md = readFileSync(join(projectRoot, 'results', 'tables', `${name}.md`), 'utf8');
    const title = md.split('\n')[0]!;
    assert.match(title, /^### /, `results/tables/${name}.md starts with its title`);
    const hits = outputs.filter((o) => o.text.split('\n')[0] === title);
    assert.ok(hits.length > 0, `no notebook shows '${title}'`);
    for (const h of hits) assert.deepEqual(tableLines(h.text), tableLines(md), `${basename(h.f)}: '${title}' differs from results/tables/${name}.md`);
  }
});

test('notebooks 01 and 03 show each step of the study', () => {
  const nb01 = shown(files[1]!);
  for (const task of ['piqa', 'openbookqa', 'mmlu_', 'hellaswag']) assert.match(nb01, new RegExp(`^### ${task}\\w*, document 0: gold \\d, acc picks \\d`, 'm'), `01 scores one ${task} document`);
  assert.match(nb01, /\| continuation \| loglikelihood \| ll_per_char \| gold \| chosen \|/);
  assert.match(nb01, /### Baselines: accuracy ± standard error[\s\S]*\d\.\d{4} ± \d\.\d{4}/);
  const cells03 = cellsOf(files[3]!);
  const nb03 = shown(files[3]!);
  const plots = cells03.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.[PLOTLY_MIME]).map((o) => String(o.data!['text/plain']));
  for (const p of ['Attention-head importance', 'MLP-neuron importance', 'Recovery fine-tuning loss', 'perplexity vs sparsity']) assert.ok(plots.some((t) => t.includes(p)), `03 plots ${p} (has: ${plots.join('; ')})`);
  for (const re of [/calibration batch: \d+ sequences x \d+ tokens/, /### Head scores/, /### One-shot plan: units per layer/, /\| h\.0\.attn\.c_attn\.weight \| \[\d+, \d+\] \| \[\d+, \d+\] \|/,
    /pruned_heads before: \{\}\npruned_heads after: +\{"0":\[/, /right after pruning/, /### Iterative: scheduled target vs achieved sparsity/, /### One-shot vs iterative pruning/, /### Table 2:/]) {
    assert.match(nb03, re);
  }
});

test('every notebook runs clean in quick mode: lab notebooks run, then Debian nbclient with the registered kernel', { timeout: 1_500_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'lab-nb-'));
  try {
    // The kernels inherit LAB_RESULTS_DIR: quick results go to a temp folder (the nbclient pass reuses its cached steps).
    const env = { ...process.env, LAB_RESULTS_DIR: join(root, 'results'), LAB_PROFILE: 'mini', LAB_QUICK: '1' };
    const lab = spawnSync(process.execPath, [join(projectRoot, 'bin', 'lab.js'), 'notebooks', 'run', '--quick', '--out-dir', join(root, 'lab'), ...files],
      { env, encoding: 'utf8', timeout: 1_200_000 });
    assert.equal(lab.status, 0, `${lab.stdout}\n${lab.stderr}`);
    assert.match(lab.stdout, /notebooks: 7 passed, 0 failed/);
    if (!existsSync(DEBIAN_PYTHON) || spawnSync(DEBIAN_PYTHON, ['-c', 'import nbclient'], { encoding: 'utf8' }).status !== 0) return;   // nbclient half needs python3-nbclient
    const prefix = join(root, 'jupyter');
    const inst = spawnSync('bash', [join(projectRoot, 'scripts', 'kernel-install.sh'), '--prefix', prefix], { encoding: 'utf8' });
    assert.equal(inst.status, 0, inst.stderr);
    const nbc = spawnSync(DEBIAN_PYTHON, [join(projectRoot, 'tools', 'notebooks', 'run_nbclient.py'), join(root, 'nbclient'), ...files],
      { env: { ...env, JUPYTER_PATH: prefix }, encoding: 'utf8', timeout: 1_200_000 });
    assert.equal(nbc.status, 0, `${nbc.stdout}\n${nbc.stderr}`);
    assert.match(nbc.stdout, /nbclient: 7 passed, 0 failed/);
    const executed = cellsOf(join(root, 'nbclient', '03-gpt2-pruning.ipynb'));
    assert.ok(executed.some((c) => (c.outputs ?? []).some((o) => o.data?.[PLOTLY_MIME] && o.data['image/png'])), 'nbclient run of 03 has plot bundles');
  } finally { rmSync(root, { recursive: true, force: true }); }
});
