/**
 * GPT-2 `config.json` (transformers `GPT2Config`) <-> GPT2Config, and the GPT-2 parameter table.
 *
 * Facts mirrored from transformers 4.x (configuration_gpt2.py, modeling_gpt2.py):
 * - defaults: vocab_size 50257, n_positions 1024, n_embd 768, n_layer 12, n_head 12, n_inner None
 *   (-> 4 * n_embd), activation_function "gelu_new", {resid,embd,attn}_pdrop 0.1,
 *   layer_norm_epsilon 1e-5, bos/eos 50256; lm_head is tied to wte.
 * - `pruned_heads` {"layer": [original head ids]}: keys are strings in JSON and ints after
 *   from_dict; the model calls prune_heads(config.pruned_heads) while being built, so layer i has
 *   n_head - |pruned_heads[i]| heads, kept in ascending original order.
 * - Conv1D stores weights as [in, out]; c_attn's columns are q | k | v blocks of h*D each.
 * - n_inner is one int for all blocks: per-layer MLP widths cannot be expressed. Our own layout
 *   (`"lab_per_layer_widths": true` in config.json) allows them; transformers cannot load it.
 * Parameter names here have no `transformer.` prefix (the loader/saver handle it).
 */
import type { GPT2Config, UnitsKept } from './types.ts';
import { LAB_PER_LAYER_WIDTHS } from './checkpoint-layout.ts';

function fail(file: string, key: string, msg: string): never {
  throw new Error(`${file}: key '${key}' ${msg}`);
}

function intKey(raw: Record<string, unknown>, file: string, key: string, dflt: number, min: number): number {
  const v = raw[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(file, key, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function probKey(raw: Record<string, unknown>, file: string, key: string, dflt: number): number {
  const v = raw[key] ?? dflt;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) fail(file, key, `must be a probability in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}

function optIdKey(raw: Record<string, unknown>, file: string, key: string, dflt: number | null): number | null {
  const v = key in raw ? raw[key] : dflt;
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(file, key, `must be a token id or null, got ${JSON.stringify(v)}`);
  return v;
}

/** Parses a GPT-2 config.json object; errors name `file` and the key. */
export function parseGpt2Config(raw: Record<string, unknown>, file: string): GPT2Config {
  if (raw.model_type !== undefined && raw.model_type !== 'gpt2') fail(file, 'model_type', `must be "gpt2", got ${JSON.stringify(raw.model_type)}`);
  const act = raw.activation_function ?? 'gelu_new';
  if (act !== 'gelu_new') fail(file, 'activation_function', `must be "gelu_new" (the only GPT-2 activation implemented), got ${JSON.stringify(act)}`);
  for (const [key, ok, what] of [
    ['tie_word_embeddings', true, 'untied LM heads are not supported for GPT-2'],
    ['scale_attn_weights', true, 'unscaled attention is not implemented'],
    ['scale_attn_by_inverse_layer_idx', false, 'layer-index attention scaling is not implemented'],
    ['add_cross_attention', false, 'cross-attention is not implemented'],
  ] as const) {
    if (key in raw && raw[key] !== ok) fail(file, key, `must be ${ok}: ${what}`);
  }
  const vocabSize = intKey(raw, file, 'vocab_size', 50257, 1);
  const maxPositions = intKey(raw, file, 'n_positions', 1024, 1);
  const hiddenSize = intKey(raw, file, 'n_embd', 768, 1);
  const numLayers = intKey(raw, file, 'n_layer', 12, 1);
  const numHeads = intKey(raw, file, 'n_head', 12, 1);
  if (hiddenSize % numHeads !== 0) fail(file, 'n_head', `(${numHeads}) must divide n_embd (${hiddenSize})`);
  const innerSize = raw.n_inner === null || raw.n_inner === undefined ? 4 * hiddenSize : intKey(raw, file, 'n_inner', 0, 1);
  const eps = raw.layer_norm_epsilon ?? 1e-5;
  if (typeof eps !== 'number' || !(eps > 0)) fail(file, 'layer_norm_epsilon', `must be a positive number, got ${JSON.stringify(eps)}`);
  const eos = optIdKey(raw, file, 'eos_token_id', 50256);
  if (eos === null) fail(file, 'eos_token_id', 'must be set');
  const prunedHeads: Record<number, readonly number[]> = {};
  const ph = raw.pruned_heads ?? {};
  if (typeof ph !== 'object' || ph === null || Array.isArray(ph)) fail(file, 'pruned_heads', 'must be an object {"layer": [head ids]}');
  for (const [k, ids] of Object.entries(ph as Record<string, unknown>)) {
    const layer = Number(k);
    if (!/^\d+$/.test(k) || layer >= numLayers) fail(file, 'pruned_heads', `has layer key ${JSON.stringify(k)}; layers are 0..${numLayers - 1}`);
    if (!Array.isArray(ids) || !ids.every((h) => Number.isSafeInteger(h) && h >= 0 && h < numHeads) || new Set(ids).size !== ids.length) {
      fail(file, 'pruned_heads', `layer ${k}: must list distinct head ids in 0..${numHeads - 1}, got ${JSON.stringify(ids)}`);
    }
    if (ids.length >= numHeads) fail(file, 'pruned_heads', `layer ${k}: prunes all ${numHeads} heads (a layer keeps at least one)`);
    if (ids.length) prunedHeads[layer] = [...(ids as number[])].sort((a, b) => a - b);
  }
  return {
    family: 'gpt2', vocabSize, maxPositions, hiddenSize, numLayers, numHeads, innerSize,
    eosTokenId: eos, bosTokenId: optIdKey(raw, file, 'bos_token_id', 50256), padTokenId: optIdKey(raw, file, 'pad_token_id', null),
    tieWordEmbeddings: true, layerNormEpsilon: eps, activation: 'gelu_new',
    dropout: { resid: probKey(raw, file, 'resid_pdrop', 0.1), embd: probKey(raw, file, 'embd_pdrop', 0.1), attn: probKey(raw, file, 'attn_pdrop', 0.1) },
    prunedHeads, raw: { ...raw },
  };
}

/** Heads layer i has under this config (n_head minus its pruned heads). */
export function gpt2LayerHeads(config: GPT2Config, layer: number): number {
  return config.numHeads - (config.prunedHeads[layer]?.length ?? 0);
}

/** Name -> shape of every GPT-2 parameter (no `transformer.` prefix), honouring pruned_heads. */
export function gpt2ParamShapes(config: GPT2Config): Map<string, number[]> {
  const { vocabSize: V, maxPositions: P, hiddenSize: C, innerSize: F } = config;
  const D = C / config.numHeads;
  const m = new Map<string, number[]>([['wte.weight', [V, C]], ['wpe.weight', [P, C]]]);
  for (let i = 0; i < config.numLayers; i++) {
    const hD = gpt2LayerHeads(config, i) * D;
    m.set(`h.${i}.ln_1.weight`, [C]); m.set(`h.${i}.ln_1.bias`, [C]);
    m.set(`h.${i}.attn.c_attn.weight`, [C, 3 * hD]); m.set(`h.${i}.attn.c_attn.bias`, [3 * hD]);
    m.set(`h.${i}.attn.c_proj.weight`, [hD, C]); m.set(`h.${i}.attn.c_proj.bias`, [C]);
    m.set(`h.${i}.ln_2.weight`, [C]); m.set(`h.${i}.ln_2.bias`, [C]);
    m.set(`h.${i}.mlp.c_fc.weight`, [C, F]); m.set(`h.${i}.mlp.c_fc.bias`, [F]);
    m.set(`h.${i}.mlp.c_proj.weight`, [F, C]); m.set(`h.${i}.mlp.c_proj.bias`, [C]);
  }
  m.set('ln_f.weight', [C]); m.set('ln_f.bias', [C]);
  return m;
}

const MLP_AXIS: Readonly<Record<string, number>> = { 'mlp.c_fc.weight': 1, 'mlp.c_fc.bias': 0, 'mlp.c_proj.weight': 0 };

/** Per-layer MLP widths read from the tensors (c_fc.weight columns). */
export function gpt2MlpWidths(config: GPT2Config, shapes: ReadonlyMap<string, readonly number[]>): number[] {
  return Array.from({ length: config.numLayers }, (_, i) => shapes.get(`h.${i}.mlp.c_fc.weight`)?.[1] ?? config.innerSize);
}

/** Checks tensor names and shapes read from `file` against the config (Family.checkShapes). */
export function gpt2CheckShapes(config: GPT2Config, shapes: ReadonlyMap<string, readonly number[]>, file: string): void {
  const expected = gpt2ParamShapes(config);
  for (const name of expected.keys()) if (!shapes.has(name)) throw new Error(`${file}: missing tensor '${name}' (expected by config.json)`);
  for (const name of shapes.keys()) if (!expected.has(name)) throw new Error(`${file}: unexpected tensor '${name}' (not a GPT-2 parameter)`);
  const perLayer = config.raw[LAB_PER_LAYER_WIDTHS] === true;
  const widths = gpt2MlpWidths(config, shapes);
  for (const [name, want] of expected) {
    const got = shapes.get(name)!;
    const m = /^h\.(\d+)\.(.*)$/.exec(name);
    const axis = m ? MLP_AXIS[m[2]!] : undefined;
    const w = want.slice();
    if (perLayer && axis !== undefined && widths[Number(m![1])]! >= 1) w[axis] = widths[Number(m![1])]!;
    if (got.length !== w.length || got.some((d, k) => d !== w[k])) {
      const ph = config.prunedHeads[Number(m?.[1])];
      const why = `n_embd=${config.hiddenSize}, n_head=${config.numHeads}, n_inner=${config.innerSize}, vocab_size=${config.vocabSize}, n_positions=${config.maxPositions}${ph ? `, pruned_heads[${m![1]}]=${JSON.stringify(ph)}` : ''}${perLayer ? ', lab_per_layer_widths' : ''}`;
      throw new Error(`${file}: tensor '${name}' has shape [${got.join(', ')}] but config.json (${why}) implies [${w.join(', ')}]`);
    }
  }
}

/**
 * Typed config + actual shapes -> config.json that transformers' GPT2LMHeadModel reloads.
 * Every raw key we do not model is kept. Head counts must match config.prunedHeads (the pruner
 * records the original ids there); MLP widths must be uniform unless the config carries
 * `lab_per_layer_widths: true` (then n_inner stays the unpruned width and the tensors decide).
 */
export function gpt2ConfigJson(config: GPT2Config, shapes: ReadonlyMap<string, readonly number[]>): Record<string, unknown> {
  const C = config.hiddenSize;
  const D = C / config.numHeads;
  const wte = shapes.get('wte.weight');
  const wpe = shapes.get('wpe.weight');
  if (!wte || !wpe) throw new Error('gpt2ConfigJson: shapes lack wte.weight / wpe.weight');
  const pruned: Record<string, number[]> = {};
  for (let i = 0; i < config.numLayers; i++) {
    const cols = shapes.get(`h.${i}.attn.c_attn.weight`)?.[1];
    if (cols === undefined) throw new Error(`gpt2ConfigJson: shapes lack h.${i}.attn.c_attn.weight`);
    const heads = cols / (3 * D);
    const want = gpt2LayerHeads(config, i);
    if (heads !== want) {
      throw new Error(`gpt2ConfigJson: layer ${i} has ${heads} heads in h.${i}.attn.c_attn.weight but config.prunedHeads implies ${want}; record the removed ORIGINAL head ids in config.prunedHeads`);
    }
    if (config.prunedHeads[i]?.length) pruned[String(i)] = [...config.prunedHeads[i]!];
  }
  const widths = gpt2MlpWidths(config, shapes);
  const uniform = widths.every((w) => w === widths[0]);
  const perLayer = config.raw[LAB_PER_LAYER_WIDTHS] === true;
  if (!uniform && !perLayer) {
    throw new Error(`gpt2ConfigJson: per-layer MLP widths [${widths.join(', ')}] cannot be expressed in GPT2Config (n_inner is one int for all blocks); use the lab layout (saveModel(..., {layout: 'lab'})) or prune uniformly`);
  }
  const out: Record<string, unknown> = { ...config.raw };
  Object.assign(out, {
    model_type: 'gpt2',
    architectures: out.architectures ?? ['GPT2LMHeadModel'],
    vocab_size: wte[0], n_positions: wpe[0], n_embd: C, n_layer: config.numLayers, n_head: config.numHeads,
    n_inner: uniform ? widths[0] : config.innerSize,
    activation_function: config.activation, layer_norm_epsilon: config.layerNormEpsilon,
    resid_pdrop: config.dropout.resid, embd_pdrop: config.dropout.embd, attn_pdrop: config.dropout.attn,
    bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenId,
  });
  if (config.padTokenId !== null) out.pad_token_id = config.padTokenId;
  if (Object.keys(pruned).length || 'pruned_heads' in out) out.pruned_heads = pruned;
  if (perLayer) out[LAB_PER_LAYER_WIDTHS] = true;
  return out;
}

/**
 * The config after a structural edit: `pruned_heads` composed with the heads `kept` removes, as
 * ORIGINAL head ids (transformers' semantics: surviving heads keep their original order), so a
 * pruned model saved with it reloads in transformers.
 */
export function gpt2WithPrunedHeads(config: GPT2Config, kept: readonly UnitsKept[]): GPT2Config {
  if (!kept.some((k) => k.kind === 'heads')) return config;
  const out: Record<number, number[]> = {};
  for (const [k, v] of Object.entries(config.prunedHeads)) out[Number(k)] = [...v];
  for (const p of kept) {
    if (p.kind !== 'heads') continue;
    const gone = new Set(config.prunedHeads[p.layer] ?? []);
    const surviving = [...Array(config.numHeads).keys()].filter((h) => !gone.has(h));   // current index -> original id
    if (surviving.length !== p.count) {
      throw new Error(`gpt2: heads layer ${p.layer}: config says ${surviving.length} heads remain, tensors have ${p.count}`);
    }
    const keep = new Set(p.keep);
    for (let u = 0; u < p.count; u++) if (!keep.has(u)) gone.add(surviving[u]!);
    if (gone.size) out[p.layer] = [...gone].sort((a, b) => a - b);
  }
  return { ...config, prunedHeads: out };
}
