/**
 * The committed OLMo-architecture mini base models, built by `scripts/pretrain-mini.ts --family olmo`:
 * models/mini-olmo/ (the GPT-2 vocabulary; the study's OLMo role, loaded through the `mini-olmo`
 * alias) and models/mini-olmo-bpe/ (the project's own 4096-token BPE; not yet the profile's). Each
 * loads as an OLMo-family model with its documented config, and has learned something: its perplexity on held-out
 * (validation-split) text is well below a unigram model's on the same tokens.
 *
 * The unigram baseline is computed here from token counts only (no model code): add-one smoothed
 * p(w) = (count(w) + 1) / (N + V) over a deterministic sample of the TRAIN split (every 8th train
 * document, ~1/8 of the split, to keep the test fast; the full-split baseline is in TRAINING.md).
 * The evaluated tokens are the first 257 tokens of 8 validation documents spread over the split
 * (256 targets each): documents the model never saw.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, loadModel, scoreTokens, loadCorpus, loadTokenizer, type LanguageModel, type OlmoConfig } from '../../kernel-lib/index.ts';
import { join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';

const T = 256;            // scored positions per block
const EVAL_DOCS = 8;      // validation documents, one block each
const TRAIN_STRIDE = 8;   // unigram counts from every 8th train document

const BPE_DIR = join(projectRoot, 'models', 'mini-olmo-bpe');
const CASES = [
  {
    name: 'mini-olmo', model: 'mini-olmo', tokenizer: 'gpt2', vocab: null, uniformFactor: 20,
    config: { V: 50257, C: 128, F: 344, L: 4, H: 4, K: 4, D: 32, P: 256, theta: 10000, tied: true, eos: 50256, bos: 50256, pad: null },
    // Hand count: embedding V*C + per layer (q,k,v,o: 4*C*C; gate, up, down: 3*C*F); tied head and
    // non-parametric LayerNorm add nothing: 50257*128 + 4*(4*128*128 + 3*128*344) = 7,223,424.
    params: 7_223_424,
  },
  {
    name: 'mini-olmo-bpe', model: BPE_DIR, tokenizer: BPE_DIR, vocab: 4096, uniformFactor: 10,
    config: { V: 4096, C: 256, F: 688, L: 6, H: 4, K: 4, D: 64, P: 256, theta: 10000, tied: true, eos: 4095, bos: 4095, pad: null },
    // 4096*256 + 6*(4*256*256 + 3*256*688) = 1,048,576 + 6*790,528 = 5,791,744.
    params: 5_791_744,
  },
] as const;

before(async () => { await initBackend({ quiet: true }); });

for (const mc of CASES) {
let model: LanguageModel<OlmoConfig>;
before(async () => { model = (await loadModel(mc.model)) as LanguageModel<OlmoConfig>; });

test(`${mc.name}: loads as an OLMo-family model with the documented config`, () => {
  assert.equal(model.family, 'olmo');
  const c = model.config;
  assert.deepEqual(
    { V: c.vocabSize, C: c.hiddenSize, F: c.intermediateSize, L: c.numLayers, H: c.numHeads, K: c.numKeyValueHeads, D: c.headDim, P: c.maxPositions, theta: c.ropeTheta, tied: c.tieWordEmbeddings, eos: c.eosTokenId, bos: c.bosTokenId, pad: c.padTokenId },
    mc.config,
  );
  const n = [...model.params.values()].reduce((s, p) => s + p.size, 0);
  assert.equal(n, mc.params);
  assert.ok(!model.params.has('lm_head.weight'), 'tied head: no separate lm_head.weight');
});

test(`${mc.name}: held-out perplexity is well below the unigram baseline`, () => {
  const tok = loadTokenizer(mc.tokenizer);
  if (mc.vocab !== null) assert.equal(tok.vocabSize, mc.vocab, 'the model folder\'s own BPE');
  const V = model.config.vocabSize;

  const val = loadCorpus('validation');
  const picked = Array.from({ length: EVAL_DOCS }, (_, i) => val[Math.floor((i * val.length) / EVAL_DOCS)]!);
  const ids = new Int32Array(EVAL_DOCS * T);
  const targets = new Int32Array(EVAL_DOCS * T);
  picked.forEach((d, b) => {
    const toks = tok.encode(d.text.slice(0, 4000));
    assert.ok(toks.length > T, `validation document ${d.id}: expected > ${T} tokens in its first 4000 characters, got ${toks.length}`);
    for (let t = 0; t < T; t++) { ids[b * T + t] = toks[t]!; targets[b * T + t] = toks[t + 1]!; }
  });

  const counts = new Float64Array(V);
  let N = 0;
  const train = loadCorpus('train');
  for (let i = 0; i < train.length; i += TRAIN_STRIDE) for (const id of tok.encode(train[i]!.text)) { counts[id]! += 1; N++; }
  let uniNll = 0;
  for (const w of targets) uniNll -= Math.log((counts[w]! + 1) / (N + V));
  const unigramPpl = Math.exp(uniNll / targets.length);

  const { logprobs } = scoreTokens(model, ids, EVAL_DOCS, T, targets);
  let nll = 0;
  for (const lp of logprobs) { assert.ok(Number.isFinite(lp), 'every target is scored'); nll -= lp; }
  const ppl = Math.exp(nll / logprobs.length);

  console.error(`[${mc.name}] held-out perplexity ${ppl.toFixed(1)} vs unigram ${unigramPpl.toFixed(1)} (${targets.length} tokens; unigram fit on ${N} train tokens) vs uniform ${V}`);
  assert.ok(ppl < V / mc.uniformFactor, `perplexity ${ppl} should be far below uniform (${V})`);
  assert.ok(ppl < 0.85 * unigramPpl, `perplexity ${ppl} should be well below the unigram baseline ${unigramPpl}`);
});
}
