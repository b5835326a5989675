/**
 * Progress for long work: a single updating line with count, rate and ETA. In a terminal it
 * redraws in place (\r); elsewhere (CI logs, a notebook kernel's plain output) it prints at most one line every
 * `intervalMs`, so logs stay short. Set LAB_QUIET=1 to silence.
 */
import { settings } from './settings.ts';
import { infoLine } from './info-line.ts';
export interface Progress {
  /** Advance by `n` units; `info` is shown after the counters (e.g. `loss 3.21`). */
  tick(n?: number, info?: string): void;
  /** Final line with the total time. */
  done(info?: string): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;            // units expected (0 if unknown)
  readonly unit?: string;            // 'req', 'step', 'tok', ...
  readonly intervalMs?: number;      // minimum time between non-TTY lines (default 5000)
  readonly write?: (line: string, final: boolean) => void;  // sink (default: stderr)
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(opts: ProgressOptions): Progress {
  const start = Date.now();
  const unit = opts.unit ?? 'it';
  const tty = Boolean(process.stderr.isTTY);
  const interval = opts.intervalMs ?? (tty ? 200 : 5000);
  const quiet = settings().quiet;
  const write = opts.write ?? ((line: string, final: boolean) => {
    if (tty) process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else infoLine(line);   // stdout in a notebook kernel (stderr would show as an error box)
  });
  let count = 0;
  let last = 0;
  const line = (info?: string): string => {
    const secs = (Date.now() - start) / 1000;
    const rate = count / Math.max(secs, 1e-9);
    const pct = opts.total > 0 ? ` ${((100 * count) / opts.total).toFixed(0)}%` : '';
    const eta = opts.total > 0 && count > 0 ? ` eta ${formatSeconds((opts.total - count) / rate)}` : '';
    const of = opts.total > 0 ? `/${opts.total}` : '';
    return `${opts.label}: ${count}${of} ${unit}${pct} | ${rate.toFixed(rate < 10 ? 2 : 0)} ${unit}/s | ${formatSeconds(secs)}${eta}${info ? ' | ' + info : ''}`;
  };
  return {
    tick(n = 1, info) {
      count += n;
      const now = Date.now();
      if (quiet || now - last < interval) return;
      last = now;
      write(line(info), false);
    },
    done(info) {
      if (!quiet) write(line(info), true);
    },
  };
}
