// Acceptance 4 of issue 16: bad GGUF input is refused with the file and tensor named, and a
// failed load writes nothing. The files are made by the test's own writer (test/helpers/gguf-writer.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadModel } from '../../kernel-lib/index.ts';
import { readGguf } from '../../kernel-lib/model/gguf/read-gguf.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { f32Bytes, ggufBytes, type GgufMeta, type GgufTensorSpec } from '../helpers/gguf-writer.ts';

before(async () => { await initBackend({ quiet: true }); });

const C = 8, H = 2, F = 6, V = 5;
const META: GgufMeta[] = [
  { key: 'general.architecture', type: 'str', value: 'llama' },
  { key: 'llama.context_length', type: 'u32', value: 16 }, { key: 'llama.embedding_length', type: 'u32', value: C },
  { key: 'llama.block_count', type: 'u32', value: 1 }, { key: 'llama.feed_forward_length', type: 'u32', value: F },
  { key: 'llama.attention.head_count', type: 'u32', value: H }, { key: 'llama.attention.head_count_kv', type: 'u32', value: H },
  { key: 'llama.attention.layer_norm_rms_epsilon', type: 'f32', value: 1e-5 },
  { key: 'tokenizer.ggml.model', type: 'str', value: 'llama' },
  { key: 'tokenizer.ggml.tokens', type: 'str[]', value: ['<unk>', '<s>', '</s>', '\u2581a', 'a'] },
  { key: 'tokenizer.ggml.scores', type: 'f32[]', value: [0, 0, 0, -1, -2] },
  { key: 'tokenizer.ggml.token_type', type: 'i32[]', value: [2, 3, 3, 1, 1] },
];
const SHAPES: [string, number[]][] = [
  ['token_embd.weight', [V, C]], ['output_norm.weight', [C]], ['blk.0.attn_norm.weight', [C]], ['blk.0.attn_q.weight', [C, C]],
  ['blk.0.attn_k.weight', [C, C]], ['blk.0.attn_v.weight', [C, C]], ['blk.0.attn_output.weight', [C, C]], ['blk.0.ffn_norm.weight', [C]],
  ['blk.0.ffn_gate.weight', [F, C]], ['blk.0.ffn_up.weight', [F, C]], ['blk.0.ffn_down.weight', [C, F]],
];
function tensors(): GgufTensorSpec[] {
  return SHAPES.map(([name, shape], k) => {
    const n = shape.reduce((a, d) => a * d, 1);
    return { name, shape, type: 0, bytes: f32Bytes(Array.from({ length: n }, (_, j) => Math.sin(j + k))) };
  });
}

function write(bytes: Uint8Array): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gguf-bad-'));
  const file = join(dir, 'model.gguf');
  writeFileSync(file, bytes);
  return { dir, file };
}

async function refused(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  const { dir, file } = write(bytes);
  await assert.rejects(loadModel(file), (e: Error) => {
    assert.match(e.message, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(e.message, pattern);
    return true;
  });
  assert.deepEqual(readdirSync(dir), ['model.gguf'], 'nothing written next to the file');
}

test('the valid file loads: shapes from the reversed dims, F16 widened exactly', async () => {
  const t = tensors();
  const half = new Uint16Array(V * C).fill(0x3c00);   // 1.0 in binary16
  half[3] = 0xc000;                                   // -2.0
  t[0] = { ...t[0]!, type: 1, bytes: new Uint8Array(half.buffer) };
  const { file } = write(ggufBytes(META, t));
  const g = readGguf(file);
  assert.deepEqual(g.tensors.get('blk.0.ffn_down.weight')!.shape, [C, F]);
  assert.equal(g.tensors.get('token_embd.weight')!.dtype, 'F16');
  assert.deepEqual([...g.readFloat32('token_embd.weight').slice(0, 5)], [1, 1, 1, -2, 1]);
  assert.equal(g.metadata.get('llama.block_count'), 1);
  g.close();
  const m = await loadModel(file);
  assert.deepEqual(m.params.get('model.layers.0.mlp.down_proj.weight')!.shape, [C, F]);
  assert.equal(m.config.tieWordEmbeddings, true);
  disposeModel(m);
});

test('wrong magic is refused', async () => {
  const b = ggufBytes(META, tensors());
  b.write('GGML', 0, 'latin1');
  await refused(b, /not a GGUF file \(first bytes "GGML", expected "GGUF"\)/);
});

test('a file truncated inside the tensor data is refused naming the first tensor past the end', async () => {
  const b = ggufBytes(META, tensors());
  await refused(b.subarray(0, b.length - 100), /tensor 'blk\.0\.ffn_down\.weight' .* past the end of the file/);
});

test('a file truncated inside the header is refused naming what was being read', async () => {
  const b = ggufBytes(META, tensors());
  const cut = b.indexOf(Buffer.from('blk.0.attn_q.weight')) + 4;
  await refused(b.subarray(0, cut), /truncated: tensor info 3's name needs bytes/);
});

test('an unknown ggml type is refused naming the tensor', async () => {
  const t = tensors();
  t[4] = { ...t[4]!, type: 99 };
  await refused(ggufBytes(META, t), /tensor 'blk\.0\.attn_k\.weight' has unknown ggml type code 99/);
});

test('a quantized tensor is refused naming the tensor and its type', async () => {
  const t = tensors();
  t[3] = { ...t[3]!, type: 2, bytes: new Uint8Array(18 * (C * C / 32)) };   // Q4_0: 18 bytes per 32 elements
  await refused(ggufBytes(META, t), /tensor 'blk\.0\.attn_q\.weight' has type Q4_0 \(code 2\); only F32, F16 and BF16/);
});

test('a tensor whose offset points past the end is refused naming it', async () => {
  const t = tensors();
  t[9] = { ...t[9]!, offset: 1 << 20 };
  await refused(ggufBytes(META, t), /tensor 'blk\.0\.ffn_up\.weight' \(F32 \[6,8\]\) spans bytes \d+\.\.\d+, past the end of the file/);
});

test('a missing llama tensor and an unknown tensor name are refused naming them', async () => {
  await refused(ggufBytes(META, tensors().filter((t) => t.name !== 'blk.0.ffn_up.weight')), /missing tensor model\.layers\.0\.mlp\.up_proj\.weight/);
  await refused(ggufBytes(META, [...tensors(), { name: 'rope_freqs.weight', shape: [4], type: 0, bytes: f32Bytes([1, 1, 1, 1]) }]), /tensor 'rope_freqs\.weight' is not a llama tensor/);
});

test('missing metadata is refused naming the key', async () => {
  await refused(ggufBytes(META.filter((m) => m.key !== 'llama.feed_forward_length'), tensors()), /metadata key 'llama\.feed_forward_length' is missing/);
});
