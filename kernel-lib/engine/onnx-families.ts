/**
 * Registry of ONNX family descriptions by family name (model_type): GPT-2's, and the one
 * Llama-like description for every entry of model/llama-like-types.ts. A family missing from the
 * map runs on tfjs (engine/select-engine.ts says so once).
 */
import type { OnnxFamily } from './onnx-family.ts';
import { onnxGpt2 } from './onnx-gpt2.ts';
import { onnxLlamaLike } from './onnx-llama-like.ts';
import { llamaLikeTypes } from '../model/llama-like-types.ts';

const ONNX_FAMILIES: ReadonlyMap<string, OnnxFamily> = new Map<string, OnnxFamily>([
  ['gpt2', onnxGpt2],
  ...llamaLikeTypes.map((t) => [t.modelType, onnxLlamaLike] as const),
]);

/** The ONNX description of a family, or undefined when it has none. */
export function onnxFamily(name: string): OnnxFamily | undefined {
  return ONNX_FAMILIES.get(name);
}

/** Families the ONNX engine can build. */
export function onnxFamilies(): string[] {
  return [...ONNX_FAMILIES.keys()];
}
