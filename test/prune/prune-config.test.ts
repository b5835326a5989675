/** PruneConfig's compensation key: absent unless 'bias' (so older configs resolve and hash as before), validated; adaptive selection accepted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneDefaults } from '../../kernel-lib/index.ts';
import { resolvePruneConfig } from '../../kernel-lib/prune/prune-config.ts';

test('compensation: absent by default and for none, kept for bias, refused otherwise naming the key', () => {
  assert.equal('compensation' in pruneDefaults, false);
  assert.equal('compensation' in resolvePruneConfig({}), false);
  assert.equal('compensation' in resolvePruneConfig({ compensation: 'none' }), false);
  assert.equal(resolvePruneConfig({ compensation: 'bias' }).compensation, 'bias');
  assert.throws(() => resolvePruneConfig({ compensation: 'mean' as never }), /PruneConfig\.compensation: expected 'bias' or 'none'/);
  assert.equal(resolvePruneConfig({ selection: 'adaptive' }).selection, 'adaptive');
  assert.throws(() => resolvePruneConfig({ selection: 'layerwise' as never }), /'uniform', 'global' or 'adaptive'/);
});
