/**
 * Plots as HTML with plotly.js inlined from node_modules (plotly.js-dist-min): no network, no
 * CDN, no external URL. The library sits in one `<script data-lib="plotly.js-dist-min">` tag,
 * so checks can tell the library's own text from ours.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import type { Plot } from './plots.ts';
import { escapeHtml } from './table-format.ts';

const require = createRequire(import.meta.url);
let library: string | undefined;

/** The plotly.js bundle's source, with `</script` escaped so it can sit inside a script tag. */
export function plotlyLibrary(): string {
  library ??= readFileSync(require.resolve('plotly.js-dist-min'), 'utf8').replace(/<\/script/gi, '<\\/script');
  return library;
}

/** The script tag that defines window.Plotly. */
export function plotlyScriptTag(): string {
  return `<script type="text/javascript" data-lib="plotly.js-dist-min">${plotlyLibrary()}</script>`;
}

export interface PlotHtmlOptions {
  readonly width: number;             // px
  readonly height: number;            // px
  readonly includeLibrary: boolean;   // inline plotly.js before the figure
  readonly modeBar: boolean;          // show plotly's toolbar (off for PNG renders)
}

export const plotHtmlDefaults: PlotHtmlOptions = { width: 800, height: 450, includeLibrary: true, modeBar: true };

/** JSON safe inside a <script>: `<` escaped so data cannot close the tag. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** An HTML fragment: (library +) a div and the script drawing `plot` into it, waiting for Plotly if needed. */
export function plotFragment(plot: Plot, opts: Partial<PlotHtmlOptions> = {}): string {
  const o = { ...plotHtmlDefaults, ...opts };
  const id = `lab-plot-${randomBytes(6).toString('hex')}`;
  const layout = { width: o.width, height: o.height, ...plot.layout };
  const call = `Plotly.newPlot(${JSON.stringify(id)}, ${scriptJson(plot.data)}, ${scriptJson(layout)}, {displaylogo: false, responsive: true${o.modeBar ? '' : ', displayModeBar: false'}})`;
  return `${o.includeLibrary ? plotlyScriptTag() : ''}<div id="${id}" style="width:${o.width}px;height:${o.height}px"></div>`
    + `<script type="text/javascript">(function w(n){if(window.Plotly){${call};}else if(n<200){setTimeout(function(){w(n+1)},50);}})(0);</script>`;
}

/** A standalone HTML document showing `plot`; opens offline from disk. */
export function plotHtml(plot: Plot, title: string, opts: Partial<Omit<PlotHtmlOptions, 'includeLibrary'>> = {}): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`
    + `<body style="margin:0">\n${plotFragment(plot, { ...opts, includeLibrary: true })}\n</body></html>\n`;
}
