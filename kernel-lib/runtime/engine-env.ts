/**
 * Environment settings of the inference engine (engine/select-engine.ts), read in one place:
 *   LAB_ENGINE      'ort' | 'tfjs': the default engine for forward-only passes (default 'ort'
 *                   when onnxruntime-node loads);
 *   LAB_ORT_MODULE  the onnxruntime package to load (default 'onnxruntime-node'); pointing it at
 *                   a package that is not installed makes every command take the tfjs fallback,
 *                   as on a machine where onnxruntime-node cannot load;
 *   LAB_ORT_THREADS intra-op threads (default: every core, os.availableParallelism());
 *   LAB_ORT_EXTERNAL_DATA_BYTES  weight bytes from which a session reads its weights from an external
 *                   data file instead of inline (default 1 GiB; onnxruntime refuses inline models over 2 GB).
 */
import { availableParallelism } from 'node:os';
import { settings } from './settings.ts';

export type EngineName = 'ort' | 'tfjs';
export const ENGINES: readonly EngineName[] = ['ort', 'tfjs'];

/** Validates an engine name from a flag, option or LAB_ENGINE; `what` names where it came from. */
export function parseEngine(value: string, what: string): EngineName {
  if ((ENGINES as readonly string[]).includes(value)) return value as EngineName;
  throw new Error(`${what}: '${value}' is not an engine: expected ${ENGINES.join(' or ')}`);
}

/** LAB_ENGINE, validated, or null when unset. */
export function engineFromEnv(): EngineName | null {
  const v = settings().engine;
  return v ? parseEngine(v, 'LAB_ENGINE') : null;
}

export function ortModuleName(): string {
  return settings().ortModule ?? 'onnxruntime-node';
}

export function ortThreads(): number {
  const v = settings().ortThreads;
  if (!v) return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`LAB_ORT_THREADS: expected a positive integer, got '${v}'`);
  return n;
}

/** Weight bytes from which sessions use external data (LAB_ORT_EXTERNAL_DATA_BYTES, default 1 GiB). */
export function ortExternalDataBytes(): number {
  const v = settings().ortExternalDataBytes;
  if (!v) return 2 ** 30;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`LAB_ORT_EXTERNAL_DATA_BYTES: expected a non-negative integer, got '${v}'`);
  return n;
}
