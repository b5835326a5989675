import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteTsSpecifiers } from '../../tools/notebooks/notebook-lib.ts';

test('relative .ts specifiers in declarations become .js (Node10 then finds the .d.ts); packages untouched', () => {
  const dts = [
    "export { a } from './runtime/backend.ts';",
    'export type { B } from "../model/types.ts";',
    "type C = import('./x/y.ts').C;",
    "import type { Tensor } from '@tensorflow/tfjs-core';",
    "export declare const name = 'file.ts';",
  ].join('\n');
  assert.equal(rewriteTsSpecifiers(dts), [
    "export { a } from './runtime/backend.js';",
    'export type { B } from "../model/types.js";',
    "type C = import('./x/y.js').C;",
    "import type { Tensor } from '@tensorflow/tfjs-core';",
    "export declare const name = 'file.ts';",
  ].join('\n'));
});
