/** Numeric command-line flags: a bad value names the flag (UsageError, exit code 2). Ranges are
 *  checked by the library config each flag sets; its errors are reworded to the flag by cli.ts. */
import { numberArg } from './args.ts';

/** `--flag` value as a number, or undefined when the flag is absent. */
export function numberFlag(v: string | undefined, flag: string): number | undefined {
  return numberArg(v, flag);
}

/** `--flag` value as a number, or `dflt` when the flag is absent. */
export function numberFlagOr(v: string | undefined, flag: string, dflt: number): number {
  return numberFlag(v, flag) ?? dflt;
}
