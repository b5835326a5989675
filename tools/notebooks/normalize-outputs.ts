/**
 * Makes an executed notebook's outputs fit to commit: machine paths become project-relative
 * (`<project>/x` -> `x`, the home folder -> `~`), and stream lines (stdout or stderr: in a kernel the
 * library writes its info lines to stdout) that only say how fast something ran or whether a step
 * was cached (progress lines, `[step] ... cached|running`) are
 * dropped, so re-executing on another machine, or with a warm cache, changes no committed output
 * apart from real results.
 */
import { homedir } from 'node:os';

export interface NormalizeOptions {
  readonly root: string;   // project root, replaced by '' (with its trailing slash) or '.'
  readonly home: string;   // replaced by '~'
}

/** A progress line (runtime/progress.ts: "label: 3/8 step 38% | 1.2 step/s | ...") or a step-cache line. */
const VOLATILE = /^(.*: \d+\/\d+ \S+ \d+% \|.*|\[step\] .*)$/;

type Output = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> };
type Cell = { cell_type: string; outputs?: Output[] };

function paths(s: string, o: NormalizeOptions): string {
  let out = s.split(`${o.root}/`).join('').split(o.root).join('.');
  if (o.home && o.home !== '/') out = out.split(`${o.home}/`).join('~/');
  return out;
}

/** Rewrites `nb` (nbformat 4 JSON) in place and returns it. */
export function normalizeOutputs<T extends { cells: Cell[] }>(nb: T, opts: Partial<NormalizeOptions> & { root: string }): T {
  const o: NormalizeOptions = { home: homedir(), ...opts };
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code' || !cell.outputs) continue;
    const kept: Output[] = [];
    for (const out of cell.outputs) {
      if (out.output_type === 'stream') {
        const text = Array.isArray(out.text) ? out.text.join('') : out.text ?? '';
        const lines = text.split('\n').filter((l) => !VOLATILE.test(l));
        const t = paths(lines.join('\n'), o);
        if (t.trim() !== '') kept.push({ ...out, text: t });
        continue;
      }
      if (out.data) {
        for (const [mime, v] of Object.entries(out.data)) {
          if (typeof v === 'string' && (mime.startsWith('text/'))) out.data[mime] = paths(v, o);
        }
      }
      kept.push(out);
    }
    cell.outputs = kept;
  }
  return nb;
}
