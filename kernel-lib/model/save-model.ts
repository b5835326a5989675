/**
 * saveModel: LanguageModel -> a folder transformers loads with `<Class>.from_pretrained(dir)`:
 * config.json (family.toConfigJson with the actual shapes) and model.safetensors with the keys
 * save_pretrained writes (GPT-2: `transformer.` prefix, lm_head.weight omitted when tied) and
 * `__metadata__ {"format": "pt"}`. Shapes transformers cannot express are refused unless
 * `layout: 'lab'` (our own layout, marked in config.json). Everything is validated first; each
 * file is written to a temp name and renamed, so a failed save leaves nothing half-written.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/files.ts';
import { getFamily } from './families.ts';
import { LAB_PER_LAYER_WIDTHS, fileKeyOf } from './checkpoint-layout.ts';
import { SAFETENSORS_FILE } from './safetensors-index.ts';
import { writeSafetensors, type TensorToWrite } from './safetensors-write.ts';
import type { BaseConfig, Family, LanguageModel } from './types.ts';
import { paramFloat32, paramShapes } from './param-values.ts';

export interface SaveModelOptions {
  /** Stored element type: float32 (exact) or float16 (round to nearest even; half the size). */
  readonly dtype?: 'float32' | 'float16';
  /** Tokenizer files to copy next to the weights (tokenizer.json, vocab.json, merges.txt, ...). */
  readonly tokenizerFiles?: readonly string[];
  /** 'hf' (default): refuse shapes transformers cannot load. 'lab': allow per-layer MLP widths.
   *  'auto': 'hf' when transformers can express the shapes, else 'lab' (the result says why). */
  readonly layout?: SaveLayout;
}

/** The layouts saveModel writes (`lab prune --layout` and its help come from here). */
export const saveLayouts = ['hf', 'lab', 'auto'] as const;
export type SaveLayout = typeof saveLayouts[number];

/** What saveModel wrote: the layout and why that one. */
export interface SavedModel {
  readonly dir: string;
  readonly layout: 'hf' | 'lab';
  readonly reason: string;
}

export const saveDefaults: Required<Omit<SaveModelOptions, 'tokenizerFiles'>> = {
  dtype: 'float32',   // exact round trip
  layout: 'hf',       // loadable by transformers
};

/** Largest finite float16; larger magnitudes would be stored as inf. */
const HALF_MAX = 65504;

function checkHalfRange(name: string, data: Float32Array, dir: string): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (Number.isFinite(x) && Math.abs(x) >= HALF_MAX + 16) {    // 65520 and above round to inf
      throw new Error(`saveModel(${dir}): tensor '${name}' holds ${x} at element ${i}, beyond the float16 range (max 65504); save as float32`);
    }
  }
  return data;
}

/** Saves with an explicit family (saveModel takes it from the registry). */
/** config.json for a layout, checked against the tensors exactly as a reload will check them (throws when it cannot describe them). */
function configFor(family: Family<any>, model: LanguageModel, layout: 'hf' | 'lab', dtype: string, dir: string): Record<string, unknown> {
  const shapes = paramShapes(model);
  const config: BaseConfig = layout === 'lab' ? { ...model.config, raw: { ...model.config.raw, [LAB_PER_LAYER_WIDTHS]: true } } : model.config;
  const json = family.toConfigJson(config, shapes);
  json.torch_dtype = dtype;
  family.checkShapes(family.parseConfig(JSON.parse(JSON.stringify(json)), join(dir, 'config.json')), shapes, `saveModel(${dir})`);
  return json;
}

export function saveModelWith(family: Family<any>, model: LanguageModel, dir: string, opts: SaveModelOptions = {}): SavedModel {
  const o = { ...saveDefaults, ...opts };
  if (o.dtype !== 'float32' && o.dtype !== 'float16') throw new Error(`saveModel: option 'dtype' must be 'float32' or 'float16', got ${JSON.stringify(o.dtype)}`);
  if (o.layout !== 'hf' && o.layout !== 'lab' && o.layout !== 'auto') throw new Error(`saveModel: option 'layout' must be 'hf', 'lab' or 'auto', got ${JSON.stringify(o.layout)}`);
  // The layout is decided from the shapes alone, before anything is written: an I/O error below
  // is never mistaken for "transformers cannot load these shapes".
  let chosen: 'hf' | 'lab';
  let reason: string;
  let json: Record<string, unknown>;
  if (o.layout === 'auto') {
    try {
      json = configFor(family, model, 'hf', o.dtype, dir);
      chosen = 'hf'; reason = 'auto: transformers can express these shapes';
    } catch (e) {
      json = configFor(family, model, 'lab', o.dtype, dir);
      chosen = 'lab'; reason = `auto: not loadable by transformers (${(e as Error).message})`;
    }
  } else {
    json = configFor(family, model, o.layout, o.dtype, dir);
    chosen = o.layout; reason = `layout '${o.layout}' requested`;
  }
  for (const f of opts.tokenizerFiles ?? []) if (!existsSync(f)) throw new Error(`saveModel: tokenizer file ${f} not found`);

  const layout = family.layout;
  // Values are read one tensor at a time while writing; weights still in their files (or a host
  // view of them, prune/apply-plan-host.ts) never become tfjs tensors.
  const tensors: TensorToWrite[] = [...paramShapes(model)].map(([name, shape]) => ({
    name: fileKeyOf(layout, name), shape,
    data: () => (o.dtype === 'float16' ? checkHalfRange(name, paramFloat32(model, name), dir) : paramFloat32(model, name)),
  }));
  const created = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const staged = join(dir, `.${SAFETENSORS_FILE}.${process.pid}.staged`);
  let ok = false;
  try {
    writeSafetensors(staged, tensors, { dtype: o.dtype === 'float16' ? 'F16' : 'F32', metadata: { format: 'pt' } });
    for (const f of opts.tokenizerFiles ?? []) {
      if (join(dir, basename(f)) !== f) writeFileAtomic(join(dir, basename(f)), readFileSync(f));
    }
    writeJsonAtomic(join(dir, 'config.json'), json);
    renameSync(staged, join(dir, SAFETENSORS_FILE));
    ok = true;
  } finally {
    rmSync(staged, { force: true });
    if (!ok && created) rmSync(dir, { recursive: true, force: true });   // only a folder this call created
  }
  return { dir, layout: chosen, reason };
}

/** Saves `model` to `dir` in Hugging Face layout (see the file comment). */
export async function saveModel(model: LanguageModel, dir: string, opts: SaveModelOptions = {}): Promise<SavedModel> {
  return saveModelWith(getFamily(model.family), model, dir, opts);
}

