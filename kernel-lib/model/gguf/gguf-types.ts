/**
 * The element and value types of the GGUF file format (llama.cpp's ggml, format version 2 and 3),
 * as numbered in its specification (docs/llama-gguf.md lists the facts we rely on).
 */

/** Metadata value types (`gguf_metadata_value_type`): code -> name and byte size of a scalar. */
export const GGUF_VALUE_TYPES: ReadonlyMap<number, { readonly name: string; readonly bytes: number }> = new Map([
  [0, { name: 'UINT8', bytes: 1 }], [1, { name: 'INT8', bytes: 1 }], [2, { name: 'UINT16', bytes: 2 }],
  [3, { name: 'INT16', bytes: 2 }], [4, { name: 'UINT32', bytes: 4 }], [5, { name: 'INT32', bytes: 4 }],
  [6, { name: 'FLOAT32', bytes: 4 }], [7, { name: 'BOOL', bytes: 1 }], [8, { name: 'STRING', bytes: 0 }],
  [9, { name: 'ARRAY', bytes: 0 }], [10, { name: 'UINT64', bytes: 8 }], [11, { name: 'INT64', bytes: 8 }],
  [12, { name: 'FLOAT64', bytes: 8 }],
]);

export const GGUF_TYPE_STRING = 8;
export const GGUF_TYPE_ARRAY = 9;

/** ggml tensor element types we decode to float32 (exactly). */
export const GGML_FLOAT_TYPES: ReadonlyMap<number, { readonly name: 'F32' | 'F16' | 'BF16'; readonly bytes: number }> = new Map([
  [0, { name: 'F32', bytes: 4 } as const], [1, { name: 'F16', bytes: 2 } as const], [30, { name: 'BF16', bytes: 2 } as const],
]);

/** Other ggml types by code (quantized blocks and integer tensors): named in the refusal message. */
export const GGML_OTHER_TYPES: ReadonlyMap<number, string> = new Map([
  [2, 'Q4_0'], [3, 'Q4_1'], [6, 'Q5_0'], [7, 'Q5_1'], [8, 'Q8_0'], [9, 'Q8_1'], [10, 'Q2_K'], [11, 'Q3_K'],
  [12, 'Q4_K'], [13, 'Q5_K'], [14, 'Q6_K'], [15, 'Q8_K'], [16, 'IQ2_XXS'], [17, 'IQ2_XS'], [18, 'IQ3_XXS'],
  [19, 'IQ1_S'], [20, 'IQ4_NL'], [21, 'IQ3_S'], [22, 'IQ2_S'], [23, 'IQ4_XS'], [24, 'I8'], [25, 'I16'],
  [26, 'I32'], [27, 'I64'], [28, 'F64'], [29, 'IQ1_M'], [34, 'TQ1_0'], [35, 'TQ2_0'], [39, 'MXFP4'],
]);

/** The GGUF magic: the bytes "GGUF" at offset 0. */
export const GGUF_MAGIC = 'GGUF';
/** Default alignment of the tensor data section (`general.alignment` overrides it). */
export const GGUF_DEFAULT_ALIGNMENT = 32;
