/**
 * Whether this process is a tslab notebook kernel, and the kernel's display writer. tslab's public
 * `display.*` sends one MIME type per output; the writer it calls itself (`lastWriteDisplayData` of
 * tslab/dist/jupyter.js, tslab 1.0.22) sends a whole bundle. It is looked up in the module cache
 * of the running kernel, so nothing of tslab (which loads TypeScript) is loaded outside a kernel.
 */
import { createRequire } from 'node:module';

export type DisplayBundle = Record<string, unknown>;
export type DisplayWriter = (msg: { data: DisplayBundle; metadata: Record<string, unknown>; transient?: { display_id: string } }, update: boolean) => void;

const require = createRequire(import.meta.url);

/** The running tslab kernel's display writer for the current cell, or null outside a kernel. */
export function tslabDisplayWriter(): DisplayWriter | null {
  let path: string;
  try { path = require.resolve('tslab/dist/jupyter.js'); } catch { return null; }
  const w = (require.cache[path]?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
  return typeof w === 'function' ? (w as DisplayWriter) : null;
}

/** True inside a tslab kernel cell. */
export function inTslabKernel(): boolean {
  return tslabDisplayWriter() !== null;
}
