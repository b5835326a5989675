/**
 * Data-parallel training on wasm: each micro-batch is split into `count` contiguous parts; the
 * main thread computes the first part's gradients while `count - 1` worker threads
 * (`replica-worker.ts`, each with its own single-threaded wasm module and model copy) compute
 * theirs at the same time. The objective returns SUMMED losses, so the parts' gradients add up to
 * the whole micro-batch's (up to the order of float32 sums).
 *
 * The update is shared too. The optimizer state (master weights, moments) and every replica's
 * gradient sums live in SharedArrayBuffers; the parameters are dealt into `count` groups of about
 * equal size, and each thread sums the replicas' gradients of its group, its group's squared norm,
 * and then its group's AdamW update. Each thread then loads the new weights into its own model.
 *
 * Why replicas and not only the threaded wasm build (runtime/wasm-threads.ts): its XNNPACK pool
 * runs matmuls on both cores, but elementwise kernels, transposes, slices, tfjs's JS bookkeeping
 * and the JS optimizer stay on one thread, so two pool threads gave 1.2-1.36x. Replicas run all of
 * a step's work on both cores (docs/training-replicas.md has the measurements).
 *
 * Order is fixed (part k always goes to replica k; group sums in replica order), so runs with the
 * same replica count are deterministic; different counts differ by rounding only. Dropout: part k
 * uses seed + k. With count 1 nothing is shared and no worker starts: the single-thread loop.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LanguageModel, Params } from '../model/types.ts';
import type { NormalBlock } from './block-stream.ts';
import { addBatchGrads, packBlocks } from './batch-tensors.ts';
import type { Objective } from './objective.ts';
import { adamwStep, writeWeights, type AdamWSlot, type AdamWState } from './adamw.ts';
import type { ReplicaReply, ReplicaRequest, SharedSlot } from './replica-worker.ts';
import { dealGroups, reduceGroup, splitSizes } from './replica-groups.ts';

export { splitSizes } from './replica-groups.ts';

export interface Replicas {
  /** Threads computing gradients: the main thread and `count - 1` workers. */
  readonly count: number;
  /** The main thread's gradient sums (name -> flat array), zeroed by `zeroGrads`. */
  readonly acc: ReadonlyMap<string, Float32Array>;
  /** Starts an update: every replica's gradient sums are zero before its next part. */
  zeroGrads(): void;
  /** Adds the gradients of `blocks`' summed loss into the replicas' sums and returns that loss.
   *  The main thread's part runs through `objective`; workers use the default objective. */
  addGrads(model: LanguageModel, blocks: readonly NormalBlock[], opts: { readonly training: boolean; readonly seed: number }, objective: Objective): Promise<number>;
  /** Sums every replica's gradients into `acc` (each thread sums a group of parameters) and
   *  returns the squared L2 norm of the sums, accumulated in float64. */
  reduce(): Promise<number>;
  /** AdamW at `lr` on the optimizer state with the summed gradients times `gradScale` (each thread updates its
   *  group), then the new weights are loaded into `params` and every worker's model. */
  update(params: Params, lr: number, gradScale: number): Promise<void>;
  /** Ends the workers (idempotent). */
  close(): Promise<void>;
}

/** The file URL of tsx's ESM loader API, which a worker registers before importing TypeScript. */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports?.['./esm/api']?.import?.default;
  if (!rel) throw new Error(`${pkgPath}: no "./esm/api" import entry; the replica workers need tsx's ESM API`);
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}

const shared = (n: number): Float32Array => new Float32Array(new SharedArrayBuffer(4 * n));

interface Pending { resolve(r: ReplicaReply): void; reject(e: Error): void }

/** One worker thread and the FIFO of replies it owes (every request but 'weights' gets one). */
class ReplicaWorker {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private failure: Error | null = null;

  constructor(readonly index: number, init: Extract<ReplicaRequest, { kind: 'init' }>) {
    const entry = new URL('./replica-worker.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    this.worker = new Worker(code, { eval: true });
    this.worker.unref(); // never keeps the process alive on its own
    this.worker.on('message', (r: ReplicaReply) => this.pending.shift()?.resolve(r));
    const fail = (e: Error): void => {
      this.failure ??= new Error(`training replica ${index} (worker thread) failed: ${e.message}`);
      for (const p of this.pending.splice(0)) p.reject(this.failure);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`it exited with code ${code}`)));
    // The first reply is 'ready'; a failed start surfaces on the first request that needs a reply.
    this.request(init).catch(() => {});
  }

  request(msg: ReplicaRequest, transfer: ArrayBuffer[] = []): Promise<ReplicaReply> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<ReplicaReply>((resolve, reject) => this.pending.push({ resolve, reject }));
    this.worker.postMessage(msg, transfer);
    return reply.then((r) => { if (r.kind === 'error') throw new Error(`training replica ${this.index} (worker thread): ${r.message}`); return r; });
  }

  send(msg: ReplicaRequest): void {
    if (!this.failure) this.worker.postMessage(msg);
  }

  async close(): Promise<void> {
    this.failure ??= new Error('closed');
    await this.worker.terminate();
  }
}

/**
 * Replicas of `model` over `count` threads, updating `opt` (whose step `update` advances). With
 * count > 1, `opt`'s slots are replaced by copies in shared memory (same values), which the
 * workers update with the main thread from then on.
 * Needs the wasm backend for count > 1; throws otherwise.
 */
export function startReplicas(model: LanguageModel, count: number, opt: AdamWState): Replicas {
  if (!Number.isInteger(count) || count < 1) throw new Error(`training replicas: ${count} is not a replica count (expected an integer >= 1)`);
  if (count > 1 && tf.getBackend() !== 'wasm') throw new Error(`training replicas: ${count} replicas need the wasm backend (this process runs ${tf.getBackend()}, which uses every core itself)`);
  const names = [...opt.slots.keys()]; // the optimizer's order: the order the norm has always been summed in
  for (const n of model.params.keys()) if (!opt.slots.has(n)) throw new Error(`training replicas: the optimizer has no slot for ${n}`);
  if (names.length !== model.params.size) throw new Error(`training replicas: the optimizer has ${names.length} slots, the model ${model.params.size} parameters`);
  const alloc = count > 1 ? shared : (n: number) => new Float32Array(n);
  // grads[r]: replica r's gradient sums; grads[0] is the main thread's.
  const grads = Array.from({ length: count }, () => new Map(names.map((n) => [n, alloc(opt.slots.get(n)!.w.length)])));
  // One thread: the optimizer's order, so the norm's float64 sum runs as it always has.
  const groups = count === 1 ? [names] : dealGroups(new Map(names.map((n) => [n, opt.slots.get(n)!.w.length])), count);
  const workers: ReplicaWorker[] = [];
  if (count > 1) {
    for (const n of names) {
      const s = opt.slots.get(n)!;
      const c = { shape: s.shape, decay: s.decay, w: shared(s.w.length), m: shared(s.w.length), v: shared(s.w.length) };
      c.w.set(s.w); c.m.set(s.m); c.v.set(s.v);
      opt.slots.set(n, c);
    }
    const slots: SharedSlot[] = names.map((n) => { const s = opt.slots.get(n)!; return { name: n, shape: s.shape, decay: s.decay, w: s.w, m: s.m, v: s.v }; });
    for (let k = 1; k < count; k++) {
      workers.push(new ReplicaWorker(k, { kind: 'init', family: model.family, config: model.config, slots, grads: grads.map((g) => names.map((n) => g.get(n)!)), index: k, group: groups[k]!, hyper: opt.hyper }));
    }
  }
  // This thread's share of the update: its group's slots (the shared copies when count > 1).
  const mySlots = new Map(groups[0]!.map((n) => [n, opt.slots.get(n)!] as [string, AdamWSlot]));
  let zero = true;
  return {
    count,
    acc: grads[0]!,
    zeroGrads() { for (const a of grads[0]!.values()) a.fill(0); zero = true; },
    async addGrads(m, blocks, opts, objective) {
      const sizes = splitSizes(blocks.length, count);
      const parts: NormalBlock[][] = [];
      let at = 0;
      for (const s of sizes) { parts.push(blocks.slice(at, at + s)); at += s; }
      const first = zero;
      zero = false;
      // Workers first (they run while this thread computes its own part). A worker without a part
      // this time still zeroes its sums when the update starts.
      const replies = workers.map((w, k) => {
        const part = parts[k + 1];
        if (!part) return first ? w.request({ kind: 'zero' }) : null;
        const batch = packBlocks(part);
        return w.request({ kind: 'grads', batch, training: opts.training, seed: (opts.seed + k + 1) % 0x7fffffff, zero: first }, [batch.ids.buffer, batch.targets.buffer, batch.mask.buffer]);
      });
      let loss = addBatchGrads(m, packBlocks(parts[0]!), opts, objective, grads[0]!);
      for (const reply of replies) {
        if (!reply) continue;
        const r = await reply;
        if (r.kind === 'grads') loss += r.loss;
      }
      return loss;
    },
    async reduce() {
      const asked = workers.map((w) => w.request({ kind: 'reduce' }));
      let sq = reduceGroup(grads, groups[0]!);
      for (const a of asked) { const r = await a; if (r.kind === 'reduce') sq += r.sumSquares; }
      return sq;
    },
    async update(params, lr, gradScale) {
      const updated = workers.map((w) => w.request({ kind: 'adamw', step: opt.step, lr, gradScale }));
      adamwStep({ hyper: opt.hyper, step: opt.step, slots: mySlots }, grads[0]!, lr, gradScale);
      await Promise.all(updated);
      opt.step += 1;
      for (const w of workers) w.send({ kind: 'weights' });
      writeWeights(opt, params);
    },
    async close() { await Promise.all(workers.map((w) => w.close())); },
  };
}
