/**
 * The shared argument layer (kernel-lib/cli/args.ts) on hand-worked cases: edit distances,
 * did-you-mean, `--flag value` with dash-leading values, `--flag=value`, `--`, booleans, missing
 * values, positional counts, numeric rules in words, and rewording of library config keys to flags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, editDistance, flagNamesIn, helpText, numberArg, parseCommand, UsageError, type CommandSpec } from '../../kernel-lib/cli/args.ts';

const spec = {
  name: 'lab demo', usage: 'MODEL [options]', positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    limit: { type: 'string', value: 'N', help: 'documents per task' },
    'min-heads': { type: 'string', value: 'N', help: 'heads kept' },
    accum: { type: 'string', value: 'K', key: 'accumulation', help: 'micro-batches' },
    json: { type: 'boolean', help: 'print JSON' },
    profile: { type: 'string', default: 'mini', help: 'whose data' },
  },
} as const satisfies CommandSpec;

test('edit distance and did-you-mean', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('limt', 'limit'), 1);
  assert.equal(editDistance('piqaa', 'piqa'), 1);
  assert.equal(editDistance('tasks', 'taskss'), 1);
  assert.equal(editDistance('evla', 'eval'), 1);          // one transposition
  assert.equal(editDistance('', 'abc'), 3);
  assert.deepEqual(closest('limt', ['limit', 'list', 'tasks']), ['limit', 'list']);
  assert.deepEqual(closest('piqaa', ['piqa', 'mmlu', 'glue']), ['piqa']);
  assert.deepEqual(closest('xyz', ['piqa', 'mmlu']), []);
  assert.deepEqual(closest('hella', ['hellaswag', 'mmlu']), ['hellaswag']);   // a prefix
});

test('parseCommand: values, dash-leading values, --flag=value, booleans, --, defaults', () => {
  const r = parseCommand(spec, ['mini', '--limit', '-3', '--min-heads=2', '--json'])!;
  assert.deepEqual(r.positionals, ['mini']);
  assert.equal(r.values.limit, '-3');
  assert.equal(r.values['min-heads'], '2');
  assert.equal(r.values.json, true);
  assert.equal(r.values.profile, 'mini');
  assert.deepEqual(parseCommand(spec, ['--', '--odd-name'])!.positionals, ['--odd-name']);
  assert.equal(parseCommand(spec, ['mini', '--help']), null);
  assert.equal(parseCommand(spec, ['-h']), null);
});

test('parseCommand: mistakes are UsageErrors naming the flag', () => {
  const err = (argv: string[], re: RegExp): void => assert.throws(() => parseCommand(spec, argv), (e: unknown) => e instanceof UsageError && re.test(e.message));
  err(['mini', '--limt', '5'], /unknown option '--limt' \(did you mean --limit\?\)/);
  err(['mini', '--limit'], /--limit needs a value \(N: documents per task\)/);
  err(['mini', '--limit', '--json'], /--limit needs a value/);
  err(['mini', '--json=yes'], /--json takes no value/);
  err([], /missing MODEL/);
  err(['a', 'b'], /unexpected argument 'b'/);
  err(['mini', '-x'], /unknown option '-x'/);
});

test('numberArg: rules in words', () => {
  assert.equal(numberArg(undefined, 'limit'), undefined);
  assert.equal(numberArg('0.5', 'limit', { min: 0, exclusiveMin: true }), 0.5);
  const msg = (v: string, rule: Parameters<typeof numberArg>[2]): string => { try { numberArg(v, 'limit', rule); return ''; } catch (e) { return (e as Error).message; } };
  assert.equal(msg('-3', { min: 0, exclusiveMin: true }), "--limit: expected a positive number, got '-3'");
  assert.equal(msg('0', { integer: true, min: 1 }), "--limit: expected a positive whole number, got '0'");
  assert.equal(msg('2.5', { integer: true, min: 0 }), "--limit: expected a whole number >= 0, got '2.5'");
  assert.equal(msg('', {}), "--limit: expected a number, got ''");
  assert.equal(msg('1', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }), "--limit: expected a number above 0 and below 1, got '1'");
});

test('flagNamesIn: library config keys become the flags that set them; file names are left alone', () => {
  assert.equal(flagNamesIn('PruneConfig.minHeads: expected an integer >= 1, got 0', spec), '--min-heads: expected an integer >= 1, got 0');
  assert.equal(flagNamesIn('TrainConfig.accumulation: expected an integer >= 1, got 0', spec), '--accum: expected an integer >= 1, got 0');
  assert.equal(flagNamesIn('evaluate: config.limit must be > 0 or null, got -1', spec), 'evaluate: --limit must be > 0 or null, got -1');
  assert.equal(flagNamesIn('/x/y: no config.json', spec), '/x/y: no config.json');
  assert.equal(flagNamesIn('PruneConfig.criterion: bad', spec), 'PruneConfig.criterion: bad');   // no such flag: unchanged
});

test('helpText lists every flag with its placeholder and description', () => {
  const h = helpText(spec);
  assert.match(h, /^usage: lab demo MODEL \[options\]/);
  assert.match(h, /--limit N +documents per task/);
  assert.match(h, /--json +print JSON/);
  assert.match(h, /--profile VALUE +whose data \(default mini\)/);
});
