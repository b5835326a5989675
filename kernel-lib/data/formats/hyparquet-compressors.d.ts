/** Types for hyparquet-compressors, which ships JavaScript only: a codec -> decompressor table. */
declare module 'hyparquet-compressors' {
  export const compressors: Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>;
}
