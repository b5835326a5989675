/**
 * `npm run bench [-- NAME...]`: runs every case of bench/cases/*.ts (or the named ones), each in
 * a fresh child process for a clean peak RSS, printing one JSON line per case and a table.
 * `node --import tsx bench/run.ts --case NAME` runs one case in this process (what the children do).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { BenchCase } from './case.ts';
import { median } from './case.ts';
import { childEnv } from '../kernel-lib/runtime/settings.ts';

const here = dirname(fileURLToPath(import.meta.url));

async function allCases(): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const f of readdirSync(join(here, 'cases')).filter((n) => n.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(here, 'cases', f)).href)) as { cases?: BenchCase[] };
    if (!Array.isArray(mod.cases)) throw new Error(`bench/cases/${f}: must export 'cases: BenchCase[]'`);
    out.push(...mod.cases);
  }
  return out;
}

async function runOne(c: BenchCase): Promise<void> {
  const r = await c.run();
  const med = median(r.stepSeconds), cmed = median(r.cpuSeconds);
  const { getBackend } = await import('@tensorflow/tfjs-core');
  console.log(JSON.stringify({
    case: c.name, backend: getBackend(), tokensPerSec: +(r.tokensPerStep / med).toFixed(1), tokensPerCpuSec: +(r.tokensPerStep / cmed).toFixed(1),
    medianStepSec: +med.toFixed(3), medianCpuSec: +cmed.toFixed(3),
    stepSec: r.stepSeconds.map((s) => +s.toFixed(3)), tokensPerStep: r.tokensPerStep,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), load1: +loadavg()[0]!.toFixed(2), ...r.extra,
  }));
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { case: { type: 'string' } } });
  const cases = await allCases();
  if (values.case) {
    const c = cases.find((x) => x.name === values.case);
    if (!c) throw new Error(`no bench case '${values.case}': known ${cases.map((x) => x.name).join(', ')}`);
    await runOne(c);
    return 0;
  }
  const chosen = positionals.length ? cases.filter((c) => positionals.includes(c.name)) : cases;
  if (positionals.length && chosen.length !== positionals.length) throw new Error(`unknown case among ${positionals.join(', ')}: known ${cases.map((x) => x.name).join(', ')}`);
  const rows: Record<string, unknown>[] = [];
  for (const c of chosen) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--case', c.name], { encoding: 'utf8', env: childEnv({ LAB_QUIET: '1' }) });
    const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
    if (r.status !== 0 || !line) {
      const row = { case: c.name, error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ') };
      console.log(JSON.stringify(row)); rows.push(row); continue;
    }
    console.log(line);
    rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  console.log('\n| case | tokens/s (wall) | tokens/CPU-s | median step s | peak RSS MiB | load1 |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(r.error ? `| ${r.case} | error: ${r.error} | | | | |` : `| ${r.case} | ${r.tokensPerSec} | ${r.tokensPerCpuSec} | ${r.medianStepSec} | ${r.peakRssMiB} | ${r.load1} |`);
  const vs = rows.filter((r) => r.torchTokensPerSec !== undefined);
  if (vs.length) {
    console.log('\n| case | shape | mode | threads | ours tokens/s | PyTorch tokens/s | ours / PyTorch |\n|---|---|---|---|---|---|---|');
    for (const r of vs) {
      console.log(`| ${r.case} | ${r.shape} | ${r.mode} | ${r.threads} | ${r.tokensPerSec} | ${r.torchTokensPerSec} | ${r.oursOverTorch} |`);
      // cases measuring 2 threads too (realsize-*) carry them as *2t fields
      if (r.torchTokensPerSec2t !== undefined) console.log(`| ${r.case} | ${r.shape} | ${r.mode} | 2 | ${r.tokensPerSec2t} | ${r.torchTokensPerSec2t} | ${r.oursOverTorch2t} |`);
    }
  }
  console.log(`\nload average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  return rows.some((r) => r.error) ? 1 : 0;
}

main().then((c) => process.exit(c), (e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
