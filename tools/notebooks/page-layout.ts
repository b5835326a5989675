/**
 * Whether a rendered notebook page (renderNotebookHtml's HTML) reads at a given window width, as
 * headless Chromium lays it out: for each table in an output, its box, the horizontal scroll box it
 * sits in (if any) and where its last column lands once that box is scrolled fully right; the
 * output text (titles, notes) running past the window; each plot's figure and plotting-area widths;
 * the page's own width. Measured by a script added to a copy of the page, read back with --dump-dom.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { runChromium } from './render-html.ts';

export interface Box { readonly left: number; readonly right: number; readonly width: number }

export interface TableLayout {
  readonly title: string;             // the output's <h4> (showTable's title), '' if none
  readonly columns: number;           // cells in the header row
  readonly table: Box;                // before any scrolling
  /** Nearest ancestor with overflow-x auto/scroll (null: none up to <body>), and whether it holds this table alone. */
  readonly box: Box | null;
  readonly ownBox: boolean;
  /** The header row's last cell, after scrolling `box` fully right. */
  readonly lastColumn: Box & { readonly text: string };
}

/** A drawn plot: its title, the figure's width (plotly's layout width) and the plotting area's (without margins and legend). */
export interface PlotLayout { readonly title: string; readonly figureWidth: number; readonly areaWidth: number }

export interface PageLayout {
  readonly viewport: number;          // the window's width in CSS px
  readonly pageWidth: number;         // the document's scroll width (> viewport: the page scrolls sideways)
  readonly tables: readonly TableLayout[];
  readonly overflowingText: readonly { readonly tag: string; readonly text: string; readonly right: number }[];
  readonly plots: readonly PlotLayout[];
}

// Runs after load (and after plotly drew): measures, then appends the result as a JSON script element.
const MEASURE = `<script>window.addEventListener('load',function(){setTimeout(function(){
var W=document.documentElement.clientWidth;
function box(e){var b=e.getBoundingClientRect();return {left:Math.round(b.left),right:Math.round(b.right),width:Math.round(b.width)};}
function scroller(e){for(var p=e.parentElement;p&&p!==document.body;p=p.parentElement){var o=getComputedStyle(p).overflowX;if(o==='auto'||o==='scroll')return p;}return null;}
function titleOf(e){var o=e.closest('.jp-OutputArea-output');var h=o&&o.querySelector('h4');return h?h.textContent.replace(/\\u00b6$/,'').trim():'';}
var tables=[].map.call(document.querySelectorAll('.jp-OutputArea-output table'),function(t){
var s=scroller(t);var head=t.querySelectorAll('tr')[0].children;var last=head[head.length-1];var tb=box(t);
if(s)s.scrollLeft=s.scrollWidth;var lb=box(last);lb.text=last.textContent;var r={title:titleOf(t),columns:head.length,table:tb,box:s?box(s):null,
ownBox:!!s&&s===t.parentElement&&s.children.length===1,lastColumn:lb};if(s)s.scrollLeft=0;return r;});
var text=[].map.call(document.querySelectorAll('.jp-OutputArea-output p, .jp-OutputArea-output h4'),function(e){return {tag:e.tagName.toLowerCase(),text:e.textContent.slice(0,80),right:Math.round(e.getBoundingClientRect().right)};}).filter(function(x){return x.right>W;});
var plots=[].map.call(document.querySelectorAll('.lab-plotly .js-plotly-plot'),function(g){var l=g._fullLayout;return {title:(l.title&&l.title.text||'').replace(/<br>/g,' '),figureWidth:Math.round(l.width),areaWidth:Math.round(l._size.w)};});
var out=document.createElement('script');out.type='application/json';out.id='lab-page-layout';
out.textContent=JSON.stringify({viewport:W,pageWidth:document.documentElement.scrollWidth,tables:tables,overflowingText:text,plots:plots}).replace(/</g,'\\\\u003c');
document.body.appendChild(out);},1000);});</script>`;

/** Lays out `html` in headless Chromium `width` px wide and measures it (see PageLayout). */
export function measurePageLayout(bin: string, html: string, width = 1200): PageLayout {
  const page = html.replace(/\.html$/, '.layout.html');
  writeFileSync(page, readFileSync(html, 'utf8').replace('</body>', `${MEASURE}</body>`));
  const dom = runChromium(bin, page, [`--window-size=${width},2000`, '--dump-dom']);
  const m = /<script type="application\/json" id="lab-page-layout">([\s\S]*?)<\/script>/.exec(dom);
  if (!m) throw new Error(`${html}: the page was not measured (its scripts did not run?)`);
  return JSON.parse(m[1]!) as PageLayout;
}
