import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMixture, mixtureStats, type Mixture, generateMiniData } from '../../kernel-lib/index.ts';
import { type MixtureRecord } from '../../kernel-lib/data/mixture.ts';
import { fakeTokenizer } from './fake-tokenizer.ts';

const root = mkdtempSync(join(tmpdir(), 'lab-mix-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
// the mini data folder: all five fine-tuning sources in their published layouts (60 train rows each)
const dataDir = generateMiniData({ outDir: join(root, 'mini'), trainRows: 60, evalRows: 10, glueEvalRows: 10, mmluDev: 1, mmluVal: 1, mmluTest: 1 });
const tokenizer = fakeTokenizer();
const context = { tokenizer, format: { hotpotContextTokens: 400, billTextTokens: 300 } };

async function all(it: AsyncIterable<MixtureRecord>): Promise<MixtureRecord[]> { const out: MixtureRecord[] = []; for await (const x of it) out.push(x); return out; }
async function digest(m: Mixture): Promise<string> {
  const h = createHash('sha256');
  for await (const r of m.train()) h.update(JSON.stringify(r) + '\n');
  return h.digest('hex');
}

test('mixture: same seed -> byte-identical stream (also across builds); another seed -> another order', async () => {
  const a = await buildMixture({ seed: 3, validationRows: 5, shuffleBuffer: 50 }, { dataDir, context });
  const b = await buildMixture({ seed: 3, validationRows: 5, shuffleBuffer: 50 }, { dataDir, context });
  const c = await buildMixture({ seed: 4, validationRows: 5, shuffleBuffer: 50 }, { dataDir, context });
  const da = await digest(a);
  assert.equal(da, await digest(a), 'same mixture twice');
  assert.equal(da, await digest(b), 'rebuilt mixture');
  assert.notEqual(da, await digest(c));
});

test('mixture: proportional = every non-held-out row exactly once; validation rows disjoint; sources interleaved', async () => {
  const m = await buildMixture({ seed: 1, validationRows: 6 }, { dataDir, context });
  const train = await all(m.train());
  const val = await all(m.validation());
  for (const p of m.plan) {
    assert.equal(p.rows, 60);
    assert.equal(p.quota, p.rows - p.heldOut);
    const rowsT = train.filter((r) => r.source === p.source).map((r) => r.row).sort((x, y) => x - y);
    const rowsV = val.filter((r) => r.source === p.source).map((r) => r.row).sort((x, y) => x - y);
    assert.equal(rowsV.length, p.heldOut);
    assert.deepEqual([...rowsT, ...rowsV].sort((x, y) => x - y), Array.from({ length: 60 }, (_, k) => k), p.source);
  }
  assert.equal(train.length, m.plan.reduce((a, p) => a + p.quota, 0));
  const firstHalf = new Set(train.slice(0, train.length / 2).map((r) => r.source));
  assert.equal(firstHalf.size, 5, 'all sources appear early (interleaved, not concatenated)');
  const piqa = train.find((r) => r.source === 'piqa')!;
  assert.ok('prompt' in piqa && piqa.prompt.startsWith('Goal: ') && piqa.target.startsWith(' '));
});

test('mixture: capped and temperature quotas (hand-computed); repeats for upsampled sources', async () => {
  const capped = await buildMixture({ strategy: 'capped', cap: 20, validationRows: 0, sources: ['siqa', 'piqa'] }, { dataDir, context });
  assert.deepEqual(capped.plan.map((p) => p.quota), [20, 20]);
  assert.equal((await all(capped.train())).length, 40);
  // temperature T=2 with a_i = 60, 60: equal weights; totalRows 150 -> 75 each (> 60 rows: the source repeats)
  const temp = await buildMixture({ strategy: 'temperature', temperature: 2, totalRows: 150, validationRows: 0, sources: ['siqa', 'piqa'] }, { dataDir, context });
  assert.deepEqual(temp.plan.map((p) => p.quota), [75, 75]);
  const rows = await all(temp.train());
  assert.equal(rows.filter((r) => r.source === 'siqa').length, 75);
  assert.equal(new Set(rows.filter((r) => r.source === 'siqa').map((r) => r.row)).size, 60);
  await assert.rejects(buildMixture({ strategy: 'uniform' as never }, { dataDir, context }), /'strategy'/);
  await assert.rejects(buildMixture({ sources: ['nope'] }, { dataDir, context }), /unknown data source 'nope'/);
});

test('mixture: statistics table (rows, tokens, shares) as an arquero table', async () => {
  const m = await buildMixture({ validationRows: 5, sources: ['siqa', 'billsum'] }, { dataDir, context });
  const t = await mixtureStats(m, tokenizer);
  assert.deepEqual(t.columnNames(), ['source', 'split', 'rows', 'tokens', 'rowShare', 'tokenShare']);
  const objs = t.objects() as { source: string; split: string; rows: number; tokens: number; rowShare: number }[];
  const siqaTrain = objs.find((o) => o.source === 'siqa' && o.split === 'train')!;
  assert.equal(siqaTrain.rows, m.plan[0]!.quota);
  // the fake tokenizer is one token per UTF-16 unit: tokens = characters of prompt + target
  let chars = 0;
  for await (const r of m.train()) if (r.source === 'siqa' && 'prompt' in r) chars += r.prompt.length + r.target.length;
  assert.equal(siqaTrain.tokens, chars);
  assert.ok(Math.abs(objs.filter((o) => o.split === 'train').reduce((a, o) => a + o.rowShare, 0) - 1) < 1e-12);
});
