/**
 * A small data folder in the published formats for end-to-end evaluation tests: PIQA jsonl +
 * labels, MMLU CSVs for all 57 subjects (2 questions each), a two-article WikiText raw file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { MMLU_SUBJECTS } from '../../kernel-lib/eval/tasks/mmlu-subjects.ts';

export function writeFixtureData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evaldata-'));
  const put = (p: string, text: string): void => { mkdirSync(join(dir, p, '..'), { recursive: true }); writeFileSync(join(dir, p), text); };
  put('piqa/valid.jsonl', [
    { goal: 'To open a jar', sol1: 'twist the lid.', sol2: 'bake the lid.' },
    { goal: 'Keep bread fresh', sol1: 'leave it in the sun', sol2: 'seal it in a bag' },
    { goal: 'Dry wet shoes', sol1: 'stuff them with paper', sol2: 'fill them with water' },
  ].map((r) => JSON.stringify(r)).join('\n') + '\n');
  put('piqa/valid-labels.lst', '0\n1\n0\n');
  let k = 0;
  for (const cat of Object.values(MMLU_SUBJECTS)) {
    for (const s of Object.keys(cat)) {
      const a = 'ABCD'[k++ % 4];
      put(`mmlu/test/${s}_test.csv`, `"What is ${k} + 1?",${k + 1},${k},${k + 2},"${k}, maybe",${a}\nWhich one?,x,y,z,w,${'ABCD'[k % 4]}\n`);
    }
  }
  put('wikitext2/wiki.test.raw', ' = First = \n \n The first article , about things . \n = = Part = = \n More text @-@ here . \n = Second = \n \n Second one , short . \n');
  return dir;
}
