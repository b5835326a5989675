/**
 * The reverse pass's structure, which the gradient checks against PyTorch cannot see: with
 * recomputation, no backward node reads an activation computed inside a block by the forward
 * (only the blocks' inputs survive the forward); the gradient leaving a block depends on every
 * weight gradient of that block; an op without a rule on a parameter's path is refused by name.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../kernel-lib/index.ts';
import { buildTrainGraph } from '../../../kernel-lib/engine/backward/build-train-graph.ts';
import { addReversePass } from '../../../kernel-lib/engine/backward/reverse-pass.ts';
import { onnxFamily } from '../../../kernel-lib/engine/onnx-families.ts';
import { OnnxGraph } from '../../../kernel-lib/engine/onnx-graph.ts';
import type { GraphNode } from '../../../kernel-lib/engine/onnx-graph.ts';
import { tinyModel } from '../../helpers/tiny-gpt2.ts';

before(async () => { await initBackend({ quiet: true }); });

const L = 3;
function graphOf(recompute: boolean): { nodes: GraphNode[]; headAt: number } {
  const { model } = tinyModel({ V: 40, P: 16, C: 16, L, H: 2 }, 3);
  const { graph } = buildTrainGraph(model, onnxFamily('gpt2')!, 2, 8, { recompute });
  const nodes = graph.nodeList();
  // the loss head begins Reshape, Gather (the scored rows), Gemm (the decoder's linear layers are MatMul + Add)
  const headAt = nodes.findIndex((n) => n.opType === 'Gemm') - 2;
  assert.deepEqual(nodes.slice(headAt, headAt + 2).map((n) => n.opType), ['Reshape', 'Gather']);
  return { nodes, headAt };
}

test('with recompute, only block inputs of the forward are read after the forward', () => {
  const { nodes, headAt } = graphOf(true);
  const producer = new Map<string, number>();
  nodes.forEach((n, k) => n.outputs.forEach((o) => producer.set(o, k)));
  const readLate = new Set<string>();
  nodes.slice(headAt).forEach((n) => n.inputs.forEach((x) => { if ((producer.get(x) ?? Infinity) < headAt) readLate.add(x); }));
  // what the backward may read from the forward: the L block inputs, the final hidden state
  // (the head's input) and values of the embedding stage before the first block
  const firstLn = nodes.findIndex((n) => n.opType === 'LayerNormalization');
  const blockValues = [...readLate].filter((x) => producer.get(x)! > firstLn && nodes[producer.get(x)!]!.opType !== 'Add' && nodes[producer.get(x)!]!.opType !== 'LayerNormalization');
  assert.deepEqual(blockValues, [], 'no in-block activation is read by the backward');
  const adds = [...readLate].filter((x) => nodes[producer.get(x)!]!.opType === 'Add');
  assert.ok(adds.length <= L + 1, `block inputs read late: ${adds.length}`);
  const without = graphOf(false);
  assert.ok(without.nodes.length < nodes.length, 'the recomputed graph has the block copies');
});

test('the gradient leaving a block waits for that block\'s weight gradients', () => {
  const { nodes } = graphOf(false);
  const byOut = new Map<string, GraphNode>();
  for (const n of nodes) for (const o of n.outputs) byOut.set(o, n);
  const ancestors = (v: string, seen = new Set<string>()): Set<string> => {
    const stack = [v];
    while (stack.length) { const x = stack.pop()!; if (seen.has(x)) continue; seen.add(x); for (const i of byOut.get(x)?.inputs ?? []) stack.push(i); }
    return seen;
  };
  // the embedding's gradient (the last one) depends on every layer's c_fc weight gradient
  const gradWpe = ancestors('grad.wpe.weight');
  for (let l = 0; l < L; l++) {
    const gradFc = nodes.find((n) => n.outputs[0] === `grad.h.${l}.mlp.c_fc.weight`)!.inputs[0]!;
    assert.ok(gradWpe.has(gradFc), `layer ${l}'s c_fc gradient comes before the gradient leaves the layer`);
  }
});

test('an op without a gradient rule on a parameter path is refused by name', () => {
  const g = new OnnxGraph('t');
  const w = g.input('w', 'float32', [2, 3]);
  const y = g.op('Exp', [w]);
  assert.throws(() => addReversePass(g, { seeds: new Map([[y, y]]), wrt: [w], forwardEnd: g.nodeCount() }), /no gradient rule for op Exp/);
});
