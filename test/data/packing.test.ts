import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBlocks, type Block } from '../../kernel-lib/index.ts';
import { tokenizeRecord, type PackRecord } from '../../kernel-lib/data/packing.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { fakeTokenizer } from './fake-tokenizer.ts';

const tok = fakeTokenizer();
const c = (s: string): number => s.charCodeAt(0) + 1; // fake id of a character

async function collect(it: AsyncIterable<Block>): Promise<Block[]> {
  const out: Block[] = [];
  for await (const b of it) out.push({ ids: Array.from(b.ids) as never, mask: Array.from(b.mask) as never });
  return out;
}

test('tokenizeRecord: LM text trains on everything, prompt/target only on the target (+EOS)', () => {
  const lm = tokenizeRecord({ text: 'ab' }, tok);
  assert.deepEqual(Array.from(lm.ids), [c('a'), c('b'), 0]);
  assert.deepEqual(Array.from(lm.mask), [1, 1, 1]);
  const pt = tokenizeRecord({ prompt: 'xy', target: ' z' }, tok);
  assert.deepEqual(Array.from(pt.ids), [c('x'), c('y'), c(' '), c('z'), 0]);
  assert.deepEqual(Array.from(pt.mask), [0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(tokenizeRecord({ prompt: 'xy', target: 'z' }, tok, false).mask), [0, 0, 1, 0]);
});

test('packBlocks: hand-derived blocks for T=3 (stream EOS a b EOS x y z EOS)', async () => {
  const blocks = await collect(packBlocks([{ text: 'ab' }, { prompt: 'xy', target: 'z' }], { tokenizer: tok, blockSize: 3 }));
  assert.deepEqual(blocks, [
    { ids: [0, c('a'), c('b'), 0], mask: [1, 1, 1] },
    { ids: [0, c('x'), c('y'), c('z')], mask: [0, 0, 1] },
    { ids: [c('z'), 0, 0, 0], mask: [1, 0, 0] }, // last: EOS target trained, then EOS padding with mask 0
  ]);
  const dropped = await collect(packBlocks([{ text: 'ab' }, { prompt: 'xy', target: 'z' }], { tokenizer: tok, blockSize: 3, dropRemainder: true }));
  assert.equal(dropped.length, 2);
});

test('packBlocks: every token appears once as a target and masks cover exactly target tokens', async () => {
  const rng = createRng(7);
  const word = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(97 + rng.int(26))).join('');
  const records: PackRecord[] = Array.from({ length: 200 }, (_, i) =>
    i % 3 === 0 ? { text: word(1 + rng.int(40)) } : { prompt: word(rng.int(30)), target: word(1 + rng.int(10)) });
  let expectIds: number[] = [];
  let expectMask: number[] = [];
  for (const r of records) {
    const body = 'text' in r ? r.text : r.prompt + r.target;
    expectIds = expectIds.concat(Array.from(body, c), [0]);
    const m = 'text' in r ? Array(body.length + 1).fill(1) : [...Array(r.prompt.length).fill(0), ...Array(r.target.length).fill(1), 1];
    expectMask = expectMask.concat(m);
  }
  for (const T of [1, 5, 64]) {
    const blocks = await collect(packBlocks(records, { tokenizer: tok, blockSize: T }));
    const targets: number[] = [];
    const masks: number[] = [];
    for (let k = 0; k < blocks.length; k++) {
      const b = blocks[k]!;
      assert.equal(b.ids.length, T + 1);
      if (k > 0) assert.equal(b.ids[0], blocks[k - 1]!.ids[T]);
      targets.push(...Array.from(b.ids).slice(1));
      masks.push(...Array.from(b.mask));
    }
    assert.equal(blocks[0]!.ids[0], 0);
    const n = expectIds.length;
    assert.deepEqual(targets.slice(0, n), expectIds, `T=${T}: targets are the stream`);
    assert.deepEqual(masks.slice(0, n), expectMask, `T=${T}: masks exact`);
    assert.ok(targets.slice(n).every((x) => x === 0) && masks.slice(n).every((x) => x === 0), `T=${T}: padding`);
    assert.equal(blocks.length, Math.ceil(n / T));
  }
});

test('packBlocks: bad config and bad records are named', async () => {
  await assert.rejects(collect(packBlocks([], { tokenizer: tok, blockSize: 0 })), /blockSize/);
  await assert.rejects(collect(packBlocks([{ text: 'a' }], { eosTokenId: 0 })), /record 0 .*tokenizer/);
  await assert.rejects(collect(packBlocks([{ ids: new Int32Array(2), mask: new Uint8Array(1) }], { eosTokenId: 0 })), /record 0: mask length/);
});
