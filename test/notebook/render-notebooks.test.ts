/**
 * The committed executed notebooks as a reader sees them. Each notebook
 * with plots is rendered to HTML by Debian's nbconvert (lab template + tools/notebooks/nbconvert/
 * lab-plotly, plotly.js from the local plotly.js-dist-min file) and opened in headless Chromium;
 * the screenshot (saved under build/notebook-render/) must show every plot drawn: plotly.js put an
 * SVG into each plot output, and its box holds coloured (trace) pixels, decoded from the PNG. Every
 * plot output carries a PNG fallback, and no cell output is an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { findChromium } from '../../kernel-lib/report/chromium.ts';
import { PLOTLY_MIME } from '../../kernel-lib/notebook/display.ts';
import { DEBIAN_PYTHON, renderNotebookHtml, screenshotNotebook } from '../../tools/notebooks/render-html.ts';
import { colouredPixels, readPng } from '../../tools/notebooks/read-png.ts';
import { studyNotebooks } from '../../tools/notebooks/execute-notebooks.ts';

type Output = { output_type: string; name?: string; text?: string; data?: Record<string, unknown> };
const outputsOf = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { cells: { outputs?: Output[] }[] }).cells.flatMap((c) => c.outputs ?? []);

const chromium = findChromium();
const nbconvert = spawnSync(DEBIAN_PYTHON, ['-c', 'import nbconvert'], { encoding: 'utf8' }).status === 0;
const skip = !chromium ? 'needs Chromium (LAB_CHROMIUM or /usr/bin/chromium)' : !nbconvert ? 'needs Debian nbconvert (python3-nbconvert)' : false;
const outDir = join(projectRoot, 'build', 'notebook-render');

test('committed executed notebooks: every plot has a PNG fallback, no output is an error', () => {
  for (const f of studyNotebooks()) {
    const outs = outputsOf(f);
    assert.ok(outs.length > 0, `${basename(f)} has no outputs: run npm run notebooks:execute`);
    for (const o of outs) {
      assert.notEqual(o.output_type, 'error', `${basename(f)}: an error output`);
      if (o.output_type === 'stream') assert.doesNotMatch(o.text ?? '', /(Error|Exception|UnhandledPromiseRejection):/, `${basename(f)}: an error on ${o.name}`);
      if (o.data?.[PLOTLY_MIME]) {
        const png = Buffer.from(String(o.data['image/png'] ?? ''), 'base64');
        const img = readPng(png, `${basename(f)} PNG fallback of '${o.data['text/plain']}'`);
        assert.ok(img.width >= 300 && img.height >= 200, `${basename(f)}: PNG fallback is ${img.width}x${img.height}`);
        assert.ok(colouredPixels(img, { x: 0, y: 0, width: img.width, height: img.height }) > 200, `${basename(f)}: PNG fallback of '${o.data['text/plain']}' is blank`);
      }
    }
  }
});

test('rendered with nbconvert and opened in headless Chromium, every plot draws', { skip, timeout: 600_000 }, () => {
  let plotted = 0;
  for (const f of studyNotebooks()) {
    const expected = outputsOf(f).filter((o) => o.data?.[PLOTLY_MIME]);
    if (!expected.length) continue;
    const html = renderNotebookHtml(f, outDir);
    const shot = join(outDir, basename(f).replace(/\.ipynb$/, '.png'));
    const { plots } = screenshotNotebook(chromium as string, html, shot);
    assert.equal(plots.length, expected.length, `${basename(f)}: plot outputs in the page`);
    assert.doesNotMatch(readFileSync(html, 'utf8'), /data-mime-type="application\/vnd\.jupyter\.stderr">\s*<pre>[^<]*(Error|Exception):/, `${basename(f)}: an error in the page`);
    const img = readPng(readFileSync(shot), shot);
    plots.forEach((p, i) => {
      assert.ok(p.drawn, `${basename(f)} plot ${i} ('${expected[i]!.data!['text/plain']}'): plotly.js drew no SVG`);
      const n = colouredPixels(img, p);
      assert.ok(n > 500, `${basename(f)} plot ${i} ('${expected[i]!.data!['text/plain']}'): ${n} coloured pixels in its box ${JSON.stringify(p)} of ${shot}`);
    });
    plotted += plots.length;
  }
  assert.ok(plotted >= 8, `only ${plotted} plots rendered across the notebooks`);
});
