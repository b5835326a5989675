import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeOutputs } from '../../tools/notebooks/normalize-outputs.ts';

test('progress and [step] lines go from both streams (a kernel prints info lines on stdout); paths become relative', () => {
  const nb = { cells: [{ cell_type: 'code', outputs: [
    { output_type: 'stream', name: 'stdout', text: '[step] evaluate 25878d27: running (/p/results/steps/evaluate-25878d27)\n[lab] backend: wasm\nppl 12.5 in /p/results\n' },
    { output_type: 'stream', name: 'stderr', text: 'finetune f: 1/2 step 50% | 0.13 step/s | 8s eta 8s | loss 5.7\n' },
    { output_type: 'stream', name: 'stdout', text: 'eval x: 3/8 req 38% | 1.2 req/s | 2s eta 4s\n' },
  ] }] };
  normalizeOutputs(nb, { root: '/p', home: '/h/u' });
  assert.deepEqual(nb.cells[0]!.outputs, [{ output_type: 'stream', name: 'stdout', text: '[lab] backend: wasm\nppl 12.5 in results\n' }]);
});
