/**
 * The AdamW update as a WebAssembly SIMD kernel (f32x4), in float32 and in the order PyTorch's
 * `torch.optim.AdamW` (single-tensor path) computes it, the gradient first multiplied by gradScale:
 *   g = g * gradScale
 *   w = w * keep                                   keep = 1 - lr * weightDecay (1: not decayed)
 *   m = m + (1 - b1) * (g - m)                     (torch: exp_avg.lerp_(grad, 1 - beta1))
 *   v = v * b2 + ((1 - b2) * g) * g                (exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2))
 *   w = w + ((-stepSize) * m) / (sqrt(v) / bc2Sqrt + eps)
 * every operation rounded to float32 (the scalars too), no fused multiply-add.
 *
 * Why: the update streams four arrays per parameter; the JavaScript loop it replaces (float64
 * arithmetic, one element at a time) took 50-60 ms per update at 4.2M parameters here, a quarter of an
 * ONNX Runtime training step. Arrays that live in one of this file's arenas (`adamwArena`: the
 * ORT engine keeps w, m, v and the gradient there) are updated in place; any other arrays go
 * through a 256 KiB scratch memory chunk by chunk (copied in, updated, copied back).
 *
 * The module is built here from its bytes (no toolchain); the comments give its text form.
 */

const CHUNK = 16384;                        // floats per scratch region
const PAGE = 65536;
/** An arena holds at most this many bytes (wasm32 memories stop at 4 GiB); larger states use several. */
const ARENA_BYTES = 2 ** 31;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b); } while (n !== 0);
  return out;
}
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

// opcodes (core and the fixed-width SIMD proposal, prefix 0xfd)
const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const get = (k: number) => [0x20, ...uleb(k)], set = (k: number) => [0x21, ...uleb(k)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const load = [...simd(0x00), 4, 0];                                                  // v128.load align=16 offset=0
const store = [...simd(0x0b), 4, 0];                                                 // v128.store align=16 offset=0
const splat = simd(0x13), add = simd(0xe4), sub = simd(0xe5), mul = simd(0xe6), div = simd(0xe7), sqrt = simd(0xe3);   // f32x4.*
const i32add = 0x6a;

// (func $adamw (param $g $m $v $w i32) (param $n i32) (param $gradScale $c1 $b2 $c2 $keep $negStep $bc2Sqrt $eps f32))
// locals 0-3 byte addresses of g, m, v, w; 4 n (elements, a multiple of 4); 5-12 the f32 scalars;
// 13 i (byte offset), 14 end; 15-22 the splats of 5-12; 23 g, 24 m, 25 v
const I = 13, END = 14, S = (param: number) => 10 + param, G = 23, M = 24, V = 25;
const at = (base: number) => [...get(base), ...get(I), i32add];                    // address of element i of an array

const body = [
  ...[5, 6, 7, 8, 9, 10, 11, 12].flatMap((p) => [...get(p), ...splat, ...set(S(p))]),    // (local.set $sP (f32x4.splat (local.get P)))
  ...get(4), 0x41, 4, 0x6c, ...set(END),                                                 // end = n * 4
  0x02, 0x40, 0x03, 0x40,                                                                // block loop
  ...get(I), ...get(END), 0x4f, 0x0d, 1,                                                 //   br_if 1 (i >= end)
  ...at(0), ...load, ...get(S(5)), ...mul, ...set(G),                                    //   g = g[i] gradScale
  ...at(1), ...load, ...set(M),
  ...get(M), ...get(S(6)), ...get(G), ...get(M), ...sub, ...mul, ...add, ...set(M),       //   m = m + c1 (g - m)
  ...at(2), ...load, ...get(S(7)), ...mul, ...get(S(8)), ...get(G), ...mul, ...get(G), ...mul, ...add, ...set(V), // v = v b2 + (c2 g) g
  ...at(1), ...get(M), ...store,                                                         //   m[i] = m
  ...at(2), ...get(V), ...store,                                                         //   v[i] = v
  ...at(3),
  ...at(3), ...load, ...get(S(9)), ...mul,                                               //   w keep
  ...get(S(10)), ...get(M), ...mul,                                                      //   (-stepSize) m
  ...get(V), ...sqrt, ...get(S(11)), ...div, ...get(S(12)), ...add,                      //   sqrt(v) / bc2Sqrt + eps
  ...div, ...add, ...store,                                                              //   w[i] = w keep + (-stepSize) m / (...)
  ...get(I), 0x41, 16, i32add, ...set(I),                                                //   i += 16 (four floats)
  0x0c, 0, 0x0b, 0x0b,                                                                   // br 0; end loop; end block
];
const code = [...uleb(2), ...uleb(2), I32, ...uleb(11), V128, ...body, 0x0b];           // locals: 2 i32, 11 v128
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 13, ...Array<number>(5).fill(I32), ...Array<number>(8).fill(F32), 0]),   // type (i32 x 5, f32 x 8) -> ()
  ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 0]),                     // import env.mem (memory, min 0)
  ...section(3, [1, 0]),                                                                 // func 0 : type 0
  ...section(7, [1, ...name('adamw'), 0x00, 0]),                                         // export adamw
  ...section(10, [1, ...uleb(code.length), ...code]),
]);

type Kernel = (g: number, m: number, v: number, w: number, n: number,
  gradScale: number, c1: number, b2: number, c2: number, keep: number, negStepSize: number, bc2Sqrt: number, eps: number) => void;

let compiled: WebAssembly.Module | undefined;
function instantiate(memory: WebAssembly.Memory): Kernel {
  if (!compiled) {
    if (!WebAssembly.validate(MODULE)) throw new Error('AdamW kernel: this JavaScript engine rejects its WebAssembly SIMD module (fixed-width SIMD is needed: Node >= 16.4)');
    compiled = new WebAssembly.Module(MODULE);
  }
  return (new WebAssembly.Instance(compiled, { env: { mem: memory } }).exports as { adamw: Kernel }).adamw;
}

/** Memories the kernel updates in place, by their buffer. */
const arenas = new WeakMap<ArrayBuffer, Kernel>();
let scratch: { run: Kernel; heap: Float32Array } | undefined;

/**
 * Float32Arrays of the given lengths (zeroed) inside kernel arenas: arrays of one AdamW slot (w,
 * m, v and its gradient) placed here are updated in place, with no copies. A group of arrays is
 * never split across two arenas; each array starts on a 16-byte boundary.
 */
export function adamwArena(groups: readonly (readonly number[])[]): Float32Array[][] {
  const padded = (n: number) => ((n + 3) & ~3) * 4;                     // bytes, the kernel's 4-float tail included
  const out: Float32Array[][] = [];
  let k = 0;
  while (k < groups.length) {
    let bytes = 0, end = k;
    while (end < groups.length) {
      const size = groups[end]!.reduce((s, n) => s + padded(n), 0);
      if (size > ARENA_BYTES) throw new Error(`AdamW arena: one slot needs ${size} bytes, more than an arena's ${ARENA_BYTES}`);
      if (bytes + size > ARENA_BYTES) break;
      bytes += size; end++;
    }
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    arenas.set(memory.buffer, instantiate(memory));
    let off = 0;
    for (; k < end; k++) out.push(groups[k]!.map((n) => { const a = new Float32Array(memory.buffer, off, n); off += padded(n); return a; }));
  }
  return out;
}

/** The scalars of one update, as adamw.ts computes them. */
export interface AdamWKernelScalars {
  readonly b1: number; readonly b2: number; readonly eps: number;
  readonly stepSize: number; readonly bc2Sqrt: number;
  /** 1 - lr * weightDecay for a decayed slot, else 1. */
  readonly keep: number;
  readonly gradScale: number;
}

/** Updates w, m, v in place from gradient g (all of one length) with the scalars of one AdamW update. */
export function adamwKernel(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, k: AdamWKernelScalars): void {
  const args = [k.gradScale, 1 - k.b1, k.b2, 1 - k.b2, k.keep, -k.stepSize, k.bc2Sqrt, k.eps] as const;
  const inPlace = arenas.get(w.buffer as ArrayBuffer);
  if (inPlace && m.buffer === w.buffer && v.buffer === w.buffer && g.buffer === w.buffer) {
    inPlace(g.byteOffset, m.byteOffset, v.byteOffset, w.byteOffset, (w.length + 3) & ~3, ...args);   // the padding lanes belong to no array
    return;
  }
  if (!scratch) {
    const memory = new WebAssembly.Memory({ initial: (16 * CHUNK) / PAGE });
    scratch = { run: instantiate(memory), heap: new Float32Array(memory.buffer) };
  }
  const { run, heap } = scratch;
  const R = 4 * CHUNK;                                                   // bytes per region: g, m, v, w
  for (let o = 0; o < w.length; o += CHUNK) {
    const n = Math.min(CHUNK, w.length - o);
    heap.set(g.subarray(o, o + n), 0);
    heap.set(m.subarray(o, o + n), CHUNK);
    heap.set(v.subarray(o, o + n), 2 * CHUNK);
    heap.set(w.subarray(o, o + n), 3 * CHUNK);
    run(0, R, 2 * R, 3 * R, (n + 3) & ~3, ...args);                      // a ragged tail runs stale lanes, never copied back
    m.set(heap.subarray(CHUNK, CHUNK + n), o);
    v.set(heap.subarray(2 * CHUNK, 2 * CHUNK + n), o);
    w.set(heap.subarray(3 * CHUNK, 3 * CHUNK + n), o);
  }
}
