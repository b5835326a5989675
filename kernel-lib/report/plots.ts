/**
 * Plot builders: each returns a Plot (plotly.js traces + layout as plain data) that savePlot
 * writes as self-contained HTML (+ PNG) and the notebook display helpers show in a cell.
 */
import { PAPER, PAPER_TASK_LABELS, type PaperTask } from './paper.ts';

/** A plotly.js figure as data. */
export interface Plot {
  readonly data: readonly Record<string, unknown>[];
  readonly layout: Readonly<Record<string, unknown>>;
}

// The legend sits under the plot, in rows: series names are long ("mini GPT-2 iterative (write-up
// budget: 4 x one-shot) pruned ... + recovered"), and beside the plot they took most of its width.
// (Below the x axis title; plotly widens the bottom margin to hold it.)
const LEGEND_BELOW = { orientation: 'h', x: 0, xanchor: 'left', y: -0.3, yanchor: 'top' };

/** Title lines of at most `width` characters, broken at spaces (plotly does not wrap titles; an 800 px plot holds about 80). */
export function wrapTitle(title: string, width = 80): string[] {
  const lines: string[] = [];
  for (const word of title.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const base = (title: string, extra: Record<string, unknown>): Record<string, unknown> => {
  const lines = wrapTitle(title);
  return { title: { text: lines.join('<br>') }, font: { family: 'sans-serif', size: 13 }, margin: { t: 30 + 20 * lines.length, l: 60, r: 20, b: 60 },
    legend: LEGEND_BELOW, ...extra };
};

/** One model's bars: scores and (optionally) their standard errors, drawn as +/- 1 stderr error bars. */
export interface AccuracyRow {
  readonly model: string;
  readonly scores: Readonly<Partial<Record<PaperTask, number>>>;
  readonly stderr?: Readonly<Partial<Record<PaperTask, number | null>>>;
}

/**
 * Grouped bars: accuracy per task (x) per model (one trace each), error bars of +/- 1 stderr where
 * given, and a dashed horizontal line across each task's group at its chance level where given.
 */
export function accuracyPlot(rows: readonly AccuracyRow[], tasks: readonly PaperTask[], title = 'Accuracy per task',
  chance: Readonly<Partial<Record<PaperTask, number | null>>> = {}): Plot {
  const x = tasks.map((t) => PAPER_TASK_LABELS[t]);
  const shapes = tasks.flatMap((t, i) => {
    const c = chance[t];
    return typeof c === 'number' ? [{ type: 'line', xref: 'x', yref: 'y', x0: i - 0.45, x1: i + 0.45, y0: c, y1: c, line: { dash: 'dash', width: 2, color: '#333' } }] : [];
  });
  return {
    data: rows.map((r) => ({
      type: 'bar', name: r.model, x, y: tasks.map((t) => r.scores[t] ?? null),
      ...(r.stderr ? { error_y: { type: 'data', visible: true, array: tasks.map((t) => r.stderr![t] ?? null) } } : {}),
    })),
    layout: base(shapes.length ? `${title} (error bars: ±1 stderr; dashed: chance level)` : title,
      { barmode: 'group', yaxis: { title: { text: 'accuracy' }, rangemode: 'tozero' }, ...(shapes.length ? { shapes } : {}) }),
  };
}

/** One series of (sparsity, perplexity) points, e.g. one-shot or iterative pruning. */
export interface PerplexitySeries {
  readonly label: string;
  /** ciLow / ciHigh (e.g. 95% over blocks) draw asymmetric error bars where given. */
  readonly points: readonly { readonly sparsity: number; readonly perplexity: number; readonly ciLow?: number | null; readonly ciHigh?: number | null }[];
  readonly dashed?: boolean;           // e.g. for published reference points
}

/** The write-up's two perplexity points as dotted reference series ('paper one-shot', 'paper iterative'). */
export function paperPerplexitySeries(): PerplexitySeries[] {
  return PAPER.perplexity.map((p) => ({ label: `paper ${p.method}`, points: [{ sparsity: p.sparsity, perplexity: p.perplexity }], dashed: true }));
}

/** Lines: validation perplexity against sparsity (in %), one line per series (log y axis). */
export function perplexityPlot(series: readonly PerplexitySeries[], title = 'Perplexity vs sparsity'): Plot {
  return {
    data: series.map((s) => ({
      type: 'scatter', mode: 'lines+markers', name: s.label,
      x: s.points.map((p) => 100 * p.sparsity), y: s.points.map((p) => p.perplexity),
      ...(s.dashed ? { line: { dash: 'dot' } } : {}),
      ...(s.points.some((p) => typeof p.ciHigh === 'number') ? { error_y: {
        type: 'data', symmetric: false, visible: true,
        array: s.points.map((p) => (typeof p.ciHigh === 'number' ? p.ciHigh - p.perplexity : null)),
        arrayminus: s.points.map((p) => (typeof p.ciLow === 'number' ? p.perplexity - p.ciLow : null)),
      } } : {}),
    })),
    layout: base(title, { xaxis: { title: { text: 'sparsity (%)' } }, yaxis: { title: { text: 'validation perplexity' }, type: 'log' } }),
  };
}

/** A loss curve: losses[i] at steps[i]. */
export interface LossCurve { readonly label: string; readonly steps: readonly number[]; readonly losses: readonly number[] }

/** Lines: training / recovery loss per step, one line per curve. */
export function lossPlot(curves: readonly LossCurve[], title = 'Training loss'): Plot {
  for (const c of curves) {
    if (c.steps.length !== c.losses.length) throw new Error(`lossPlot: curve '${c.label}' has ${c.steps.length} steps but ${c.losses.length} losses`);
  }
  return {
    data: curves.map((c) => ({ type: 'scatter', mode: 'lines', name: c.label, x: [...c.steps], y: [...c.losses] })),
    layout: base(title, { xaxis: { title: { text: 'step' } }, yaxis: { title: { text: 'loss' } } }),
  };
}

/** Size and speed of one model. */
export interface CostRow { readonly model: string; readonly params: number; readonly latencyMs: number | null }

/** Two bar panels side by side: parameters (millions) and latency (ms) per model, e.g. before/after pruning. */
export function costPlot(rows: readonly CostRow[], title = 'Parameters and latency'): Plot {
  const x = rows.map((r) => r.model);
  return {
    data: [
      { type: 'bar', name: 'parameters (M)', x, y: rows.map((r) => r.params / 1e6), xaxis: 'x', yaxis: 'y' },
      { type: 'bar', name: 'latency (ms)', x, y: rows.map((r) => r.latencyMs), xaxis: 'x2', yaxis: 'y2' },
    ],
    layout: base(title, {
      grid: { rows: 1, columns: 2, pattern: 'independent' }, showlegend: false,
      yaxis: { title: { text: 'parameters (M)' }, rangemode: 'tozero' },
      yaxis2: { title: { text: 'latency (ms)' }, rangemode: 'tozero' },
    }),
  };
}
