/**
 * Element types of the safetensors format and the exact float16 / bfloat16 <-> float32 conversions.
 *
 * IEEE 754 binary16 (F16): 1 sign, 5 exponent (bias 15), 10 mantissa bits; exponent 0 is zero or
 * subnormal (m * 2^-24), exponent 31 is inf / NaN. bfloat16 (BF16) is the upper half of a binary32,
 * so decoding is a 16-bit shift and is exact. Every F16 value is exactly representable in float32,
 * so decoding is exact too; encoding rounds to nearest, ties to even (IEEE default), as
 * `torch.Tensor.half()` and numpy's astype(float16) do.
 */

/** Element types we know, with their byte size (safetensors spec `Dtype`). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, U16: 2, U32: 4, U64: 8, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};

/** Element types that decode to float32 here. */
export type FloatDtype = 'F32' | 'F16' | 'BF16';

export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

let f16Table: Float32Array | null = null;

/** One binary16 bit pattern -> its exact value. */
export function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;                       // zero / subnormal
  if (exp === 31) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1024 + mant) * 2 ** (exp - 25);                      // (1 + m/1024) * 2^(e-15)
}

/** All 65536 binary16 values, built once (256 KiB) so bulk decoding is one lookup per element. */
function table(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToNumber(h);
  }
  return f16Table;
}

/** F16 elements -> float32 (exact). */
export function decodeF16(src: Uint16Array): Float32Array {
  const t = table();
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = t[src[i]!]!;
  return out;
}

/** BF16 elements -> float32 (exact: the bf16 bits are the float32's upper 16 bits). */
export function decodeBF16(src: Uint16Array): Float32Array {
  const bits = new Uint32Array(src.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
  return new Float32Array(bits.buffer);
}

const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

/** float32 value -> binary16 bits, round to nearest, ties to even; overflow -> inf; NaN stays NaN. */
export function numberToF16Bits(x: number): number {
  scratchF[0] = x;
  const b = scratchU[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;                 // float32 biased exponent
  const mant = b & 0x7fffff;
  if (exp === 255) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  if (exp > 142) return sign | 0x7c00;           // |x| >= 2^16: beyond the largest finite half (65504)
  if (exp >= 113) {                              // normal half: unbiased exponent -14..15
    let h = sign | ((exp - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;                  // the 13 dropped bits
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++;   // a carry may roll into the exponent (-> inf), as it should
    return h;
  }
  if (exp < 102) return sign;                    // |x| < 2^-25: rounds to (signed) zero
  const m24 = mant | 0x800000;                   // subnormal half: value / 2^-24 = m24 >> shift
  const shift = 126 - exp;                       // 14..24
  let h = m24 >>> shift;
  const rest = m24 & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1))) h++;
  return sign | h;
}

/** float32 elements -> F16 bits (round to nearest even). */
export function encodeF16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = numberToF16Bits(src[i]!);
  return out;
}
