/**
 * Validation perplexity of a mini checkpoint on the fixed held-out subset that models/mini/TRAINING.md (and mini-olmo)
 * reports (48 blocks of 256 tokens spread evenly over the corpora's validation split), next to the
 * unigram baseline on the same tokens. Used after the second pretraining stage (TRAINING.md).
 *   node --import tsx scripts/measure-mini.ts models/mini
 */
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { loadCorpus } from '../kernel-lib/data/corpora.ts';
import { packBlocks, type Block } from '../kernel-lib/data/packing.ts';
import { loadModel } from '../kernel-lib/model/load-model.ts';
import { loadTokenizer } from '../kernel-lib/tokenizer/load-tokenizer.ts';
import { heldOutLoss } from '../kernel-lib/train/batch-tensors.ts';
import { lmObjective } from '../kernel-lib/train/lm-objective.ts';
import { unigramBaseline } from './unigram-baseline.ts';

const dir = process.argv[2];
if (!dir) { console.error('usage: measure-mini.ts MODEL_DIR'); process.exit(2); }
await initBackend({ quiet: true });
const tokenizer = loadTokenizer(dir);
const blocks = async (split: 'train' | 'validation'): Promise<Block[]> => {
  const out: Block[] = [];
  for await (const b of packBlocks(loadCorpus(split).map((d) => ({ text: d.text })), { tokenizer, blockSize: 256, dropRemainder: true })) out.push(b);
  return out;
};
const train = await blocks('train');
const valAll = await blocks('validation');
// The same 48 blocks as pretrain-mini.ts's final evaluation (block floor(i * n / 48), i < 48).
const val = Array.from({ length: Math.min(48, valAll.length) }, (_, i) => valAll[Math.floor((i * valAll.length) / Math.min(48, valAll.length))]!);
const model = await loadModel(dir);
const r = await heldOutLoss(model, val, lmObjective, 4);
const uni = unigramBaseline(train, val, model.config.vocabSize);
console.log(JSON.stringify({ dir, valLoss: r.loss, valPerplexity: Math.exp(r.loss), tokens: r.tokens, unigramPerplexity: uni.perplexity }));
