/** Saves a plot as results/plots/<name>.html (self-contained) and <name>.png (when Chromium exists). */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir, writeFileAtomic } from '../runtime/files.ts';
import { findChromium, renderPng } from './chromium.ts';
import { plotHtml } from './plot-html.ts';
import type { Plot } from './plots.ts';

export interface SavePlotOptions {
  readonly dir: string;        // output folder (default <results>/plots)
  readonly png: boolean;       // also render a PNG (needs Chromium; skipped with a note if absent)
  readonly width: number;      // px
  readonly height: number;     // px
  readonly title: string;      // HTML <title> (default: the name)
}

export const savePlotDefaults: Omit<SavePlotOptions, 'dir' | 'title'> = { png: true, width: 800, height: 450 };

export interface SavedPlot {
  readonly html: string;
  readonly png: string | null;   // null when not rendered
  readonly note: string | null;  // why the PNG is missing
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
let warned = false;

export function savePlot(plot: Plot, name: string, opts: Partial<SavePlotOptions> = {}): SavedPlot {
  if (!NAME.test(name)) throw new Error(`savePlot: name '${name}' must be letters, digits, '.', '_' or '-' (no folders)`);
  const o = { ...savePlotDefaults, dir: join(resultsDir(), 'plots'), title: name, ...opts };
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 16 || o[k] > 8192) throw new Error(`savePlot: ${k} must be an integer number of px in [16, 8192], got ${o[k]}`);
  }
  const html = join(o.dir, `${name}.html`);
  writeFileAtomic(html, plotHtml(plot, o.title, { width: o.width, height: o.height }));
  if (!o.png) return { html, png: null, note: null };
  const bin = findChromium();
  if (!bin) {
    const note = `savePlot: no Chromium found (set LAB_CHROMIUM), skipped ${name}.png`;
    if (!warned) { console.warn(`${note} (PNGs are skipped for the rest of this run)`); warned = true; }
    return { html, png: null, note };
  }
  const png = join(o.dir, `${name}.png`);
  const tmp = join(o.dir, `.${name}.${process.pid}.png`);
  const page = join(o.dir, `.${name}.${process.pid}.png.html`);   // same plot without the toolbar
  try {
    writeFileAtomic(page, plotHtml(plot, o.title, { width: o.width, height: o.height, modeBar: false }));
    renderPng(bin, page, tmp, o.width, o.height);
  } catch (e) { rmSync(tmp, { force: true }); throw e; } finally { rmSync(page, { force: true }); }
  try { renameSync(tmp, png); } catch (e) { rmSync(tmp, { force: true }); throw e; }   // atomic: same folder
  return { html, png, note: null };
}
