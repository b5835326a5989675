/**
 * safetensors reader/writer against the format spec (https://github.com/huggingface/safetensors):
 * fixtures are built byte by byte here (u64 LE header length, JSON header, little-endian data), and
 * F16/BF16 values are hand-derived from IEEE 754 binary16 / bfloat16 bit layouts (double-checked
 * once with numpy: np.array([v], np.float32).astype(np.float16).view(np.uint16)).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSafetensors } from '../../kernel-lib/model/safetensors.ts';
import { openCheckpoint } from '../../kernel-lib/model/safetensors-index.ts';
import { writeSafetensors } from '../../kernel-lib/model/safetensors-write.ts';
import { decodeBF16, decodeF16, encodeF16, numberToF16Bits } from '../../kernel-lib/model/safetensors-dtype.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'st-test-'));

/** [u64 LE length][header][data hex] */
function fileBytes(header: string, dataHex: string, lengthOverride?: bigint): Buffer {
  const h = Buffer.from(header, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(h.length));
  return Buffer.concat([len, h, Buffer.from(dataHex.replace(/\s/g, ''), 'hex')]);
}

function writeFixture(dir: string, name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

test('hand-built fixture: F32, F16, BF16 and I64 tensors decode to their exact values', () => {
  const header = JSON.stringify({
    __metadata__: { format: 'pt' },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    h: { dtype: 'F16', shape: [2, 4], data_offsets: [8, 24] },
    b: { dtype: 'BF16', shape: [3], data_offsets: [24, 30] },
    i: { dtype: 'I64', shape: [1], data_offsets: [30, 38] },
  });
  const data =
    '0000803f 000020c0' +                          // F32 1.0, -2.5
    '003c 00c0 ff7b 0100 ff03 0080 007c 5535' +      // F16 0x3C00 1, 0xC000 -2, 0x7BFF 65504, 0x0001 2^-24, 0x03FF 1023*2^-24, 0x8000 -0, 0x7C00 inf, 0x3555 0.333251953125
    '803f 4940 0100' +                             // BF16 0x3F80 1, 0x4049 3.140625, 0x0001 2^-133
    '0700000000000000';                            // I64 7
  const p = writeFixture(tmp(), 'x.safetensors', fileBytes(header, data));
  const r = openSafetensors(p);
  try {
    assert.deepEqual(r.metadata, { format: 'pt' });
    assert.deepEqual([...r.entries.keys()].sort(), ['a', 'b', 'h', 'i']);
    assert.deepEqual(r.entries.get('h')!.shape, [2, 4]);
    assert.deepEqual([...r.readFloat32('a')], [1, -2.5]);
    const h = r.readFloat32('h');
    assert.deepEqual([...h], [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, -0, Infinity, 0.333251953125]);
    assert.ok(Object.is(h[5], -0));
    const b = r.readFloat32('b');
    assert.equal(b[0], 1); assert.equal(b[1], 3.140625);
    assert.equal(b[2], Math.fround(2 ** -133));
    assert.equal(b[2], 2 ** -133);                 // representable exactly as a float32 subnormal
    assert.deepEqual([...r.readBytes('i')], [7, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => r.readFloat32('i'), /x\.safetensors: tensor 'i' has dtype I64/);
  } finally { r.close(); }
});

test('F16/BF16 decoders: NaN and bfloat16 sign', () => {
  assert.ok(Number.isNaN(decodeF16(new Uint16Array([0x7e00]))[0]));
  assert.deepEqual([...decodeBF16(new Uint16Array([0xbf80, 0xc000]))], [-1, -2]);
});

test('F16 encoding rounds to nearest, ties to even', () => {
  const cases: [number, number][] = [
    [1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [65504, 0x7bff],
    [1 + 2 ** -11, 0x3c00],                  // tie between 0x3C00 and 0x3C01 -> even 0x3C00
    [1 + 3 * 2 ** -11, 0x3c02],              // tie between 0x3C01 and 0x3C02 -> even 0x3C02
    [1 + 2 ** -11 + 2 ** -20, 0x3c01],       // just above the tie -> up
    [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-1e6, 0xfc00],   // 65520 is the tie to 2^16 -> inf
    [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001], [3 * 2 ** -25, 0x0002],
    [1023 * 2 ** -24, 0x03ff], [2 ** -14, 0x0400], [1e-8, 0], [-0, 0x8000], [Infinity, 0x7c00],
  ];
  for (const [v, bits] of cases) assert.equal(numberToF16Bits(v), bits, `f16(${v})`);
  assert.equal(numberToF16Bits(Number.NaN) & 0x7e00, 0x7e00);
  assert.deepEqual([...encodeF16(new Float32Array([1, 0.1]))], [0x3c00, 0x2e66]);
});

test('writer: F32 round trip is exact, F16 round trip is the rounded value; layout follows the spec', () => {
  const dir = tmp();
  const p = join(dir, 'w.safetensors');
  const a = new Float32Array([1, -2.5, 0.1, 3e-6]);
  writeSafetensors(p, [{ name: 'z', shape: [2, 2], data: a }, { name: 'b', shape: [1], data: () => new Float32Array([7]) }], { metadata: { format: 'pt' } });
  const bytes = readFileSync(p);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0, 'header padded to 8 bytes');
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  assert.deepEqual(header.b, { dtype: 'F32', shape: [1], data_offsets: [0, 4] });
  assert.deepEqual(header.z, { dtype: 'F32', shape: [2, 2], data_offsets: [4, 20] });
  assert.equal(bytes.length, 8 + n + 20);
  const r = openSafetensors(p);
  assert.deepEqual(r.readFloat32('z'), a);
  r.close();
  const p16 = join(dir, 'h.safetensors');
  writeSafetensors(p16, [{ name: 'z', shape: [4], data: a }], { dtype: 'F16' });
  const r16 = openSafetensors(p16);
  assert.equal(r16.entries.get('z')!.dtype, 'F16');
  // 0.1 -> 0x2E66 = 0.0999755859375; 3e-6 -> subnormal 50 * 2^-24 = 2.980232238769531e-6
  assert.deepEqual([...r16.readFloat32('z')], [1, -2.5, 0.0999755859375, 50 * 2 ** -24]);
  r16.close();
  assert.deepEqual(readdirSync(dir).sort(), ['h.safetensors', 'w.safetensors'], 'no temp files left');
});

test('writer refuses a data/shape mismatch and leaves nothing behind', () => {
  const dir = tmp();
  assert.throws(() => writeSafetensors(join(dir, 'x.safetensors'), [{ name: 'w', shape: [3], data: new Float32Array(2) }]), /tensor 'w' has 2 elements but shape \[3\] needs 3/);
  assert.deepEqual(readdirSync(dir), []);
});

const F32x2 = JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
const bad: [string, () => Buffer, RegExp][] = [
  ['truncated file', () => Buffer.from([1, 2, 3, 4]), /bad\.safetensors: truncated safetensors file \(4 bytes/],
  ['header length beyond the file', () => fileBytes(F32x2, '00'.repeat(8), 5000n), /bad\.safetensors: header length 5000 goes beyond the file size/],
  ['invalid header JSON', () => fileBytes('{"w": {"dtype": "F32",', ''), /bad\.safetensors: invalid safetensors header JSON/],
  ['header not an object', () => fileBytes('[1,2]', ''), /bad\.safetensors: safetensors header is not a JSON object/],
  ['unknown dtype', () => fileBytes(JSON.stringify({ w: { dtype: 'F17', shape: [2], data_offsets: [0, 8] } }), '00'.repeat(8)), /bad\.safetensors: tensor 'w': unknown dtype 'F17'/],
  ['shape/byte-size mismatch', () => fileBytes(JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }), '00'.repeat(8)), /bad\.safetensors: tensor 'w': shape \[3\] of F32 needs 12 bytes but data_offsets span 8/],
  ['offsets beyond the data', () => fileBytes(F32x2, '00'.repeat(4)), /bad\.safetensors: tensor 'w': data_offsets \[0, 8\] go beyond the data buffer \(4 bytes/],
  ['overlapping offsets', () => fileBytes(JSON.stringify({ u: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, v: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }), '00'.repeat(12)), /bad\.safetensors: tensor 'v' overlaps tensor 'u'/],
  ['negative / reversed offsets', () => fileBytes(JSON.stringify({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }), '00'.repeat(8)), /tensor 'w': data_offsets must be \[begin, end\]/],
  ['header over 100 MB', () => fileBytes('', '', 100_000_001n), /bad\.safetensors: safetensors header of 100000001 bytes exceeds the 100000000-byte limit/],
];
for (const [what, make, message] of bad) {
  test(`refuses: ${what}`, () => {
    const dir = tmp();
    const p = writeFixture(dir, 'bad.safetensors', make());
    assert.throws(() => openSafetensors(p), message);
    assert.deepEqual(readdirSync(dir), ['bad.safetensors'], 'nothing written');
  });
}

test('refuses pickle checkpoints by name, without reading them', () => {
  const dir = tmp();
  const p = writeFixture(dir, 'pytorch_model.bin', Buffer.from('80027d71', 'hex'));
  assert.throws(() => openSafetensors(p), /pytorch_model\.bin: PyTorch pickle checkpoints are refused \(never unpickled or executed\); convert it to safetensors/);
  assert.throws(() => openCheckpoint(dir), /only pytorch_model\.bin found; PyTorch pickle .* refused .* convert to safetensors/);
});

test('sharded checkpoint: model.safetensors.index.json weight_map over two shards', () => {
  const dir = tmp();
  writeSafetensors(join(dir, 'model-00001-of-00002.safetensors'), [{ name: 'a', shape: [2], data: new Float32Array([1, 2]) }]);
  writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), [{ name: 'b', shape: [1], data: new Float32Array([3]) }], { dtype: 'F16' });
  const index = { metadata: { total_size: 10 }, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } };
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
  const r = openCheckpoint(dir);
  assert.deepEqual([...r.entries.keys()].sort(), ['a', 'b']);
  assert.deepEqual([...r.readFloat32('a')], [1, 2]);
  assert.deepEqual([...r.readFloat32('b')], [3]);
  r.close();
  // a tensor listed in the index but missing from its shard
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { ...index.weight_map, c: 'model-00002-of-00002.safetensors' } }));
  assert.throws(() => openCheckpoint(dir), /model-00002-of-00002\.safetensors: tensor 'c' listed in model\.safetensors\.index\.json is missing from the shard/);
  // a missing shard file, and a path escaping the folder
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'model-00003.safetensors' } }));
  assert.throws(() => openCheckpoint(dir), /shard model-00003\.safetensors listed in weight_map is missing/);
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: '../x.safetensors' } }));
  assert.throws(() => openCheckpoint(dir), /weight_map\['a'\] must be a shard file name in the same folder/);
  mkdirSync(join(dir, 'sub'));
});

test('F16 encoding equals numpy astype(float16) on random normals, subnormal and large values', () => {
  // Made with numpy 1.24 (/usr/bin/python3):
  //   rng = np.random.default_rng(0)
  //   x = np.concatenate([rng.standard_normal(16)*10, rng.standard_normal(8)*1e-5, rng.standard_normal(8)*3e4]).astype(np.float32)
  //   X = x.view(np.uint32); H = x.astype(np.float16).view(np.uint16)
  const X = new Uint32Array([0x3fa0ef47, 0xbfa9181f, 0x40ccef6c, 0x3f8645ac, 0xc0ab6a09, 0x40676bbc, 0x4150a3d8, 0x41178870, 0xc0e131fe, 0xc14a77aa, 0xc0c772a5, 0x3ed396ca, 0xc1ba00a1, 0xc00c06d4, 0xc1475883, 0xc0ea5357, 0xb6b69f7e, 0xb65443f4, 0x368a1ecb, 0x372ee79c, 0xb5ac842d, 0x37654129, 0xb6df33ca, 0x366be4f8, 0x46d3c036, 0x453045e7, 0xc6ae41f4, 0xc6d80786, 0xc6568f19, 0x45ce6ed4, 0xc6eca117, 0xc5c41a23]);
  const H = [0x3d07, 0xbd49, 0x4667, 0x3c32, 0xc55b, 0x433b, 0x4a85, 0x48bc, 0xc70a, 0xca54, 0xc63c, 0x369d, 0xcdd0, 0xc060, 0xca3b, 0xc753, 0x805b, 0x8035, 0x45, 0xaf, 0x8016, 0xe5, 0x8070, 0x3b, 0x769e, 0x6982, 0xf572, 0xf6c0, 0xf2b4, 0x6e73, 0xf765, 0xee21];
  assert.deepEqual([...encodeF16(new Float32Array(X.buffer))], H);
});
