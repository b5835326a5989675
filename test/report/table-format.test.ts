import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { tableCsv, tableHtml, tableMarkdown } from '../../kernel-lib/report/table-format.ts';
import { writeTable } from '../../kernel-lib/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-table-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Small literal table: a quoted CSV field, a Markdown pipe, a missing value, rounding to 4 digits.
const t = aq.table({ model: ['gpt2', 'x, "y"', 'a|b'], acc: [0.62891, 0.5, 0.16], n: [124, 7, null] });

// Expected texts written by hand from RFC 4180 (CSV) and the GFM table syntax.
const CSV = 'model,acc,n\ngpt2,0.62891,124\n"x, ""y""",0.5,7\na|b,0.16,\n';
const MD = [
  '| model | acc | n |',
  '| :--- | ---: | ---: |',
  '| gpt2 | 0.6289 | 124 |',
  '| x, "y" | 0.5000 | 7 |',
  '| a\\|b | 0.1600 |  |',
  '',
].join('\n');

test('CSV keeps full precision and quotes per RFC 4180', () => {
  assert.equal(tableCsv(t), CSV);
});

test('Markdown rounds to 4 digits, right-aligns numbers, escapes pipes', () => {
  assert.equal(tableMarkdown(t), MD);
  assert.equal(tableMarkdown(t, { digits: 2 }).split('\n')[2], '| gpt2 | 0.63 | 124 |');
});

test('HTML escapes text and marks numeric cells', () => {
  const h = tableHtml(t);
  assert.match(h, /^<table class="lab-table"><thead><tr><th>model<\/th><th class="num">acc<\/th><th class="num">n<\/th><\/tr><\/thead>/);
  assert.ok(h.includes('<tr><td>x, &quot;y&quot;</td><td class="num">0.5000</td><td class="num">7</td></tr>'));
  assert.ok(h.includes('<td class="num"></td></tr></tbody></table>'));
});

test('writeTable writes <name>.csv/.md/.html with title and notes (notes not in CSV)', () => {
  const p = writeTable(t, 'demo', { dir, title: 'Demo', notes: ['ours: profile mini'] });
  assert.deepEqual(readdirSync(dir).sort(), ['demo.csv', 'demo.html', 'demo.md']);
  assert.equal(readFileSync(p.csv, 'utf8'), CSV);
  assert.equal(readFileSync(p.md, 'utf8'), `### Demo\n\n${MD}\nours: profile mini\n`);
  const html = readFileSync(p.html, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes('<h3>Demo</h3>') && html.includes('<p>ours: profile mini</p>'));
  assert.throws(() => writeTable(t, '../evil', { dir }), /name '\.\.\/evil'/);
});
