/** `--ort-providers cuda,cpu` on the commands that take `--engine`: checked here (UsageError naming
 *  the flag and the unknown provider), then set as LAB_ORT_PROVIDERS for this process, which the
 *  ONNX Runtime sessions read when they open (engine/ort-providers.ts). */
import { parseOrtProviders } from '../engine/ort-providers.ts';
import { setEnv } from '../runtime/settings.ts';
import { UsageError, type FlagSpec } from './args.ts';

export const ortProvidersFlag = {
  type: 'string', value: 'LIST',
  help: 'ONNX Runtime execution providers in order, e.g. cuda,cpu (default LAB_ORT_PROVIDERS, else cpu); an absent one is dropped with a printed line',
} as const satisfies FlagSpec;

/** Applies `--ort-providers` when given. */
export function applyOrtProviders(v: string | undefined): void {
  if (v === undefined) return;
  let names: string[];
  try { names = parseOrtProviders(v, '--ort-providers'); } catch (e) { throw new UsageError((e as Error).message); }
  setEnv('LAB_ORT_PROVIDERS', names.join(','));
}
