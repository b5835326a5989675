import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAPER } from '../../kernel-lib/index.ts';
import { paperRow, paperValue } from '../../kernel-lib/report/paper.ts';

// Values copied by hand from the write-up's Tables 1-3 (the source kernel-lib/report/paper.ts transcribes).
test('published numbers with provenance', () => {
  assert.deepEqual(paperValue('t1.olmo-ft', 'piqa'), {
    value: 0.7503, provenance: { source: 'seed.md', table: 'Table 1', row: 'Fine-Tuned OLMO-1B', column: 'PIQA' },
  });
  assert.equal(paperValue('t2.gpt2-pruned-oneshot', 'openbookqa').value, 0.1423);
  assert.equal(paperValue('t1.gpt2', 'glue').value, 0.4658);
  assert.deepEqual(PAPER.perplexity.map((p) => [p.method, p.sparsity, p.perplexity]), [['one-shot', 0.47, 166.41], ['iterative', 0.46, 121.41]]);
  assert.equal(PAPER.rows.length, 9);
  assert.throws(() => paperRow('t9.none'), /no row 't9.none'/);
});

test('caveats are data: the suspect OLMo row, the row count', () => {
  const olmo = paperRow('t3.olmo-pruned');
  assert.deepEqual(olmo.scores, paperRow('t2.gpt2-pruned-iterative').scores);   // the published copy error: Table 3's pruned row repeats Table 2's
  assert.match(olmo.suspect ?? '', /identical/);
  assert.equal(PAPER.rows.filter((r) => r.suspect).length, 1);
  assert.equal(PAPER.finetuneRows.counted, 163876);    // 16113 + 33410 + 4957 + 90447 + 18949
  assert.equal(PAPER.finetuneRows.claimed, '~3.5M');
});
