/**
 * `lab tokenize MODEL --text T [--json]`: the model's tokenizer on a text.
 * JSON shape (stable): {"ids": [int...], "tokens": [string...]}
 */
import { openTokenizer, textTable } from './open-model.ts';
import { helpText, parseCommand, UsageError, type CommandSpec } from './args.ts';

export const summary = 'token ids and token strings of a text, with the model\'s tokenizer';

export const spec = {
  name: 'lab tokenize',
  usage: 'MODEL --text T [--json]',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    text: { type: 'string', value: 'T', help: 'text to tokenize (required)' },
    json: { type: 'boolean', help: 'print {"ids", "tokens"}' },
    revision: { type: 'string', value: 'R', help: 'hub revision of MODEL' },
  },
} as const satisfies CommandSpec;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values, positionals } = parsed;
  if (values.text === undefined) throw new UsageError('--text is required');
  const { tokenizer } = await openTokenizer(positionals[0]!, values.revision);
  const ids = tokenizer.encode(values.text);
  const tokens = tokenizer.tokens(ids);
  if (values.json) console.log(JSON.stringify({ ids, tokens }));
  else console.log(textTable(['#', 'id', 'token'], ids.map((id, i) => [i, id, JSON.stringify(tokens[i])])));
  return 0;
}
