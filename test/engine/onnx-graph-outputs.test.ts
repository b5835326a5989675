/**
 * Graph outputs as written (OnnxGraph.encodedNodes): an output that renames a node's result gets
 * no Identity; the node writes the output name and its other readers read that name. An output
 * that is a graph input, or a value already output under another name, keeps its Identity. The
 * written model is decoded with onnx-proto and run on onnxruntime for the values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import { OnnxGraph } from '../../kernel-lib/engine/onnx-graph.ts';
import { loadOrt } from '../../kernel-lib/engine/ort-runtime.ts';

test('an output that renames a node result is written by that node; inputs and repeated outputs keep an Identity', () => {
  const g = new OnnxGraph('outputs');
  const a = g.input('a', 'float32', [3]);
  const y = g.op('Mul', [a, g.float([2], [])]);
  g.output(y, 'twice', 'float32', [3]);
  g.output(g.op('Add', [y, g.float([1], [])]), 'plus', 'float32', [3]);   // a reader of y added after y became an output
  g.output(y, 'again', 'float32', [3]);                                    // the same value under a second name
  g.output(a, 'echo', 'float32', [3]);                                     // a graph input
  const bytes = g.toBytes();
  const nodes = onnxProto.onnx.ModelProto.decode(bytes).graph!.node!;
  const mul = nodes.find((n) => n.opType === 'Mul')!, add = nodes.find((n) => n.opType === 'Add')!;
  assert.deepEqual(mul.output, ['twice']);
  assert.equal(add.input![0], 'twice');
  assert.deepEqual(add.output, ['plus']);
  assert.deepEqual(nodes.filter((n) => n.opType === 'Identity').map((n) => [n.input![0], n.output![0]]), [['twice', 'again'], ['a', 'echo']]);

  const { ort, reason } = loadOrt();
  assert.ok(ort, reason);
  const s = ort.newSession();
  s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, { intraOpNumThreads: 1 });
  const out = s.run({ a: ort.tensor('float32', new Float32Array([1, -2, 0.5]), [3]) }, { twice: null, plus: null, again: null, echo: null }, {});
  assert.deepEqual(Array.from(out.twice!.data as Float32Array), [2, -4, 1]);
  assert.deepEqual(Array.from(out.plus!.data as Float32Array), [3, -3, 2]);
  assert.deepEqual(Array.from(out.again!.data as Float32Array), [2, -4, 1]);
  assert.deepEqual(Array.from(out.echo!.data as Float32Array), [1, -2, 0.5]);
  s.dispose();
});
