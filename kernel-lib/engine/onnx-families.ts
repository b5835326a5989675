/**
 * Registry of ONNX family descriptions by family name (STYLE P10): a family is one file plus one
 * line here. A family missing from the map runs on tfjs (engine/select-engine.ts says so once).
 */
import type { OnnxFamily } from './onnx-family.ts';
import { onnxGpt2 } from './onnx-gpt2.ts';
import { onnxOlmo } from './onnx-olmo.ts';

const ONNX_FAMILIES: ReadonlyMap<string, OnnxFamily> = new Map<string, OnnxFamily>([
  [onnxGpt2.name, onnxGpt2],
  [onnxOlmo.name, onnxOlmo],
]);

/** The ONNX description of a family, or undefined when it has none. */
export function onnxFamily(name: string): OnnxFamily | undefined {
  return ONNX_FAMILIES.get(name);
}

/** Families the ONNX engine can build. */
export function onnxFamilies(): string[] {
  return [...ONNX_FAMILIES.keys()];
}
