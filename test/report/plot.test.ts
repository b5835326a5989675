import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { savePlot, accuracyPlot, costPlot, lossPlot, perplexityPlot } from '../../kernel-lib/index.ts';
import { wrapTitle } from '../../kernel-lib/report/plots.ts';
import { plotlyLibrary } from '../../kernel-lib/report/plot-html.ts';
import { dumpDom, findChromium } from '../../kernel-lib/report/chromium.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-plot-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const chromium = findChromium();

const acc = accuracyPlot([{ model: 'gpt2', scores: { piqa: 0.62, mmlu: 0.23 } }, { model: 'pruned', scores: { piqa: 0.54 } }], ['piqa', 'mmlu']);

/** The page without the inlined library's own script tag (whose comments/strings may name URLs). */
function outsideLibrary(html: string): string {
  const m = /<script type="text\/javascript" data-lib="plotly.js-dist-min">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'inlined plotly.js script tag present');
  assert.equal(m[1], plotlyLibrary(), 'the tag holds exactly the node_modules bundle');
  return html.slice(0, m.index) + html.slice(m.index + m[0].length);
}

test('long titles wrap at spaces into lines of at most 80 characters; the legend sits under the plot', () => {
  const words = 'Validation perplexity vs sparsity: one-shot (before and after recovery) vs iterative at two recovery budgets (error bars: 95% CI over blocks, start and end)';
  const lines = wrapTitle(words);
  // 74 characters, then 76 ('... start and' + ' end)' would make 81), then 4
  assert.deepEqual(lines, ['Validation perplexity vs sparsity: one-shot (before and after recovery) vs', 'iterative at two recovery budgets (error bars: 95% CI over blocks, start and', 'end)']);
  assert.ok(lines.every((l) => l.length <= 80));
  assert.deepEqual(wrapTitle('short'), ['short']);
  assert.deepEqual(wrapTitle('a bb ccc', 4), ['a bb', 'ccc']);
  const p = perplexityPlot([], words);
  assert.equal((p.layout.title as { text: string }).text, lines.join('<br>'));
  assert.equal((p.layout.margin as { t: number }).t, 90, 'two 20 px title lines more than a one-line title (50)');
  assert.deepEqual(p.layout.legend, { orientation: 'h', x: 0, xanchor: 'left', y: -0.3, yanchor: 'top' });
});

test('builders give traces and layouts', () => {
  assert.deepEqual(acc.data[0], { type: 'bar', name: 'gpt2', x: ['PIQA', 'MMLU'], y: [0.62, 0.23] });
  assert.deepEqual(acc.data[1]!.y, [0.54, null]);
  assert.deepEqual(perplexityPlot([{ label: 'one-shot', points: [{ sparsity: 0.47, perplexity: 166.41 }] }]).data[0]!.x, [47]);
  assert.throws(() => lossPlot([{ label: 'ft', steps: [1, 2], losses: [3] }]), /'ft' has 2 steps but 1 losses/);
  assert.deepEqual(costPlot([{ model: 'a', params: 2e6, latencyMs: 5 }]).data.map((d) => d.y), [[2], [5]]);
});

test('error bars and chance lines: ±1 stderr on bars, asymmetric CI on perplexity points, one dashed line per task', () => {
  const p = accuracyPlot([{ model: 'gpt2', scores: { piqa: 0.62, mmlu: 0.23 }, stderr: { piqa: 0.05, mmlu: null } }], ['piqa', 'mmlu'], 'acc', { piqa: 0.5, mmlu: 0.25 });
  assert.deepEqual(p.data[0]!.error_y, { type: 'data', visible: true, array: [0.05, null] });
  const shapes = p.layout.shapes as Record<string, unknown>[];
  assert.deepEqual(shapes.map((s) => [s.x0, s.x1, s.y0, s.y1]), [[-0.45, 0.45, 0.5, 0.5], [0.55, 1.45, 0.25, 0.25]]);
  const q = perplexityPlot([{ label: 'one-shot', points: [{ sparsity: 0, perplexity: 100, ciLow: 90, ciHigh: 112 }, { sparsity: 0.5, perplexity: 150 }] }]);
  assert.deepEqual(q.data[0]!.error_y, { type: 'data', symmetric: false, visible: true, array: [12, null], arrayminus: [10, null] });
});

test('plot HTML is self-contained: no external URL outside the inlined library', () => {
  const p = savePlot(acc, 'acc', { dir, png: false });
  const rest = outsideLibrary(readFileSync(p.html, 'utf8'));
  assert.doesNotMatch(rest, /https?:\/\//i);
  assert.doesNotMatch(rest, /\b(src|href)\s*=/i);
  assert.doesNotMatch(rest, /url\s*\(/i);
  assert.doesNotMatch(rest, /<(link|iframe|img)\b/i);
  assert.equal((rest.match(/<script\b/g) ?? []).length, 1);   // only the drawing call remains
});

test('renders in headless Chromium: PNG written and the plot drawn', { skip: chromium ? false : 'no Chromium: PNG rendering not checked' }, () => {
  const p = savePlot(acc, 'acc-png', { dir, width: 500, height: 300 });
  assert.ok(p.png && existsSync(p.png));
  const png = readFileSync(p.png);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 500);   // IHDR width
  const dom = dumpDom(chromium!, p.html);
  assert.match(dom, /class="[^"]*\bjs-plotly-plot\b/);
  assert.equal((dom.match(/<g class="trace bars"/g) ?? []).length, 2);   // one per model
  assert.ok(dom.includes('>PIQA<') && dom.includes('>MMLU<'));          // axis tick labels drawn as SVG text
});

test('without Chromium the HTML is written and the PNG skipped with a note', () => {
  const prev = process.env.LAB_CHROMIUM;
  process.env.LAB_CHROMIUM = join(dir, 'no-such-chromium');
  try {
    const p = savePlot(acc, 'nochrome', { dir });
    assert.ok(existsSync(p.html));
    assert.equal(p.png, null);
    assert.match(p.note ?? '', /no Chromium found .*skipped nochrome\.png/);
  } finally {
    if (prev === undefined) delete process.env.LAB_CHROMIUM; else process.env.LAB_CHROMIUM = prev;
  }
});
