import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileTable } from '../../kernel-lib/experiments/profile-table.ts';

test('profileTable: steps as rows and phases as columns, each by total, largest first; a totals row', () => {
  const t = profileTable([
    { step: 'evaluate-a', phase: 'forward', seconds: 30, calls: 5 },
    { step: 'multitask-finetune-b', phase: 'train', seconds: 40, calls: 1 },
    { step: 'evaluate-a', phase: 'load', seconds: 2, calls: 1 },
    { step: 'evaluate-c', phase: 'forward', seconds: 20, calls: 5 },
    { step: 'study', phase: 'tables', seconds: 1.25, calls: 4 },
  ]);
  assert.deepEqual(t.phases, [{ phase: 'forward', seconds: 50 }, { phase: 'train', seconds: 40 }, { phase: 'load', seconds: 2 }, { phase: 'tables', seconds: 1.25 }]);
  assert.equal(t.totalSeconds, 93.25);
  assert.equal(t.markdown, [
    '| step | total s | forward | train | load | tables |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    '| multitask-finetune-b | 40.0 |  | 40.0 |  |  |',
    '| evaluate-a | 32.0 | 30.0 |  | 2.0 |  |',
    '| evaluate-c | 20.0 | 20.0 |  |  |  |',
    '| study | 1.3 |  |  |  | 1.3 |',
    '| **all** | 93.3 | 50.0 | 40.0 | 2.0 | 1.3 |',
  ].join('\n') + '\n');
});
