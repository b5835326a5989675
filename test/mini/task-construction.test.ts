/**
 * Task construction: what the mini evaluation asks is absent from the text the mini models were
 * pretrained on (the corpus train split: models/mini-bpe/TRAINING.md), checked on the written files
 * themselves, every held-out row of every evaluated task, not on the generator's bookkeeping.
 * An item counts as present when every one of its word 8-grams occurs in the pretraining text (a
 * verbatim copy; an item of 4-7 words: when it occurs there whole); items are the question with its
 * correct answer, so a fact the model could have memorised while pretraining would be caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMiniData, loadCorpus } from '../../kernel-lib/index.ts';
import { readPiqa } from '../../kernel-lib/data/sources/piqa.ts';
import { readOpenBookQa } from '../../kernel-lib/data/sources/openbookqa.ts';
import { readHellaSwag } from '../../kernel-lib/data/sources/hellaswag.ts';
import { readCsv } from '../../kernel-lib/data/formats/csv.ts';
import { readTsv } from '../../kernel-lib/data/formats/tsv.ts';

const N = 8;
const words = (s: string): string[] => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function shingles(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts) {
    const w = words(t);
    for (let i = 0; i + N <= w.length; i++) out.add(w.slice(i, i + N).join(' '));
  }
  return out;
}

interface Text { readonly grams: Set<string>; readonly joined: string }

function text(docs: readonly string[]): Text {
  return { grams: shingles(docs), joined: ` ${docs.map((d) => words(d).join(' ')).join(' | ')} ` };
}

/** True when the item is a verbatim copy of the text (all its 8-grams occur there, or the whole of a 4-7 word item); null under 4 words. */
function copied(item: string, t: Text): boolean | null {
  const w = words(item);
  if (w.length < 4) return null;
  if (w.length < N) return t.joined.includes(` ${w.join(' ')} `);
  const seen = t.grams;
  for (let i = 0; i + N <= w.length; i++) if (!seen.has(w.slice(i, i + N).join(' '))) return false;
  return true;
}

test('task construction: no held-out evaluation item of the mini tasks is a copy of the pretraining text', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lab-construction-'));
  try {
    const dir = generateMiniData({ outDir: join(root, 'data') });
    const pretraining = text(loadCorpus('train').map((d) => d.text));
    const heldout = text([...loadCorpus('validation'), ...loadCorpus('test')].map((d) => d.text));
    assert.ok(pretraining.grams.size > 1_000_000, `pretraining 8-grams: ${pretraining.grams.size}`);

    const items: Record<string, string[]> = {
      openbookqa: (await readOpenBookQa(dir, 'test')).map((r) => `${r.question_stem} ${r.choices.text[r.choices.label.indexOf(r.answerKey)]}`),
      piqa: (await readPiqa(dir, 'validation')).map((r) => `${r.goal} ${r.label === 0 ? r.sol1 : r.sol2}`),
      hellaswag: (await readHellaSwag(dir, 'validation')).map((r) => `${r.ctx} ${r.endings[r.label]}`),
      mmlu: readdirSync(join(dir, 'mmlu/test')).flatMap((f) => readCsv(join(dir, 'mmlu/test', f)).map(({ fields }) => `${fields[0]} ${fields[1 + 'ABCD'.indexOf(fields[5]!)]}`)),
      'glue/SST-2': readTsv(join(dir, 'glue/SST-2/dev.tsv'), true).rows.map((r) => r.fields[0]!),
      'glue/RTE': readTsv(join(dir, 'glue/RTE/dev.tsv'), true).rows.map((r) => `${r.fields[1]} ${r.fields[2]}`),
    };
    for (const [task, list] of Object.entries(items)) {
      assert.ok(list.length >= 200, `${task}: ${list.length} items`);
      const long = list.filter((s) => words(s).length >= N);
      assert.ok(long.length >= 0.7 * list.length, `${task}: only ${long.length} of ${list.length} items have ${N} words or more`);
      assert.deepEqual(long.filter((s) => copied(s, pretraining) === true), [], `${task}: evaluation items copied from the pretraining text`);
      // 4-7 word items (OpenBookQA's shortest cloze stems) are phrases rather than facts: a few are
      // common enough to occur ("I urge you to pass"); bound how many.
      const short = list.filter((s) => copied(s, pretraining) === true);
      assert.ok(short.length <= 0.05 * list.length, `${task}: ${short.length} short items occur in the pretraining text: ${short.join(' / ')}`);
    }
    // The check can fail: the held-out items are verbatim held-out text (the texts their questions come from) ...
    const piqa = items.piqa!.filter((s) => copied(s, heldout) === true).length;
    assert.ok(piqa >= 0.9 * items.piqa!.length, `only ${piqa} PIQA items found verbatim in the held-out documents`);
    // ... and the same items built from train documents are caught.
    const trainItems = (await readPiqa(dir, 'train')).map((r) => `${r.goal} ${r.label === 0 ? r.sol1 : r.sol2}`);
    const caught = trainItems.filter((s) => copied(s, pretraining) === true).length;
    assert.ok(caught >= 0.9 * trainItems.length, `only ${caught} of ${trainItems.length} train-split PIQA items found in the pretraining text`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
