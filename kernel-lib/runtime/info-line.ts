/**
 * Info lines: what the library says about how it runs ("[lab] backend: wasm, 1 thread (...)", the
 * engine and its threads, steps being computed). From a command they go to stderr, so stdout stays
 * the command's data. In a notebook kernel they go to stdout: Jupyter frontends draw stderr as an
 * error (a red box), and these lines are not errors. Warnings and errors stay on stderr.
 */
import { inTslabKernel } from './tslab-kernel.ts';

export function infoLine(line: string): void {
  if (inTslabKernel()) console.log(line);
  else console.error(line);
}
