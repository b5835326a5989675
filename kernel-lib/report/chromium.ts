/**
 * Headless Chromium for PNG renders and DOM checks of our HTML files. Optional: when no browser is
 * found, callers skip PNG with a note. LAB_CHROMIUM names the binary; otherwise the usual paths.
 */
import { settings } from '../runtime/settings.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The Chromium binary, or null when none is installed. */
export function findChromium(): string | null {
  const env = settings().chromium;
  if (env) return existsSync(env) ? env : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Runs headless Chromium on a local HTML file with a throwaway profile; returns stdout. */
function chromium(bin: string, htmlPath: string, extra: readonly string[], timeoutMs: number): string {
  const profile = mkdtempSync(join(tmpdir(), 'lab-chromium-'));
  try {
    const r = spawnSync(bin, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--hide-scrollbars', '--virtual-time-budget=5000', `--user-data-dir=${profile}`, ...extra,
      pathToFileURL(htmlPath).href,
    ], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new Error(`chromium on ${htmlPath}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`chromium on ${htmlPath} exited ${r.status}: ${r.stderr.slice(-2000)}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Screenshots `htmlPath` into `pngPath` (width x height px). */
export function renderPng(bin: string, htmlPath: string, pngPath: string, width: number, height: number, timeoutMs = 90000): void {
  chromium(bin, htmlPath, [`--screenshot=${pngPath}`, `--window-size=${width},${height}`], timeoutMs);
  if (!existsSync(pngPath) || statSync(pngPath).size === 0) throw new Error(`chromium wrote no screenshot to ${pngPath}`);
}

/** The page's DOM after load and scripts (serialised HTML). */
export function dumpDom(bin: string, htmlPath: string, timeoutMs = 90000): string {
  return chromium(bin, htmlPath, ['--dump-dom'], timeoutMs);
}
