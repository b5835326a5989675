import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as aq from 'arquero';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { runNotebooks } from '../../kernel-lib/notebook/run.ts';
import { notebookLibDir } from '../../kernel-lib/notebook/notebook-lib.ts';
import { inNotebook, showTable } from '../../kernel-lib/notebook/display.ts';
import { findChromium } from '../../kernel-lib/report/chromium.ts';

const dir = join(projectRoot, 'build', 'test-notebooks', `display-${process.pid}`);
mkdirSync(dir, { recursive: true });
after(() => rmSync(dir, { recursive: true, force: true }));
const code = (source: string) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });

test('outside a kernel: display helpers print text', (t) => {
  assert.equal(inNotebook(), false);
  const lines: string[] = [];
  t.mock.method(console, 'log', (s: string) => lines.push(s));
  showTable(aq.table({ a: [1] }), { title: 'T' });
  assert.deepEqual(lines, ['T\n| a |\n| ---: |\n| 1 |\n']);
});

test('in the tslab kernel: HTML table, plot bundle with PNG fallback, progress updated in place', async () => {
  const lib = relative(dir, notebookLibDir).split('\\').join('/');
  const file = join(dir, 'display.ipynb');
  writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [
    code(`import * as lab from '${lib}';\nimport * as aq from 'arquero';\nlab.showTable(aq.table({ a: [1, 2] }), { title: 'T' });\nconsole.log(lab.inNotebook());`),
    code(`lab.showPlot(lab.accuracyPlot([{ model: 'm', scores: { piqa: 0.5 } }], ['piqa']), { width: 300, height: 200 });`),
    code(`const p = lab.notebookProgress('work', 3, 'step', 0);\nfor (let i = 0; i < 3; i++) p.tick(1);\np.done('end');`),
  ] }));
  const r = await runNotebooks([file], { outDir: join(dir, 'out'), log: () => {}, timeoutS: 120 });
  assert.equal(r.exitCode, 0, r.notebooks[0]!.error);
  const nb = JSON.parse(readFileSync(join(dir, 'out', 'display.ipynb'), 'utf8'));
  const [t0, t1] = nb.cells[0].outputs;
  assert.equal(t0.output_type, 'display_data');
  assert.match(t0.data['text/html'], /<h4>T<\/h4><table class="lab-table">.*<td class="num">2<\/td>/);
  assert.equal(t0.data['text/plain'], '| a |\n| ---: |\n| 1 |\n| 2 |\n');
  assert.deepEqual(t1, { output_type: 'stream', name: 'stdout', text: 'true\n' });
  const plot = nb.cells[1].outputs.find((o: { output_type: string }) => o.output_type === 'display_data');
  assert.match(plot.data['text/html'], /data-lib="plotly.js-dist-min"[\s\S]*Plotly\.newPlot/);
  assert.equal(plot.data['text/plain'], 'Plot: Accuracy per task');
  if (findChromium()) assert.equal(Buffer.from(plot.data['image/png'], 'base64').subarray(1, 4).toString(), 'PNG');
  const prog = nb.cells[2].outputs.filter((o: { output_type: string }) => o.output_type === 'display_data');
  assert.equal(prog.length, 1);   // updates replaced the one output
  assert.match(prog[0].data['text/plain'], /^work: 3\/3 step 100% .*\| end$/);
});
