/** Tensor shapes of two models side by side (e.g. before and after pruning), for parameters whose name matches. */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { LanguageModel } from '../model/types.ts';
import { paramShape } from '../model/param-values.ts';

/** Rows (tensor, before, after) for every parameter of `before` whose name matches `pattern`; '-' when absent in `after`. */
export function shapeTable(before: LanguageModel, after: LanguageModel, pattern: RegExp | string): ColumnTable {
  const re = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  const names = [...before.params.keys()].filter((n) => re.test(n));
  if (!names.length) throw new Error(`shapeTable: no parameter name matches ${re} (e.g. ${[...before.params.keys()].slice(0, 3).join(', ')})`);
  const shape = (m: LanguageModel, n: string) => { const s = paramShape(m, n); return s ? `[${s.join(', ')}]` : '-'; };
  return aq.from(names.map((tensor) => ({ tensor, before: shape(before, tensor), after: shape(after, tensor) })));
}
