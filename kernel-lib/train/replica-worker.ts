/**
 * One data-parallel training replica, run in a worker thread by `replicas.ts`: its own tfjs-core
 * on the stock single-threaded wasm module, its own model copy, and the default objective (summed
 * next-token cross-entropy). The optimizer state and every replica's gradient sums are shared
 * memory (SharedArrayBuffer); messages are handled strictly in arrival order:
 *   init    model, shared slots and gradient sums, this replica's index and parameter group -> ready
 *   grads   a part of a micro-batch: its gradients are added to this replica's sums -> { loss }
 *   zero    this replica's sums to zero (an update in which it gets no part) -> zeroed
 *   reduce  for its group: add every replica's sums into replica 0's -> { sumSquares }
 *   adamw   AdamW on its group's slots with replica 0's sums -> done
 *   weights reload the model from the shared master weights (no reply)
 * Any failure is answered { kind: 'error', message }.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../runtime/backend.ts';
import { lmObjective } from './lm-objective.ts';
import { addBatchGrads, type PackedBatch } from './batch-tensors.ts';
import { adamwStep, type AdamWHyper, type AdamWSlot } from './adamw.ts';
import { reduceGroup } from './replica-groups.ts';
import type { BaseConfig, FamilyName, LanguageModel } from '../model/types.ts';

/** One optimizer slot in shared memory, with its parameter name. */
export interface SharedSlot extends AdamWSlot { readonly name: string }

export type ReplicaRequest =
  | { readonly kind: 'init'; readonly family: FamilyName; readonly config: BaseConfig; readonly slots: readonly SharedSlot[];
      /** grads[r][i]: replica r's sums for slots[i]. */
      readonly grads: readonly (readonly Float32Array[])[]; readonly index: number; readonly group: readonly string[]; readonly hyper: AdamWHyper }
  | { readonly kind: 'grads'; readonly batch: PackedBatch; readonly training: boolean; readonly seed: number; readonly zero: boolean }
  | { readonly kind: 'zero' }
  | { readonly kind: 'reduce' }
  | { readonly kind: 'adamw'; readonly step: number; readonly lr: number; readonly gradScale: number }
  | { readonly kind: 'weights' };

export type ReplicaReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'grads'; readonly loss: number }
  | { readonly kind: 'zeroed' }
  | { readonly kind: 'reduce'; readonly sumSquares: number }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly message: string };

interface State {
  readonly model: LanguageModel;
  readonly init: Extract<ReplicaRequest, { kind: 'init' }>;
  readonly grads: Map<string, Float32Array>[];   // per replica: name -> sums
  readonly own: Map<string, Float32Array>;       // this replica's sums
  readonly mySlots: Map<string, AdamWSlot>;      // the slots of this replica's group
}

const port = parentPort;
if (!port) throw new Error('replica-worker.ts runs inside a worker thread (train/replicas.ts starts it)');

let state: State | null = null;
let initError = 'it is still starting';

function loadWeights(s: State): void {
  for (const slot of s.init.slots) {
    const t = tf.tensor(slot.w.slice(), slot.shape as number[], 'float32');
    (s.model.params.get(slot.name) as tf.Variable).assign(t); // a new tensor, never rewritten memory (XNNPACK caches packed weights by id)
    t.dispose();
  }
}

async function handle(msg: ReplicaRequest): Promise<ReplicaReply | null> {
  if (msg.kind === 'init') {
    await initBackend({ backend: 'wasm', wasmThreads: 1, quiet: true });
    const params = new Map<string, tf.Variable>();
    for (const slot of msg.slots) {
      const t = tf.tensor(slot.w.slice(), slot.shape as number[], 'float32');
      params.set(slot.name, tf.variable(t, true, `replica/${slot.name}`));
      t.dispose(); // the variable holds its own reference to the data
    }
    const grads = msg.grads.map((arrs) => new Map(msg.slots.map((sl, i) => [sl.name, arrs[i]!])));
    const group = new Set(msg.group);
    const mySlots = new Map(msg.slots.filter((sl) => group.has(sl.name)).map((sl) => [sl.name, sl as AdamWSlot]));
    state = { model: { family: msg.family, config: msg.config, params }, init: msg, grads, own: grads[msg.index]!, mySlots };
    return { kind: 'ready' };
  }
  const s = state;
  if (!s) throw new Error(`no model: ${initError}`);
  switch (msg.kind) {
    case 'zero':
      for (const a of s.own.values()) a.fill(0);
      return { kind: 'zeroed' };
    case 'grads':
      if (msg.zero) for (const a of s.own.values()) a.fill(0);
      return { kind: 'grads', loss: addBatchGrads(s.model, msg.batch, { training: msg.training, seed: msg.seed }, lmObjective, s.own) };
    case 'reduce':
      return { kind: 'reduce', sumSquares: reduceGroup(s.grads, s.init.group) };
    case 'adamw':
      adamwStep({ hyper: s.init.hyper, step: msg.step, slots: s.mySlots }, s.grads[0]!, msg.lr, msg.gradScale);
      return { kind: 'done' };
    case 'weights':
      loadWeights(s);
      return null;
  }
}

let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ReplicaRequest) => {
  chain = chain.then(async () => {
    try {
      const reply = await handle(msg);
      if (reply) port.postMessage(reply);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (msg.kind === 'init') initError = `it could not start: ${message}`;
      port.postMessage({ kind: 'error', message } satisfies ReplicaReply);
    }
  });
});
