/** A sentence through a tokenizer, one row per token: position, id and the text that token stands for. */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { Tokenizer } from '../tokenizer/types.ts';

/** Rows (position, id, token): `token` is the decoded text of that one id, a leading space shown as '␣'. */
export function tokenTable(tokenizer: Tokenizer, text: string): ColumnTable {
  const ids = tokenizer.encode(text);
  return aq.from(ids.map((id, position) => ({ position, id, token: tokenizer.decode([id]).replace(/ /g, '␣') })));
}
