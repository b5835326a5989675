/**
 * `lab prune`'s choices come from the library's registries: its --help names every entry of each
 * (importance criteria, schedules, what a target counts, selections, unit kinds, save layouts,
 * studies), and a value outside one exits 2 with an error that names the flag, the value and
 * every choice. Run through the real entry, before any model is read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importanceCriteria } from '../../kernel-lib/index.ts';
import { forwardOnlyCriteria } from '../../kernel-lib/prune/importance/index.ts';
import { scheduleNames } from '../../kernel-lib/prune/schedules.ts';
import { sparsityOfNames } from '../../kernel-lib/prune/sparsity.ts';
import { selectionNames, selections } from '../../kernel-lib/prune/select-units.ts';
import { unitKinds } from '../../kernel-lib/prune/pruning-plan.ts';
import { saveLayouts } from '../../kernel-lib/model/save-model.ts';
import { lab, labSync } from './lab-child.ts';

const CHOICES: Record<string, readonly string[]> = {
  criterion: [...importanceCriteria.keys()], schedule: scheduleNames, of: sparsityOfNames,
  selection: selectionNames, groups: unitKinds, layout: saveLayouts, study: ['schedules', 'criteria'],
};

test('the registries hold what the study and the docs name', () => {
  // the names the paper's methods and docs/pruning-facts.md use; a registry that lost one fails here
  for (const c of ['magnitude-l1', 'magnitude-l2', 'taylor', 'activation', 'random']) assert.ok(CHOICES.criterion!.includes(c), c);
  assert.deepEqual([...scheduleNames].sort(), ['iterative', 'one-shot']);
  assert.deepEqual([...sparsityOfNames].sort(), ['non-embedding', 'pruned', 'total']);
});

test('lab prune --help lists every registered choice', () => {
  const h = labSync(['prune', '--help']);
  assert.equal(h.status, 0, h.stderr);
  for (const [flag, names] of Object.entries(CHOICES)) {
    const line = h.stdout.split('\n').find((l) => l.trimStart().startsWith(`--${flag} `));
    assert.ok(line, `--${flag} listed`);
    for (const n of names) assert.ok(line.includes(n), `--${flag} lists ${n}: ${line}`);
  }
});

test('a value outside a registry exits 2 naming the flag, the value and every choice', async () => {
  const runs = await Promise.all(Object.keys(CHOICES).map((flag) => lab(['prune', 'mini', '--out', 'never-written', `--${flag}`, 'bogus'])));
  for (const [i, [flag, names]] of Object.entries(CHOICES).entries()) {
    const r = runs[i]!;
    assert.equal(r.status, 2, `--${flag} bogus: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`--${flag}: expected .*got 'bogus'`));
    for (const n of names) assert.ok(r.stderr.includes(n), `--${flag} error lists ${n}: ${r.stderr}`);
  }
});

test('the forward-only criteria and the selections\' descriptions come from their registries into the help', () => {
  // flap, wanda-sp and activation read forward-pass statistics; taylor needs gradients, magnitude weights only
  assert.deepEqual([...forwardOnlyCriteria].sort(), ['activation', 'flap', 'wanda-sp']);
  const h = labSync(['prune', '--help']);
  const criterion = h.stdout.split('\n').find((l) => l.trimStart().startsWith('--criterion '))!;
  const forward = /without recovery (.*) run on forward passes only/.exec(criterion)?.[1] ?? '';
  assert.deepEqual(forward.split(/, | and /).sort(), [...forwardOnlyCriteria].sort(), criterion);
  const flat = h.stdout.replace(/\s+/g, ' ');
  for (const [name, what] of Object.entries(selections)) assert.ok(flat.includes(`${name}: ${what}`), `--selection help describes ${name}`);
});

test('--recover lists self; --recover self with another --data exits 2 saying why, before any model is read', async () => {
  const line = labSync(['prune', '--help']).stdout.split('\n').find((l) => l.trimStart().startsWith('--recover '));
  assert.ok(line?.includes('corpus:NAME|self|none'), `--recover help: ${line}`);
  const r = await lab(['prune', 'mini', '--out', 'never-written', '--recover', 'self', '--data', 'corpus:all']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--recover self calibrates and measures on self-samples; --data corpus:all cannot go with it/);
});
