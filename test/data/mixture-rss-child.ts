/**
 * Child process of mixture-memory.test.ts: builds the 5-source mixture over the data folder in
 * argv[2], streams every train record, and prints {records, maxRssMiB} as JSON.
 */
import { buildMixture } from '../../kernel-lib/index.ts';
import { fakeTokenizer } from './fake-tokenizer.ts';

const dataDir = process.argv[2]!;
const m = await buildMixture(
  { sources: ['siqa', 'piqa', 'hotpotqa', 'billsum', 'wikitext103'], validationRows: 100, shuffleBuffer: 10_000 },
  { dataDir, context: { tokenizer: fakeTokenizer(), format: { hotpotContextTokens: 2000, billTextTokens: 2000 } } },
);
let records = 0;
let chars = 0;
for await (const r of m.train()) {
  records++;
  chars += 'text' in r ? r.text.length : r.prompt.length + r.target.length;
}
const held = m.plan.reduce((a, p) => a + p.heldOut, 0);
console.log(JSON.stringify({ records, held, chars, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
