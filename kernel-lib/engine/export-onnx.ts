/**
 * exportOnnx: a folder transformers.js (and onnxruntime) loads for text generation:
 *   onnx/model.onnx            the decoder graph (engine/build-graphs.ts buildDecoderGraph, with a
 *                              config-shaped cache): input_ids, attention_mask, position_ids,
 *                              past_key_values.{l}.key/value -> logits, present.{l}.key/value;
 *   onnx/model_quantized.onnx  instead, with `quantize: 'int8'`: weight-only int8 matrices with
 *                              per-channel float32 scales (DequantizeLinear), transformers.js'
 *                              file name for its `dtype: 'q8'`;
 *   onnx/model.onnx_data       the weights, when they pass protobuf's 2 GB limit (ONNX external
 *                              data; config.json then says `use_external_data_format`, the
 *                              transformers.js option that makes it fetch the data file);
 *   config.json                the family's config.json for the actual (pruned) shapes;
 *   tokenizer.json, tokenizer_config.json; for a GGUF source (stories260K) its sentencepiece
 *                              vocabulary as tokenizer.gguf instead, which loadTokenizer reads
 *                              (transformers.js needs a tokenizer.json, which is not made from it).
 * Written atomically, file by file.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import { paramShapes } from '../model/param-values.ts';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/files.ts';
import { saveTokenizer } from '../tokenizer/save-tokenizer.ts';
import { readTokenizerFiles } from '../tokenizer/load-tokenizer.ts';
import { saveGgufTokenizer } from '../tokenizer/save-gguf-tokenizer.ts';
import { ggufFileOf } from '../model/gguf/gguf-path.ts';
import { buildDecoderGraph } from './build-graphs.ts';
import { MAX_INLINE_BYTES } from './onnx-graph.ts';
import { onnxFamily, onnxFamilies } from './onnx-families.ts';

export interface ExportOnnxOptions {
  /** 'none' (float32, default) or 'int8' (weight-only, per-channel scales). */
  readonly quantize: 'none' | 'int8';
  /** Tokenizer to copy: 'gpt2', a folder with tokenizer.json (or vocab.json + merges.txt), or a GGUF
   *  file / folder holding one (default: none copied). */
  readonly tokenizer: string | null;
  /** Weights in onnx/model.onnx_data: 'auto' (default) when they pass protobuf's 2 GB limit, or always. */
  readonly externalData: 'auto' | 'always';
}

export const exportDefaults: ExportOnnxOptions = { quantize: 'none', tokenizer: null, externalData: 'auto' };

export interface ExportedOnnx {
  readonly dir: string;
  readonly modelFile: string;   // path of the .onnx file
  readonly bytes: number;       // its size on disk, with its external data file if any
}

export function exportOnnx(model: LanguageModel, dir: string, options: Partial<ExportOnnxOptions> = {}): ExportedOnnx {
  const o = { ...exportDefaults, ...options };
  if (o.quantize !== 'none' && o.quantize !== 'int8') throw new Error(`exportOnnx: quantize must be 'none' or 'int8', got '${o.quantize}'`);
  const fam = onnxFamily(model.family);
  if (!fam) throw new Error(`exportOnnx: family '${model.family}' has no ONNX description (known: ${onnxFamilies().join(', ')})`);
  const g = buildDecoderGraph(model, fam, { padCache: true, portable: true });
  if (o.quantize === 'int8') g.quantizeInt8();
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const modelFile = join(dir, 'onnx', o.quantize === 'int8' ? 'model_quantized.onnx' : 'model.onnx');
  const meta = { producer: 'pruning-lab exportOnnx', quantize: o.quantize };
  const external = o.externalData === 'always' || g.initializerBytes() >= MAX_INLINE_BYTES;
  if (external) g.writeExternal(modelFile, undefined, meta);
  else writeFileAtomic(modelFile, g.toBytes(meta));
  const family = getFamily(model.family);
  const shapes = paramShapes(model);
  // Per-layer widths that config.json cannot express (GPT-2's single n_inner) keep the unpruned
  // config: transformers.js reads only the layer count, widths of the cache and the vocabulary.
  let json: Record<string, unknown>;
  try { json = family.toConfigJson(model.config, shapes); } catch { json = { ...model.config.raw }; }
  const tjs = external ? { 'transformers.js_config': { ...(json['transformers.js_config'] as object | undefined), use_external_data_format: true } } : {};
  writeJsonAtomic(join(dir, 'config.json'), { ...json, use_cache: true, ...tjs });
  if (o.tokenizer) {
    const gguf = readTokenizerFiles(o.tokenizer) === null ? ggufFileOf(o.tokenizer) : null;
    if (gguf !== null) saveGgufTokenizer(gguf, dir); else saveTokenizer(o.tokenizer, dir);
  }
  return { dir, modelFile, bytes: statSync(modelFile).size + (external ? statSync(`${modelFile}_data`).size : 0) };
}
