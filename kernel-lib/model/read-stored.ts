/**
 * One stored float tensor read from its file by byte range (open, positioned reads, close):
 * what host params (model/host-params.ts) call each time an engine asks for a tensor's values,
 * so no file descriptor stays open between reads and a multi-GB checkpoint is never held whole.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { decodeBF16, decodeF16 } from './safetensors-dtype.ts';
import type { StoredDtype } from './host-params.ts';

const BYTES: Readonly<Record<StoredDtype, number>> = { F32: 4, F16: 2, BF16: 2 };

/** Reads `count` elements of `dtype` at byte `begin` of `file`, widened to float32; `what` names the tensor in errors. */
export function readStoredFloat32(file: string, begin: number, count: number, dtype: StoredDtype, what: string): Float32Array {
  const length = count * BYTES[dtype];
  const out = new Uint8Array(new ArrayBuffer(length));
  const fd = openSync(file, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, Math.min(length - done, 1 << 30), begin + done);
      if (n === 0) throw new Error(`${file}: tensor '${what}' ends after ${done} of ${length} bytes (file truncated or changed since it was opened?)`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  if (dtype === 'F32') return new Float32Array(out.buffer, 0, count);
  const halves = new Uint16Array(out.buffer, 0, count);
  return dtype === 'F16' ? decodeF16(halves) : decodeBF16(halves);
}
