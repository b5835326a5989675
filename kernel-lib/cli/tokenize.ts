/**
 * `lab tokenize MODEL --text T [--json]`: the model's tokenizer on a text.
 * JSON shape (stable): {"ids": [int...], "tokens": [string...]}
 */
import { parseArgs } from 'node:util';
import { openTokenizer, textTable } from './open-model.ts';

export const summary = 'token ids and token strings of a text, with the model\'s tokenizer';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    text: { type: 'string' }, json: { type: 'boolean', default: false }, revision: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  } });
  if (values.help || positionals.length !== 1 || values.text === undefined) {
    console.error('usage: lab tokenize MODEL --text T [--json] [--revision R]');
    return values.help ? 0 : 2;
  }
  const { tokenizer } = await openTokenizer(positionals[0]!, values.revision);
  const ids = tokenizer.encode(values.text);
  const tokens = tokenizer.tokens(ids);
  if (values.json) console.log(JSON.stringify({ ids, tokens }));
  else console.log(textTable(['#', 'id', 'token'], ids.map((id, i) => [i, id, JSON.stringify(tokens[i])])));
  return 0;
}
