/**
 * The trainer's view of data: a re-iterable sequence of packed blocks (whatever produced them:
 * corpora, the multi-task mixture, ...), read in micro-batches, with a position that a checkpoint
 * records so that a resumed run sees exactly the blocks it would have seen.
 *
 * A block is either `{ ids: [T+1] }` (next-token targets are ids shifted by one) or
 * `{ ids: [T], targets: [T] }`, each with an optional 0/1 loss `mask` over the TARGET positions
 * ([T]; a mask of length T+1 over `ids` is also accepted and its first entry dropped, since
 * position 0 is never predicted). A target < 0 is skipped like mask 0.
 */
import { createRng, shuffled } from '../runtime/random.ts';

export interface TrainBlock {
  readonly ids: ArrayLike<number>;
  readonly targets?: ArrayLike<number>;
  readonly mask?: ArrayLike<number>;
}

/** Blocks from an array, a generator, or an async generator (e.g. data/packing's packBlocks).
 *  It must be re-iterable (an array, or an object whose [Symbol.(async)iterator]() restarts) to run
 *  more than one epoch or to resume. */
export type BlockSource = Iterable<TrainBlock> | AsyncIterable<TrainBlock>;

/** Training data: blocks, or blocks plus held-out blocks for validation loss. */
export type TrainData = BlockSource | { readonly train: BlockSource; readonly validation?: BlockSource };

function isSource(x: unknown): x is BlockSource {
  return !!x && (typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');
}

function openIterator(src: BlockSource): AsyncIterator<TrainBlock> | Iterator<TrainBlock> {
  const a = (src as AsyncIterable<TrainBlock>)[Symbol.asyncIterator];
  return a ? a.call(src) : (src as Iterable<TrainBlock>)[Symbol.iterator]();
}

/** A block in the model's terms: inputs, targets and mask of one length T. */
export interface NormalBlock {
  readonly ids: Int32Array;      // [T]
  readonly targets: Int32Array;  // [T] (0 where masked out)
  readonly mask: Float32Array;   // [T] 1 = counted in the loss
  readonly tokens: number;       // sum of mask
}

/** Where the stream is: `index` blocks of epoch `epoch` have been consumed. */
export interface DataPosition { readonly epoch: number; readonly index: number }

export function splitTrainData(data: TrainData): { train: BlockSource; validation: BlockSource | null } {
  if (isSource(data)) return { train: data, validation: null };
  const d = data as { train?: BlockSource; validation?: BlockSource };
  if (!d || !isSource(d.train)) throw new Error('finetune data: expected an iterable of blocks or { train, validation? }');
  if (d.validation !== undefined && !isSource(d.validation)) throw new Error('finetune data.validation: expected an iterable of blocks');
  return { train: d.train, validation: d.validation ?? null };
}

/** Iterates a sync or async source as an async generator. */
export async function* iterateBlocks(src: BlockSource): AsyncGenerator<TrainBlock> {
  const it = openIterator(src);
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Checks and converts one block; `where` names it in errors (e.g. `train block 12`). */
export function normalizeBlock(b: TrainBlock, where: string): NormalBlock {
  if (!b || !b.ids || typeof b.ids.length !== 'number') throw new Error(`${where}: expected { ids, targets?, mask? }`);
  let ids: Int32Array;
  let targets: Int32Array;
  if (b.targets) {
    if (b.targets.length !== b.ids.length) throw new Error(`${where}: targets has ${b.targets.length} entries, ids ${b.ids.length}`);
    ids = Int32Array.from(b.ids);
    targets = Int32Array.from(b.targets);
  } else {
    if (b.ids.length < 2) throw new Error(`${where}: ids needs at least 2 tokens (inputs + shifted targets)`);
    const all = Int32Array.from(b.ids);
    ids = all.subarray(0, all.length - 1).slice();
    targets = all.subarray(1).slice();
  }
  const T = ids.length;
  const mask = new Float32Array(T).fill(1);
  if (b.mask) {
    const off = b.mask.length === T + 1 ? 1 : 0;
    if (b.mask.length !== T && off === 0) throw new Error(`${where}: mask has ${b.mask.length} entries, expected ${T} (targets) or ${T + 1} (ids)`);
    for (let t = 0; t < T; t++) {
      const m = b.mask[t + off]!;
      if (m !== 0 && m !== 1) throw new Error(`${where}: mask[${t + off}] = ${m}, expected 0 or 1`);
      mask[t] = m;
    }
  }
  let tokens = 0;
  for (let t = 0; t < T; t++) {
    if (targets[t]! < 0) { mask[t] = 0; targets[t] = 0; }
    tokens += mask[t]!;
  }
  return { ids, targets, mask, tokens };
}

/** Target tokens in `data` up to the first block that has some (cheap when data is fine). */
export async function assertHasTargets(data: BlockSource, name: string): Promise<void> {
  let i = 0;
  for await (const b of iterateBlocks(data)) {
    if (normalizeBlock(b, `${name} block ${i}`).tokens > 0) return;
    i++;
  }
  throw new Error(i === 0 ? `finetune data.${name}: no blocks` : `finetune data.${name}: zero target tokens in ${i} blocks (every mask is 0)`);
}

export interface BlockStream {
  /** The next `n` blocks (wrapping into the next epoch as needed). */
  take(n: number): Promise<NormalBlock[]>;
  position(): DataPosition;
}

/**
 * Cycles through `data` epoch after epoch from `start`. Arrays are shuffled per epoch when
 * `shuffle` (the permutation is a function of seed and epoch, so any position can be restored);
 * other iterables are read in order and a resumed stream skips the consumed blocks.
 */
export async function createBlockStream(data: BlockSource, opts: { seed: number; shuffle: boolean }, start: DataPosition = { epoch: 0, index: 0 }): Promise<BlockStream> {
  let { epoch, index } = start;
  const isArray = Array.isArray(data);
  let order: number[] | null = null;
  let iter: AsyncIterator<TrainBlock> | Iterator<TrainBlock> | null = null;
  const openEpoch = async (): Promise<void> => {
    if (isArray) {
      const n = (data as readonly TrainBlock[]).length;
      const ids = Array.from({ length: n }, (_, i) => i);
      order = opts.shuffle ? shuffled(ids, createRng((opts.seed + 0x51ed * (epoch + 1)) >>> 0)) : ids;
    } else {
      iter = openIterator(data);
      for (let i = 0; i < index; i++) if ((await iter.next()).done) throw new Error(`finetune data: cannot resume at block ${index} of epoch ${epoch}: the data has only ${i} blocks`);
    }
  };
  await openEpoch();
  const nextRaw = async (): Promise<TrainBlock | undefined> => {
    if (isArray) return (data as readonly TrainBlock[])[order![index]!];
    const r = await iter!.next();
    return r.done ? undefined : r.value;
  };
  return {
    async take(n) {
      const out: NormalBlock[] = [];
      while (out.length < n) {
        const raw = await nextRaw();
        if (raw === undefined) {
          if (index === 0) throw new Error('finetune data: the training data has no blocks');
          epoch += 1; index = 0; await openEpoch();
          continue;
        }
        out.push(normalizeBlock(raw, `train block ${index} (epoch ${epoch})`));
        index += 1;
      }
      return out;
    },
    position: () => ({ epoch, index }),
  };
}
