import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpus } from '../../kernel-lib/index.ts';
import { corpusDocuments, corpusSplitAssignment } from '../../kernel-lib/data/corpora.ts';

test('corpora: SOTU addresses and Moby-Dick chapters as documents from the installed packages', () => {
  const sotu = corpusDocuments('sotu');
  assert.equal(sotu.length, 233); // 1790-2021; 1953 and 1961 have two addresses each
  assert.equal(sotu[0]!.id, 'sotu/1790_george_washington_n');
  assert.equal(sotu[0]!.year, 1790);
  assert.match(sotu[0]!.text, /^Fellow-Citizens of the Senate/);
  const moby = corpusDocuments('moby-dick');
  assert.equal(moby.length, 138); // etymology, extracts, 135 chapters, epilogue (contents left out)
  assert.ok(moby.some((d) => d.id === 'moby-dick/chapter_1' && d.text.startsWith('Call me Ishmael.')));
});

test('corpora: split by document is a deterministic partition and depends on the seed', () => {
  const splits = ['train', 'validation', 'test'] as const;
  const parts = splits.map((s) => loadCorpus(s).map((d) => d.id));
  const all = parts.flat();
  assert.equal(new Set(all).size, all.length, 'no document in two splits');
  assert.equal(all.length, 233 + 138);
  assert.deepEqual(parts.map((p) => p.length), [297, 37, 37]); // round(0.1 * 233) = 23, round(0.1 * 138) = 14 per held-out split
  assert.deepEqual(loadCorpus('test').map((d) => d.id), parts[2]);
  const other = corpusSplitAssignment({ seed: 1 });
  assert.ok(parts[2]!.some((id) => other.get(id) !== 'test'));
  assert.throws(() => loadCorpus('train', { testFraction: 1.5 }), /testFraction/);
  assert.throws(() => loadCorpus('dev' as never), /unknown split 'dev'/);
});
