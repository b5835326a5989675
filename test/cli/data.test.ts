import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../kernel-lib/cli/data.ts';
import { generateMiniData } from '../../kernel-lib/index.ts';

const real = process.env.LAB_REAL_DATA;

async function captured(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try { return { code: await run(argv), out: lines.join('\n') }; } finally { console.log = log; }
}

test('lab data stats: SIQA rows straight from the official zip (33,410 train / 1,954 dev)', { skip: real ? false : 'LAB_REAL_DATA unset: needs the real socialiqa-train-dev.zip' }, async () => {
  const { code, out } = await captured(['stats', '--data-dir', real!, '--source', 'siqa', '--no-tokens']);
  assert.equal(code, 0);
  assert.match(out, /siqa\s+train\s+33,410/);
  assert.match(out, /siqa\s+validation\s+1,954/);
});

test('lab data stats: rows and tokens per source and split of a mini data folder; missing files reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-data-'));
  try {
    const mini = generateMiniData({ outDir: join(dir, 'mini'), trainRows: 12, evalRows: 7, glueEvalRows: 7, mmluDev: 1, mmluVal: 1, mmluTest: 1 });
    const { code, out } = await captured(['stats', '--data-dir', mini, '--source', 'piqa,billsum']);
    assert.equal(code, 0);
    assert.match(out, /piqa\s+train\s+12\s+[\d,]+/);
    assert.match(out, /piqa\s+validation\s+7\s+[\d,]+/);
    assert.match(out, /billsum\s+ca_test\s+-\s+missing/);
    assert.equal((await captured(['nope'])).code, 2);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
