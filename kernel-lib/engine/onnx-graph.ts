/**
 * A small ONNX graph builder over the protobuf schema of `onnx-proto` (protobufjs-generated from
 * onnx.proto): nodes, graph inputs/outputs and initializers by name, serialized to the bytes of
 * a ModelProto that onnxruntime loads or that is written to disk as `model.onnx`.
 *
 * Nothing here knows a model family: family files (engine/onnx-gpt2.ts, ...) describe their
 * layers through `op`, `weight` and the building blocks of engine/onnx-blocks.ts.
 *
 * Opset 17 (default domain) is used: it has LayerNormalization, Trilu and Shape(start, end).
 * Float weights are stored as raw little-endian float32 bytes (`raw_data`), as the spec allows,
 * either inline (`toBytes`, models under protobuf's 2 GB limit) or as external data
 * (`writeExternal`: one data file beside the model, each tensor at a 64 KiB-aligned offset, a
 * multiple of the page size, as runtimes that map such files require). Model weights are added lazily
 * (`lazyWeight`): their values are produced only while serializing, one tensor at a time.
 */
import onnxProto from 'onnx-proto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename } from 'node:path';

const { onnx } = onnxProto;

export const OPSET = 17;
/** Protobuf's limit on one serialized message (onnxruntime refuses larger in-memory models). */
export const MAX_INLINE_BYTES = 2 ** 31 - 2 ** 20;
/** Offset alignment of tensors in an external data file (a multiple of the page size, so they can be mapped). */
const EXTERNAL_ALIGN = 65536;
/** IR version 8 goes with opset 17 (onnx/docs/Versioning.md). */
const IR_VERSION = 8;

export type ElemType = 'float32' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';
const ELEM: Record<ElemType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9 };

/** A dimension: a fixed size or a symbolic name ('batch', 'seq', ...). */
export type Dim = number | string;

/** One recorded node as the backward builder (engine/backward/) reads it; attributes decoded. */
export interface GraphNode {
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, number | readonly number[] | string>>;
  /** The attributes as given to `ops` (to add a copy of the node). */
  readonly spec: Readonly<Record<string, Attr>>;
}

/** An attribute value; floats must be marked (ONNX distinguishes INT and FLOAT attributes). */
export type Attr = { readonly f: number } | { readonly i: number } | { readonly ints: readonly number[] } | { readonly s: string };
export const f = (v: number): Attr => ({ f: v });
export const i = (v: number): Attr => ({ i: v });
export const ints = (v: readonly number[]): Attr => ({ ints: v });

function attribute(name: string, a: Attr): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  if ('f' in a) return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.f });
  if ('i' in a) return onnx.AttributeProto.create({ name, type: T.INT, i: a.i });
  if ('ints' in a) return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...a.ints] });
  return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.s) });
}

function valueInfo(name: string, type: ElemType, dims: readonly Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: ELEM[type], shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export class OnnxGraph {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: ReturnType<typeof valueInfo>[] = [];
  private readonly outputs: ReturnType<typeof valueInfo>[] = [];
  private readonly used = new Set<string>();
  /** Initializers whose float32 values are produced when serialized (by name). */
  private readonly lazy = new Map<string, () => Float32Array>();
  private readonly domains = new Map<string, number>([['', OPSET]]);
  private counter = 0;

  /** Standard ONNX ops only (files for other runtimes); otherwise onnxruntime contrib ops may be used. */
  portable = false;
  /** Model weights become float32 graph inputs, fed at each run, instead of initializers
   *  (training graphs: engine/weights.ts weightInit reads this). */
  paramInputs = false;

  constructor(readonly name: string) {}

  /** A value name not used yet, with a readable prefix (claimed when the value is defined). */
  fresh(prefix: string): string {
    let n = `${prefix}_${this.counter++}`;
    while (this.used.has(n)) n = `${prefix}_${this.counter++}`;
    return n;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`onnx graph ${this.name}: value name '${name}' is defined twice`);
    this.used.add(name);
    return name;
  }

  /** A graph input. */
  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares `value` (already computed) as a graph output under `name` (an Identity renames it). */
  output(value: string, name: string, type: ElemType, dims: readonly Dim[]): string {
    if (value !== name) this.op('Identity', [value], {}, { name });
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** A float32 initializer (a weight), stored as raw bytes. */
  weight(name: string, data: Float32Array, dims: readonly number[]): string {
    return this.tensor(name, 'float32', bytesOf(data), dims);
  }

  /** A float32 initializer whose values `produce` returns only when the graph is serialized. */
  lazyWeight(name: string, dims: readonly number[], produce: () => Float32Array): string {
    this.initializers.push(onnx.TensorProto.create({ name: this.claim(name), dataType: ELEM.float32, dims: [...dims] }));
    this.lazy.set(name, produce);
    return name;
  }

  /** Bytes of every initializer once serialized (lazy ones counted from their shapes). */
  initializerBytes(): number {
    let n = 0;
    for (const t of this.initializers) n += this.lazy.has(t.name) ? 4 * t.dims.reduce((a, d) => a * Number(d), 1) : t.rawData.byteLength;
    return n;
  }

  /** The raw bytes of a lazy initializer, checked against its declared shape. */
  private produce(t: InstanceType<typeof onnx.TensorProto>): Uint8Array {
    const data = this.lazy.get(t.name)!();
    const n = t.dims.reduce((a, d) => a * Number(d), 1);
    if (data.length !== n) throw new Error(`onnx graph ${this.name}: initializer '${t.name}' produced ${data.length} values, its shape [${t.dims.join(', ')}] needs ${n}`);
    return bytesOf(data);
  }

  /** An initializer of any element type from its raw little-endian bytes. */
  tensor(name: string, type: ElemType, raw: Uint8Array, dims: readonly number[]): string {
    this.initializers.push(onnx.TensorProto.create({ name: this.claim(name), dataType: ELEM[type], dims: [...dims], rawData: raw }));
    return name;
  }

  /** An int64 constant (shapes, axes, indices); a scalar when dims is []. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(this.fresh('c'), 'int64', bytesOf(BigInt64Array.from(values, (v) => BigInt(v))), dims);
  }

  /** A float32 constant; a scalar when dims is []. */
  float(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(this.fresh('c'), 'float32', bytesOf(Float32Array.from(values)), dims);
  }

  /** Adds one node; returns its output names (one unless `outputs` says more). */
  ops(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, o: { outputs?: number; domain?: string; names?: readonly string[] } = {}): string[] {
    const n = o.names?.length ?? o.outputs ?? 1;
    const outs = (o.names ?? Array.from({ length: n }, () => this.fresh(opType.toLowerCase()))).map((x) => this.claim(x));
    if (o.domain && !this.domains.has(o.domain)) this.domains.set(o.domain, 1);
    this.nodes.push(onnx.NodeProto.create({
      opType, input: [...inputs], output: outs, name: `${opType}_${this.nodes.length}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      ...(o.domain ? { domain: o.domain } : {}),
    }));
    return outs;
  }

  /** Adds a one-output node and returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, o: { domain?: string; name?: string } = {}): string {
    return this.ops(opType, inputs, attrs, { ...(o.domain ? { domain: o.domain } : {}), ...(o.name ? { names: [o.name] } : {}) })[0]!;
  }

  /** How many nodes were added so far. */
  nodeCount(): number {
    return this.nodes.length;
  }

  /** The nodes [from, to) with their attributes decoded (what a backward pass walks). */
  nodeList(from = 0, to = this.nodes.length): GraphNode[] {
    const T = onnx.AttributeProto.AttributeType;
    const spec = (a: InstanceType<typeof onnx.AttributeProto>): Attr =>
      (a.type === T.FLOAT ? { f: a.f ?? 0 } : a.type === T.INT ? { i: Number(a.i) } : a.type === T.INTS ? { ints: (a.ints ?? []).map(Number) } : { s: new TextDecoder().decode(a.s ?? new Uint8Array()) });
    return this.nodes.slice(from, to).map((n) => {
      const s: Record<string, Attr> = Object.fromEntries(n.attribute.map((a) => [a.name!, spec(a as InstanceType<typeof onnx.AttributeProto>)]));
      const attrs = Object.fromEntries(Object.entries(s).map(([k, a]) => [k, 'f' in a ? a.f : 'i' in a ? a.i : 'ints' in a ? a.ints : a.s]));
      return { opType: n.opType, domain: n.domain ?? '', inputs: [...n.input], outputs: [...n.output], attrs, spec: s };
    });
  }

  /** Declared shapes of the graph inputs and initializers (symbolic dims as strings). */
  declaredShapes(): Map<string, Dim[]> {
    const m = new Map<string, Dim[]>();
    for (const v of this.inputs) m.set(v.name, v.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))));
    for (const t of this.initializers) m.set(t.name, t.dims.map(Number));
    return m;
  }

  /** The values of an inline int64 initializer (shape and axis constants), or undefined. */
  int64Values(name: string): number[] | undefined {
    const t = this.initializers.find((x) => x.name === name);
    if (!t || t.dataType !== ELEM.int64 || this.lazy.has(name)) return undefined;
    const raw = t.rawData;
    return Array.from(new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)), Number);
  }

  /** Whether a value (input, initializer or node output) of this name exists. */
  has(name: string): boolean {
    return this.used.has(name);
  }

  /**
   * Weight-only int8 (ONNX DequantizeLinear, symmetric, zero point 0): every float32 matrix
   * initializer of at least `minElements` values that is only read as MatMul's right operand
   * ([in, out]: one scale per output column, axis 1) or as Gather's data / Gemm's transB operand
   * ([rows, C]: one scale per row, axis 0) is stored as int8 with float32 scales
   * (scale = max|w| / 127 over the channel) and dequantized where it is used.
   */
  quantizeInt8(minElements = 4096): void {
    const uses = new Map<string, { node: InstanceType<typeof onnx.NodeProto>; slot: number }[]>();
    for (const n of this.nodes) n.input.forEach((x, slot) => { if (!uses.has(x)) uses.set(x, []); uses.get(x)!.push({ node: n, slot }); });
    const out: InstanceType<typeof onnx.TensorProto>[] = [];
    const extra: InstanceType<typeof onnx.NodeProto>[] = [];
    for (const t of this.initializers) {
      if (this.lazy.has(t.name)) { t.rawData = this.produce(t); this.lazy.delete(t.name); }
      const dims = t.dims.map(Number);
      const u = uses.get(t.name) ?? [];
      const n = dims.reduce((a, b) => a * b, 1);
      const transB = (x: InstanceType<typeof onnx.NodeProto>) => x.attribute.some((a) => a.name === 'transB' && Number(a.i) === 1);
      const axis = u.every((x) => x.node.opType === 'MatMul' && x.slot === 1) ? 1
        : u.every((x) => (x.node.opType === 'Gather' && x.slot === 0) || (x.node.opType === 'Gemm' && x.slot === 1 && transB(x.node))) ? 0 : -1;
      if (t.dataType !== ELEM.float32 || dims.length !== 2 || n < minElements || u.length === 0 || axis === -1) { out.push(t); continue; }
      const raw = t.rawData;
      const w = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      const [R, C] = dims as [number, number];
      const channels = axis === 1 ? C : R;
      const scale = new Float32Array(channels);
      for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) { const ch = axis === 1 ? c : r; scale[ch] = Math.max(scale[ch]!, Math.abs(w[r * C + c]!)); }
      for (let ch = 0; ch < channels; ch++) scale[ch] = scale[ch]! > 0 ? scale[ch]! / 127 : 1;
      const q = new Int8Array(n);
      for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) q[r * C + c] = Math.max(-127, Math.min(127, Math.round(w[r * C + c]! / scale[axis === 1 ? c : r]!)));
      const qName = `${t.name}.int8`, sName = `${t.name}.scale`, zName = `${t.name}.zero`;
      for (const x of [qName, sName, zName]) this.claim(x);
      out.push(onnx.TensorProto.create({ name: qName, dataType: ELEM.int8, dims, rawData: bytesOf(q) }));
      out.push(onnx.TensorProto.create({ name: sName, dataType: ELEM.float32, dims: [channels], rawData: bytesOf(scale) }));
      out.push(onnx.TensorProto.create({ name: zName, dataType: ELEM.int8, dims: [channels], rawData: new Uint8Array(channels) }));
      // the float matrix keeps its name, now computed from the int8 values: w = q * scale
      extra.push(onnx.NodeProto.create({ opType: 'DequantizeLinear', input: [qName, sName, zName], output: [t.name], name: `Dequantize_${t.name}`, attribute: [attribute('axis', i(axis))] }));
    }
    this.initializers.splice(0, this.initializers.length, ...out);
    this.nodes.unshift(...extra);
  }

  /** The ModelProto bytes with every initializer inline; refuses graphs over protobuf's 2 GB limit. */
  toBytes(meta: Record<string, string> = {}): Uint8Array {
    const bytes = this.initializerBytes();
    if (bytes >= MAX_INLINE_BYTES) throw new Error(`onnx graph ${this.name}: ${(bytes / 2 ** 30).toFixed(2)} GiB of initializers exceed the 2 GB a protobuf can hold; write it with external data (writeExternal)`);
    const inits = this.initializers.map((t) => (this.lazy.has(t.name) ? onnx.TensorProto.create({ ...t, rawData: this.produce(t) }) : t));
    return this.encode(inits, meta);
  }

  /**
   * Writes the model to `modelFile` and its float initializers of at least `minBytes` to the data
   * file `dataName` beside it (ONNX external data: location, offset, length), streaming one tensor
   * at a time. Both files appear atomically (temp file, then rename); returns the data file's size.
   */
  writeExternal(modelFile: string, dataName = `${basename(modelFile)}_data`, meta: Record<string, string> = {}, minBytes = 1024): { dataBytes: number } {
    const dir = modelFile.slice(0, modelFile.length - basename(modelFile).length);
    const dataFile = dir + dataName, tmpData = `${dataFile}.${process.pid}.tmp`, tmpModel = `${modelFile}.${process.pid}.tmp`;
    const fd = openSync(tmpData, 'w');
    let offset = 0;
    try {
      const inits = this.initializers.map((t) => {
        const n = this.lazy.has(t.name) ? 4 * t.dims.reduce((a, d) => a * Number(d), 1) : t.rawData.byteLength;
        if (t.dataType !== ELEM.float32 || n < minBytes) return this.lazy.has(t.name) ? onnx.TensorProto.create({ ...t, rawData: this.produce(t) }) : t;
        const raw = this.lazy.has(t.name) ? this.produce(t) : t.rawData;
        offset = Math.ceil(offset / EXTERNAL_ALIGN) * EXTERNAL_ALIGN;
        for (let done = 0; done < raw.byteLength;) done += writeSync(fd, raw, done, raw.byteLength - done, offset + done);
        const entry = (key: string, value: string) => onnx.StringStringEntryProto.create({ key, value });
        const ext = onnx.TensorProto.create({
          name: t.name, dataType: t.dataType, dims: t.dims, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [entry('location', dataName), entry('offset', String(offset)), entry('length', String(raw.byteLength))],
        });
        offset += raw.byteLength;
        return ext;
      });
      closeSync(fd);
      const bytes = this.encode(inits, meta);
      const mfd = openSync(tmpModel, 'w');
      try { for (let done = 0; done < bytes.byteLength;) done += writeSync(mfd, bytes, done); } finally { closeSync(mfd); }
      renameSync(tmpData, dataFile);
      renameSync(tmpModel, modelFile);
      return { dataBytes: offset };
    } catch (e) {
      try { closeSync(fd); } catch { /* already closed */ }
      rmSync(tmpData, { force: true }); rmSync(tmpModel, { force: true });
      throw e;
    }
  }

  /**
   * The nodes as written: an Identity that only renames a node's result to a graph output (what
   * `output` adds) is dropped and the producing node writes the output name itself, its readers
   * renamed too. onnxruntime keeps such an Identity and copies the tensor (a training graph's ~50
   * gradient outputs: 2 ms of a 170 ms mini-bpe step). Graph inputs, initializers and values that
   * are already outputs keep their Identity.
   */
  private encodedNodes(): InstanceType<typeof onnx.NodeProto>[] {
    const outputs = new Set(this.outputs.map((o) => o.name));
    const external = new Set([...this.inputs.map((v) => v.name), ...this.initializers.map((t) => t.name)]);
    const produced = new Set(this.nodes.flatMap((n) => n.output));
    const rename = new Map<string, string>();
    const dropped = new Set<InstanceType<typeof onnx.NodeProto>>();
    for (const n of this.nodes) {
      const x = n.input[0]!, y = n.output[0]!;
      if (n.opType !== 'Identity' || n.domain || !outputs.has(y) || !produced.has(x) || external.has(x) || outputs.has(x) || rename.has(x)) continue;
      rename.set(x, y);
      dropped.add(n);
    }
    if (rename.size === 0) return this.nodes;
    const r = (v: string) => rename.get(v) ?? v;
    return this.nodes.filter((n) => !dropped.has(n)).map((n) => onnx.NodeProto.create({ ...n, input: n.input.map(r), output: n.output.map(r) }));
  }

  private encode(initializer: InstanceType<typeof onnx.TensorProto>[], meta: Record<string, string>): Uint8Array {
    const graph = onnx.GraphProto.create({ name: this.name, node: this.encodedNodes(), initializer, input: this.inputs, output: this.outputs });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [...this.domains].map(([domain, version]) => ({ domain, version })),
      producerName: 'pruning-lab',
      graph,
      metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
