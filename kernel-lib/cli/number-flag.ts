/** Numeric command-line flags: a bad value names the flag. */

/** `--flag` value as a number, or undefined when the flag is absent. */
export function numberFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${flag}: expected a number, got '${v}'`);
  return n;
}

/** `--flag` value as a number, or `dflt` when the flag is absent. */
export function numberFlagOr(v: string | undefined, flag: string, dflt: number): number {
  return numberFlag(v, flag) ?? dflt;
}
