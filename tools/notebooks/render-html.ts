/**
 * Renders an executed notebook the way a reader sees it: Debian's nbconvert (lab template plus
 * nbconvert/lab-plotly, which draws Plotly MIME outputs with the local plotly.js-dist-min file)
 * to HTML, then headless Chromium: where each plot sits on the page (after plotly.js ran) and a
 * full-page screenshot.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const TEMPLATES = join(import.meta.dirname, 'nbconvert');
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** nbconvert --to html with the lab-plotly template into `outDir` (plotly.min.js copied beside it); returns the HTML path. */
export function renderNotebookHtml(ipynb: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const r = spawnSync(DEBIAN_PYTHON, ['-m', 'nbconvert', '--to', 'html', '--template', 'lab-plotly',
    `--TemplateExporter.extra_template_basedirs=${TEMPLATES}`, '--output-dir', outDir, ipynb], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`nbconvert on ${ipynb} exited ${r.status}: ${(r.stderr ?? '').slice(-2000)}`);
  copyFileSync(require.resolve('plotly.js-dist-min'), join(outDir, 'plotly.min.js'));
  return join(outDir, basename(ipynb).replace(/\.ipynb$/, '.html'));
}

/** A plot's box on the page (CSS px = screenshot px) and whether plotly.js drew an SVG into it. */
export interface PlotBox { readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly drawn: boolean }

/** Runs headless Chromium on the page `page` with `args` (e.g. --dump-dom); returns its stdout. */
export function runChromium(bin: string, page: string, args: readonly string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'lab-chromium-'));
  try {
    const r = spawnSync(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--hide-scrollbars', '--virtual-time-budget=10000', `--user-data-dir=${profile}`, ...args, pathToFileURL(page).href],
    { encoding: 'utf8', timeout: 180_000, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`chromium on ${page} exited ${r.status}: ${(r.stderr ?? '').slice(-2000)}`);
    return r.stdout;
  } finally { rmSync(profile, { recursive: true, force: true }); }
}

// After load, record each plot output's box and the page height as attributes (read back with --dump-dom).
const MEASURE = `<script>window.addEventListener('load',function(){setTimeout(function(){
document.querySelectorAll('.lab-plotly').forEach(function(e){var r=e.getBoundingClientRect();
e.setAttribute('data-box',[r.left+scrollX,r.top+scrollY,r.width,r.height].map(Math.round).join(','));});
document.body.setAttribute('data-page-height',String(document.documentElement.scrollHeight));},1000);});</script>`;

/** Opens `html` in headless Chromium at `width` px: the plots' boxes, and a screenshot of the whole page written to `pngPath`. */
export function screenshotNotebook(bin: string, html: string, pngPath: string, width = 1200): { plots: PlotBox[]; height: number } {
  const page = html.replace(/\.html$/, '.measure.html');
  writeFileSync(page, readFileSync(html, 'utf8').replace('</body>', `${MEASURE}</body>`));
  const dom = runChromium(bin, page, [`--window-size=${width},2000`, '--dump-dom']);
  const height = Math.min(16000, Number(/data-page-height="(\d+)"/.exec(dom)?.[1] ?? 2000));
  const plots: PlotBox[] = [];
  for (const m of dom.matchAll(/<div class="jp-OutputArea-output lab-plotly"[^>]*>([\s\S]*?)<script/g)) {
    const box = /data-box="(-?\d+),(-?\d+),(\d+),(\d+)"/.exec(m[0]);
    if (!box) throw new Error(`${html}: a plot output was not measured (page scripts did not run?)`);
    plots.push({ x: +box[1]!, y: +box[2]!, width: +box[3]!, height: +box[4]!, drawn: /class="main-svg"/.test(m[1]!) });
  }
  runChromium(bin, page, [`--window-size=${width},${height}`, `--screenshot=${pngPath}`]);
  return { plots, height };
}
