/**
 * `lab eval mini` as a newcomer runs it, through the real entry (bin/lab.js):
 * - from an empty LAB_CACHE_DIR, with no hub (unreachable endpoint, empty hub cache) and no
 *   LAB_REAL_DATA, `--tasks piqa,openbookqa --limit 20` works with no other step: the mini data
 *   is generated (the study's mini profile) and used; progress lines carry an ETA;
 * - the results JSON has lm-eval's keys: numeric versions, `date` (Unix seconds), `start_time` /
 *   `end_time` (monotonic seconds) and `total_evaluation_time_seconds` (a string), and only
 *   numeric (or "N/A") metrics (the GLUE mean has no `components,none` row entry);
 * - Ctrl-C (SIGINT) exits 130 with a line saying the next run resumes, and the next run completes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { LAB, lab } from './lab-child.ts';

function freshEnv(): Record<string, string> {
  const env: Record<string, string> = {
    LAB_CACHE_DIR: mkdtempSync(join(tmpdir(), 'cli-evalmini-cache-')),
    HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: mkdtempSync(join(tmpdir(), 'cli-evalmini-hub-')),
    LAB_REAL_DATA: '',
  };
  return env;
}

function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('lab eval mini --tasks piqa,openbookqa --limit 20 works from an empty cache with no hub; lm-eval JSON keys', async () => {
  const env = freshEnv();
  const out = join(mkdtempSync(join(tmpdir(), 'cli-evalmini-out-')), 'results.json');
  const t0 = Date.now() / 1000;
  const r = await lab(['eval', 'mini', '--tasks', 'piqa,openbookqa', '--limit', '20', '--output', out], env);
  const t1 = Date.now() / 1000;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\|piqa +\|1\.0 +\|none +\|0 +\|acc /m);
  assert.match(r.stdout, /^\|openbookqa *\|1\.0 +\|/m);
  assert.match(r.stderr, /piqa: \d+\/40 req .* eta /, 'progress with ETA');
  const j = JSON.parse(readFileSync(out, 'utf8')) as Record<string, any>;
  // data: the generated mini data under the fresh cache, its piqa validation file read whole
  const dataDir = j.config.data_dir as string;
  assert.ok(dataDir.startsWith(join(env.LAB_CACHE_DIR!, 'mini-data')), dataDir);
  const validRows = readFileSync(join(dataDir, 'piqa', 'valid.jsonl'), 'utf8').trim().split('\n').length;
  assert.deepEqual(j['n-samples'].piqa, { original: validRows, effective: 20 });
  assert.equal(j['n-samples'].openbookqa.effective, 20);
  // lm-eval's keys and types
  assert.deepEqual(j.versions, { piqa: 1, openbookqa: 1 });
  assert.equal(typeof j.date, 'number');
  assert.ok(j.date >= t0 - 1 && j.date <= t1 + 1, `date ${j.date} within the run`);
  assert.equal(typeof j.start_time, 'number');
  assert.equal(typeof j.end_time, 'number');
  assert.ok(j.end_time >= j.start_time);
  assert.equal(typeof j.total_evaluation_time_seconds, 'string');
  assert.ok(Math.abs(Number(j.total_evaluation_time_seconds) - (j.end_time - j.start_time)) < 1e-6);
  assert.ok(Number(j.total_evaluation_time_seconds) < t1 - t0, 'evaluation time shorter than the whole command');
  for (const [task, row] of Object.entries(j.results as Record<string, Record<string, unknown>>)) {
    for (const [k, v] of Object.entries(row)) if (k !== 'alias') assert.ok(typeof v === 'number' || v === 'N/A', `${task} ${k} = ${JSON.stringify(v)}`);
  }
  // the hub was never needed
  assert.deepEqual(files(env.HF_HUB_CACHE!), []);
});

test('lab eval mini --tasks glue: the GLUE mean row holds metrics only; numeric versions except our own glue group', async () => {
  const env = freshEnv();
  const out = join(mkdtempSync(join(tmpdir(), 'cli-evalmini-glue-')), 'glue.json');
  const r = await lab(['eval', 'mini', '--profile', 'mini', '--tasks', 'glue', '--limit', '2', '--bootstrap-iters', '0', '--output', out], env);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(readFileSync(out, 'utf8')) as Record<string, any>;
  assert.deepEqual(Object.keys(j.results.glue).sort(), ['alias', 'score,none', 'score_stderr,none']);
  assert.equal(typeof j.results.glue['score,none'], 'number');
  for (const [name, v] of Object.entries(j.versions as Record<string, unknown>)) {
    if (name === 'glue') assert.equal(v, 'lab-1');      // lm-eval has no GLUE aggregate: our group, our version
    else assert.equal(typeof v, 'number', `${name} version ${JSON.stringify(v)}`);
  }
});

test('Ctrl-C in lab eval exits 130 saying the next run resumes; the next run completes', async () => {
  const env = freshEnv();
  const args = ['eval', 'mini', '--tasks', 'hellaswag', '--limit', '40', '--cache-flush-ms', '0'];
  const child = spawn(process.execPath, [LAB, ...args], { env: { ...process.env, ...env, LAB_QUIET: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exit = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const cache = join(env.LAB_CACHE_DIR!, 'eval');
  let sent = false;
  for (let i = 0; i < 1500 && !sent; i++) {
    await new Promise((r) => setTimeout(r, 40));
    if (files(cache).some((f) => f.endsWith('.jsonl'))) { child.kill('SIGINT'); sent = true; }
  }
  assert.ok(sent, 'the run wrote a cache segment before finishing');
  const code = await exit;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /lab: interrupted \(SIGINT\); the requests computed so far are in the request cache \(.*\): run the same command again to resume/);
  const cached = files(cache).filter((f) => f.endsWith('.jsonl')).length;
  assert.ok(cached > 0);
  const again = await lab(args, { ...env, LAB_QUIET: '1' });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /\|hellaswag/);
});
