/**
 * Training checkpoints: everything a run needs to continue exactly where it stopped.
 *
 * Layout of `<runDir>/checkpoint/`:
 *   tensors-<step>.bin   for each tensor in `checkpoint.json`.tensors order: master weights w, then
 *                        AdamW m, then v, each fp32 little-endian, row-major
 *   checkpoint.json      { format, step, position, rngState, tensors: [{name, shape, decay}], sha256, ... }
 * The .bin is written (atomically) first and `checkpoint.json` last: the json is the commit point,
 * so a process killed at any moment leaves either the previous checkpoint or the new one. Older
 * .bin files are removed after the commit.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sha256, writeFileAtomic, writeJsonAtomic } from '../runtime/files.ts';
import { allocateSlots, type AdamWHyper, type AdamWState } from './adamw.ts';
import type { DataPosition } from './block-stream.ts';

export const CHECKPOINT_FORMAT = 'pruning-lab-train-checkpoint/1';

/** The loop's own state besides tensors. */
export interface LoopState {
  readonly step: number;                 // updates completed
  readonly position: DataPosition;       // next training block
  readonly rngState: number;             // state of the run's RNG (dropout seeds)
  readonly tokensSeen: number;           // target tokens trained on so far
  readonly bestValLoss: number | null;   // best validation loss so far
  readonly bestStep: number | null;
  readonly evalsSinceBest: number;       // for early stopping
  readonly elapsedSeconds: number;       // training wall time before this checkpoint
}

export interface CheckpointMeta extends LoopState {
  readonly format: string;
  readonly configHash: string;
  readonly optimizerStep: number;
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly decay: boolean }[];
  readonly bin: string;
  readonly sha256: string;
}

export function checkpointDir(runDir: string): string {
  return join(runDir, 'checkpoint');
}

/** Writes the optimizer state and loop state under `runDir/checkpoint/` atomically. */
export function saveCheckpoint(runDir: string, opt: AdamWState, loop: LoopState, configHash: string): void {
  const dir = checkpointDir(runDir);
  const slots = [...opt.slots];
  const total = slots.reduce((s, [, sl]) => s + 3 * sl.w.length, 0);
  const buf = new Float32Array(total);
  let off = 0;
  for (const [, sl] of slots) for (const a of [sl.w, sl.m, sl.v]) { buf.set(a, off); off += a.length; }
  const bytes = new Uint8Array(buf.buffer);
  const bin = `tensors-${loop.step}.bin`;
  writeFileAtomic(join(dir, bin), bytes);
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT, ...loop, configHash, optimizerStep: opt.step,
    tensors: slots.map(([name, sl]) => ({ name, shape: sl.shape, decay: sl.decay })), bin, sha256: sha256(bytes),
  };
  writeJsonAtomic(join(dir, 'checkpoint.json'), meta);
  for (const f of readdirSync(dir)) if (/^tensors-\d+\.bin$/.test(f) && f !== bin) rmSync(join(dir, f), { force: true });
}

/** True when `runDir` holds a committed checkpoint. */
export function hasCheckpoint(runDir: string): boolean {
  return existsSync(join(checkpointDir(runDir), 'checkpoint.json'));
}

/**
 * Reads a checkpoint back into a fresh AdamW state (with `hyper`) and the loop state. Checks the
 * format, the config hash, the byte size and sha256; errors name the file.
 */
export function loadCheckpoint(runDir: string, hyper: AdamWHyper, configHash: string): { opt: AdamWState; loop: LoopState } {
  const dir = checkpointDir(runDir);
  const file = join(dir, 'checkpoint.json');
  const meta = JSON.parse(readFileSync(file, 'utf8')) as CheckpointMeta;
  if (meta.format !== CHECKPOINT_FORMAT) throw new Error(`${file}: format ${JSON.stringify(meta.format)}, expected ${CHECKPOINT_FORMAT}`);
  if (meta.configHash !== configHash) {
    throw new Error(`${file}: the checkpoint was made with a different training config (hash ${meta.configHash}, now ${configHash}); resume with the same config or use another run folder`);
  }
  const binFile = join(dir, meta.bin);
  const raw = readFileSync(binFile);
  if (sha256(raw) !== meta.sha256) throw new Error(`${binFile}: sha256 does not match checkpoint.json (corrupt checkpoint)`);
  const expected = meta.tensors.reduce((s, t) => s + 3 * t.shape.reduce((a, b) => a * b, 1), 0) * 4;
  if (raw.byteLength !== expected) throw new Error(`${binFile}: ${raw.byteLength} bytes, expected ${expected}`);
  const all = raw.byteOffset % 4 === 0 ? new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4)
    : new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const slots = allocateSlots(meta.tensors);
  let off = 0;
  for (const t of meta.tensors) {
    const s = slots.get(t.name)!;
    for (const a of [s.w, s.m, s.v]) { a.set(all.subarray(off, off + a.length)); off += a.length; }
  }
  const loop: LoopState = {
    step: meta.step, position: meta.position, rngState: meta.rngState, tokensSeen: meta.tokensSeen,
    bestValLoss: meta.bestValLoss, bestStep: meta.bestStep, evalsSinceBest: meta.evalsSinceBest, elapsedSeconds: meta.elapsedSeconds,
  };
  return { opt: { hyper, step: meta.optimizerStep, slots }, loop };
}
