// `--recover self` data (selfRecoveryData) on the hand-made Markov Llama of test/helpers/markov-llama.ts,
// whose next-token softmax is derived by hand: the recovery sequences are the dense model's samples
// (their transitions fit that softmax; each equals the sampler's output for its own seed), drawn on a
// seed range apart from calibration and held-out, none equal to a held-out sequence, seeded.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { selfSamples, SELF_HELD_OUT_SEEDS, SELF_RECOVERY_SEEDS } from '../../kernel-lib/prune/calibration-data.ts';
import { selfRecoveryData } from '../../kernel-lib/prune/self-recovery-data.ts';
import { V, markovLlama, tokenizer, transition, chiSquare, critical } from '../helpers/markov-llama.ts';

before(async () => { await initBackend({ quiet: true }); });

const ids = (blocks: readonly { ids: Int32Array }[]) => blocks.map((b) => [...b.ids]);

test('selfRecoveryData: fresh dense-model samples for training, apart from calibration and held-out, seeded', async () => {
  const model = markovLlama();
  try {
    const tok = tokenizer(1);
    const o = { blockSize: 30, samples: 4, evalBlocks: 6, seed: 5, trainSamples: 40 };
    const d = await selfRecoveryData(model, tok, o);
    assert.equal(d.blockSize, 30);
    assert.equal(d.train.length, 40);
    assert.equal(d.droppedDuplicates, 0);
    assert.equal(d.validation.length, 6);
    assert.equal(d.calibration.length, 4);
    for (const b of d.train) {
      assert.equal(b.ids.length, 31);
      assert.equal(b.ids[0], 1, 'each recovery sample starts from BOS');
      assert.deepEqual([...b.mask], new Array(30).fill(1));
    }
    // Each sequence is the sampler's output for its seed: recovery k = seed + SELF_RECOVERY_SEEDS + k,
    // held-out k = seed + SELF_HELD_OUT_SEEDS + k, calibration k = seed + k.
    assert.deepEqual(ids(d.train), ids(selfSamples(model, tok, 30, 40, 5 + SELF_RECOVERY_SEEDS)));
    assert.deepEqual(ids(d.validation), ids(selfSamples(model, tok, 30, 6, 5 + SELF_HELD_OUT_SEEDS)));
    assert.deepEqual(d.calibration.map((x) => [...x]), ids(selfSamples(model, tok, 30, 4, 5)));
    // Disjoint: no recovery sequence equals a held-out or a calibration one.
    const heldOut = new Set(d.validation.map((b) => b.ids.join(','))), calibration = new Set(d.calibration.map((x) => x.join(',')));
    assert.ok(d.train.every((b) => !heldOut.has(b.ids.join(',')) && !calibration.has(b.ids.join(','))));
    // Sampled from the model: the 40 x 30 transitions fit the hand-derived softmax (and not a context-free one).
    const counts = Array.from({ length: V }, () => new Array<number>(V).fill(0));
    for (const b of d.train) for (let t = 0; t + 1 < b.ids.length; t++) counts[b.ids[t]!]![b.ids[t + 1]!]!++;
    const fit = chiSquare(counts, (prev) => transition(prev));
    assert.ok(fit.x2 < critical(fit.df), `chi-square ${fit.x2.toFixed(1)} on ${fit.df} df vs the model's softmax`);
    const flat = chiSquare(counts, () => transition(1));
    assert.ok(flat.x2 > critical(flat.df), `context-free rows not rejected: ${flat.x2.toFixed(1)}`);
    // Seeded: the same options give the same data; another seed other recovery samples.
    assert.deepEqual(ids((await selfRecoveryData(model, tok, o)).train), ids(d.train));
    assert.notDeepEqual(ids((await selfRecoveryData(model, tok, { ...o, seed: 6 })).train), ids(d.train));
  } finally {
    disposeModel(model);
  }
});

test('selfRecoveryData drops recovery samples equal to held-out ones and refuses counts that would make seed ranges meet', async () => {
  // Head rows x 100: the chain is deterministic, so every sample is the same sequence.
  const model = markovLlama(100);
  try {
    const tok = tokenizer(1);
    await assert.rejects(selfRecoveryData(model, tok, { blockSize: 10, samples: 2, evalBlocks: 2, seed: 0, trainSamples: 3 }),
      /all 3 recovery samples equal held-out samples/);
    await assert.rejects(selfRecoveryData(model, tok, { blockSize: 10, samples: 2, evalBlocks: 2, seed: 0, trainSamples: 0 }), /at least 1 recovery sample/);
    await assert.rejects(selfRecoveryData(model, tok, { blockSize: 10, samples: 2, evalBlocks: SELF_RECOVERY_SEEDS, seed: 0, trainSamples: 1 }),
      /held-out blocks must be an integer in \[0, 1000000\)/);
  } finally {
    disposeModel(model);
  }
});
