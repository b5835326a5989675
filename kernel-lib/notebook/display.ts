/**
 * Notebook display: show a table as HTML, a plot as Plotly's own MIME bundle with a PNG fallback
 * in the same output, and a progress line that updates in place, through the tslab kernel's
 * display channel. Outside a kernel (CLI, tests) the same calls print text instead.
 *
 * A plot output is {application/vnd.plotly.v1+json: {data, layout}, image/png, text/plain}:
 * JupyterLab (with Plotly's renderer) and VS Code draw the figure interactively from the JSON (a
 * few KB; no script in the output, so no trust is needed), every other frontend (classic Notebook,
 * nbconvert, GitHub) shows the PNG. Bundles go through the kernel's own display writer
 * (runtime/tslab-kernel.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ColumnTable } from 'arquero';
import { createProgress, type Progress } from '../runtime/progress.ts';
import { inTslabKernel, tslabDisplayWriter, type DisplayBundle } from '../runtime/tslab-kernel.ts';
import { escapeHtml, tableHtml, tableMarkdown, TABLE_CSS, type TableFormatOptions } from '../report/table-format.ts';
import { savePlot } from '../report/save-plot.ts';
import { findChromium } from '../report/chromium.ts';
import type { Plot } from '../report/plots.ts';

/** True inside a tslab kernel cell. */
export function inNotebook(): boolean {
  return inTslabKernel();
}

/** Sends a MIME bundle as one display_data output; returns false (and does nothing) outside a kernel. */
export function displayBundle(data: Readonly<DisplayBundle>, displayId?: string, update = false): boolean {
  const w = tslabDisplayWriter();
  if (!w) return false;
  w({ data: { ...data }, metadata: {}, ...(displayId ? { transient: { display_id: displayId } } : {}) }, update);
  return true;
}

// contain:inline-size: the box takes the output's width instead of growing to the table's (nbconvert's
// lab template lays outputs out as table cells, which otherwise widen to their content)
const SCROLL_STYLE = 'overflow-x:auto;max-width:100%;contain:inline-size';

/**
 * Notebook tables sit in a horizontal scroll box as wide as the output area, so a table wider than
 * the page (Table 2 has 21 columns) scrolls inside its output instead of running off the page; the
 * first column (the row's name) stays in view while scrolling; numeric cells do not wrap; text cells
 * wrap but keep a readable width. The box's overflow is also an inline style, for frontends that
 * drop <style> elements. Selectors start at the box so they outrank the frontend's own table rules
 * (JupyterLab's right-aligns every cell).
 */
export const NOTEBOOK_TABLE_CSS = TABLE_CSS
  + `.lab-table-scroll{${SCROLL_STYLE}}`
  + '.lab-table-scroll .lab-table{margin:0;table-layout:auto}'
  + '.lab-table-scroll .lab-table th,.lab-table-scroll .lab-table td{text-align:left;min-width:6em;max-width:none;white-space:normal}'
  + '.lab-table-scroll .lab-table .num{text-align:right;white-space:nowrap;min-width:0}'
  + '.lab-table-scroll .lab-table tr{background:#fff}'
  + '.lab-table-scroll .lab-table tbody tr:nth-child(even){background:#f5f5f5}'
  + '.lab-table-scroll .lab-table tr>:first-child{position:sticky;left:0;z-index:1;background:inherit;min-width:12em}';

/** An HTML table in its scroll box (NOTEBOOK_TABLE_CSS). */
export function scrollingTableHtml(t: ColumnTable, opts: Partial<TableFormatOptions> = {}): string {
  return `<div class="lab-table-scroll" style="${SCROLL_STYLE}">${tableHtml(t, opts)}</div>`;
}

/** Shows an arquero table (HTML, with Markdown as the plain-text form) and note lines under it; prints Markdown outside a kernel. */
export function showTable(t: ColumnTable, opts: Partial<TableFormatOptions> & { readonly title?: string; readonly notes?: readonly string[] } = {}): void {
  const notes = opts.notes ?? [];
  const md = tableMarkdown(t, opts) + notes.map((n) => `${n}\n`).join('');
  const title = opts.title ? `<h4>${escapeHtml(opts.title)}</h4>` : '';
  const html = `<style>${NOTEBOOK_TABLE_CSS}</style>${title}${scrollingTableHtml(t, opts)}${notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('')}`;
  // text/plain: "### title" then the Markdown table, as write-table.ts writes results/tables/<name>.md
  if (!displayBundle({ 'text/html': html, 'text/plain': `${opts.title ? `### ${opts.title}\n\n` : ''}${md}` })) console.log(`${opts.title ? opts.title + '\n' : ''}${md}`);
}

export interface ShowPlotOptions {
  readonly name: string | null;     // also save as results/plots/<name>.{html,png}; null: PNG in a temp dir only
  readonly pngFile: string | null;  // an already rendered PNG of this plot (e.g. savePlot's) to attach instead of rendering
  readonly png: boolean;            // attach a PNG fallback (needs Chromium)
  readonly width: number;
  readonly height: number;
}

export const showPlotDefaults: ShowPlotOptions = { name: null, pngFile: null, png: true, width: 800, height: 450 };

/** The MIME type JupyterLab's Plotly renderer draws: `{data, layout}` as JSON. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/**
 * Shows a plot as Plotly's MIME bundle plus a PNG fallback when Chromium is available. Outside a
 * kernel it saves the plot when `name` is given and prints where.
 */
export function showPlot(plot: Plot, opts: Partial<ShowPlotOptions> = {}): void {
  const o = { ...showPlotDefaults, ...opts };
  const title = String((plot.layout.title as { text?: string } | undefined)?.text ?? o.name ?? 'plot').replace(/<br>/g, ' ');
  const inKernel = inNotebook();
  if (o.name !== null) {
    const saved = savePlot(plot, o.name, { png: o.png, width: o.width, height: o.height });
    if (!inKernel) { console.log(`plot '${title}': ${saved.html}${saved.png ? ', ' + saved.png : ''}${saved.note ? ' (' + saved.note + ')' : ''}`); return; }
    return send(saved.png ? readFileSync(saved.png) : null);
  }
  if (!inKernel) { console.log(`plot '${title}' (pass a name to save it)`); return; }
  if (o.pngFile !== null) {
    if (!existsSync(o.pngFile)) throw new Error(`showPlot: pngFile ${o.pngFile} does not exist`);
    return send(o.png ? readFileSync(o.pngFile) : null);
  }
  if (o.png && findChromium()) {
    const dir = mkdtempSync(join(tmpdir(), 'lab-show-'));
    try {
      const saved = savePlot(plot, 'plot', { dir, width: o.width, height: o.height });
      return send(saved.png ? readFileSync(saved.png) : null);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }
  return send(null);

  function send(pngBytes: Buffer | null): void {
    const figure = { data: plot.data, layout: { width: o.width, height: o.height, ...plot.layout } };
    displayBundle({ [PLOTLY_MIME]: figure, ...(pngBytes ? { 'image/png': pngBytes.toString('base64') } : {}), 'text/plain': `Plot: ${title}` });
  }
}

/**
 * A Progress (runtime/progress.ts) whose line updates in place in the notebook output (one
 * display, updated at most once per `intervalMs`); outside a kernel the usual stderr progress.
 */
export function notebookProgress(label: string, total: number, unit = 'it', intervalMs = 1000): Progress {
  if (!inNotebook()) return createProgress({ label, total, unit });
  const id = randomBytes(8).toString('hex');
  let shown = false;
  return createProgress({
    label, total, unit, intervalMs,
    write: (line) => { displayBundle({ 'text/plain': line }, id, shown); shown = true; },
  });
}
