import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { cellError, runNotebooks } from '../../tools/notebooks/run-notebooks.ts';
import { notebookLibDir } from '../../tools/notebooks/notebook-lib.ts';
import { findChromium } from '../../kernel-lib/report/chromium.ts';

// Notebooks live inside the project (build/ is git-ignored) so the kernel sees node_modules.
const dir = join(projectRoot, 'build', 'test-notebooks', String(process.pid));
const out = join(dir, 'executed');
mkdirSync(dir, { recursive: true });
after(() => rmSync(dir, { recursive: true, force: true }));

const libImport = relative(dir, notebookLibDir).split('\\').join('/');
const code = (source: string) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
function notebook(name: string, cells: object[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }));
  return file;
}
const quiet = { log: () => {}, outDir: out };

test('runs a notebook importing kernel-lib through the real tslab kernel; display helpers in a cell', async () => {
  const file = notebook('ok.ipynb', [
    { cell_type: 'markdown', metadata: {}, source: '# test' },
    code(`import * as lab from '${libImport}';\nconst n: number = typeof lab.initBackend === 'function' ? 16 : 0;\nconsole.log(process.env.LAB_PROFILE, process.env.LAB_QUICK);\nn`),
    code('n * 2'),
    // display helpers (kernel-lib/notebook/display.ts), tested here to start one kernel only
    code(`import * as aq from 'arquero';\nlab.showTable(aq.table({ a: [1, 2] }), { title: 'T' });`),
    code(`lab.showPlot(lab.accuracyPlot([{ model: 'm', scores: { piqa: 0.5 } }], ['piqa']), { width: 300, height: 200 });`),
    code(`const p = lab.notebookProgress('work', 3, 'step', 0);\nfor (let i = 0; i < 3; i++) p.tick(1);\np.done('end');`),
    code('await lab.initBackend();'),
  ]);
  const r = await runNotebooks([file], { ...quiet, profile: 'paper', quick: true, timeoutS: 120 });
  assert.equal(r.exitCode, 0, r.notebooks[0]!.error);
  assert.deepEqual([r.passed, r.failed], [1, 0]);
  const nb = JSON.parse(readFileSync(join(out, 'ok.ipynb'), 'utf8'));
  assert.deepEqual(nb.cells[1].outputs, [{ output_type: 'stream', name: 'stdout', text: 'paper 1\n16\n' }]);
  assert.deepEqual(nb.cells[2].outputs, [{ output_type: 'stream', name: 'stdout', text: '32\n' }]);
  assert.deepEqual([nb.cells[1].execution_count, nb.cells[2].execution_count], [1, 2]);

  // a display_data output (not printed Markdown) is how showTable says it detected the kernel
  const [t0, t1] = nb.cells[3].outputs;
  assert.equal(t0.output_type, 'display_data');
  // the table sits in its own horizontal scroll box (wide tables scroll inside the output, not off the page)
  assert.match(t0.data['text/html'], /<h4>T<\/h4><div class="lab-table-scroll" style="overflow-x:auto;[^"]*"><table class="lab-table">.*<td class="num">2<\/td><\/tr><\/tbody><\/table><\/div>/);
  assert.equal(t0.data['text/plain'], '### T\n\n| a |\n| ---: |\n| 1 |\n| 2 |\n');
  assert.equal(t1, undefined, 'nothing printed beside the table');
  const plot = nb.cells[4].outputs.find((o: { output_type: string }) => o.output_type === 'display_data');
  // Plotly's own MIME bundle (JSON figure, no inlined library) with the PNG fallback
  assert.deepEqual(Object.keys(plot.data).sort(), ['application/vnd.plotly.v1+json', ...(findChromium() ? ['image/png'] : []), 'text/plain'].sort());
  const fig = plot.data['application/vnd.plotly.v1+json'];
  assert.deepEqual(fig.data, [{ type: 'bar', name: 'm', x: ['PIQA'], y: [0.5] }]);
  assert.deepEqual([fig.layout.width, fig.layout.height, fig.layout.barmode], [300, 200, 'group']);
  assert.equal(plot.data['text/plain'], 'Plot: Accuracy per task');
  if (findChromium()) assert.equal(Buffer.from(plot.data['image/png'], 'base64').subarray(1, 4).toString(), 'PNG');
  const prog = nb.cells[5].outputs.filter((o: { output_type: string }) => o.output_type === 'display_data');
  assert.equal(prog.length, 1);   // updates replaced the one output
  assert.match(prog[0].data['text/plain'], /^work: 3\/3 step 100% .*\| end$/);
  // the backend line is information, not an error: plain output (stdout), no stderr box
  assert.deepEqual(nb.cells[6].outputs.map((o: { name?: string }) => o.name), ['stdout']);
  assert.match(nb.cells[6].outputs[0].text, /^\[lab\] backend: \w+/);
});

test('a failing cell stops the notebook with its error text; a type error and a hung cell too', async () => {
  const bad = notebook('bad.ipynb', [code('const a = 1;'), code("throw new Error('boom from cell');"), code('console.log("not run")')]);
  const typed = notebook('typed.ipynb', [code("const s: number = 'x';")]);
  const hung = notebook('hung.ipynb', [code('while (true) {}')]);
  const lines: string[] = [];
  const r = await runNotebooks([bad, typed], { outDir: out, log: (l) => lines.push(l), timeoutS: 120 });
  assert.equal(r.exitCode, 1);
  assert.deepEqual(r.notebooks.map((n) => n.status), ['failed', 'failed']);
  assert.equal(r.notebooks[0]!.failedCell, 1);
  assert.match(r.notebooks[0]!.error!, /Error: boom from cell/);
  assert.match(r.notebooks[1]!.error!, /Type 'string' is not assignable to type 'number'/);
  assert.equal(lines.at(-1), 'notebooks: 0 passed, 2 failed');
  const nb = JSON.parse(readFileSync(join(out, 'bad.ipynb'), 'utf8'));
  assert.deepEqual(nb.cells[2].outputs, []);   // never ran
  const h = await runNotebooks([hung], { outDir: out, log: () => {}, timeoutS: 2 });
  assert.equal(h.exitCode, 2);
  assert.equal(h.notebooks[0]!.status, 'crashed');
  assert.match(h.notebooks[0]!.error!, /timed out after 2 s/);
});

test('cellError: status, asynchronous errors in stderr, tslab frames dropped', () => {
  const stderr = (text: string) => ({ output_type: 'stream' as const, name: 'stderr', text });
  assert.equal(cellError({ status: 'ok', executionCount: 1, outputs: [stderr('[lab] backend: wasm\n')] }), null);
  assert.equal(cellError({ status: 'ok', executionCount: 1, outputs: [stderr('UncaughtException: Error: late\n    at x (evalmachine.<anonymous>:3:26)\n')] }),
    'UncaughtException: Error: late\n    at x (evalmachine.<anonymous>:3:26)');
  assert.equal(cellError({ status: 'error', executionCount: 2, outputs: [stderr('Error: boom\n    at evalmachine.<anonymous>:2:7\n'
    + '    at Script.runInThisContext (node:vm:135:14)\n    at Object.execute (/p/node_modules/tslab/dist/executor.js:160:38)\n')] }),
  'Error: boom\n    at evalmachine.<anonymous>:2:7');
  assert.equal(cellError({ status: 'error', executionCount: null, outputs: [] }), "execute_reply status 'error' with no error text");
});
