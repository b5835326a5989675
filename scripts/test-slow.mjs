// The slow tier: every test file under test-slow/ (real-size checkpoints; test-slow/real-size.test.ts
// says what it checks and how long it takes), one file at a time since each holds a 1B-parameter
// model in memory. `npm run test:slow` runs this; `.ci/run` runs it after `npm test`.
// LAB_REAL_SIZE=twin runs the same checks on small twins. Extra args go to node --test.
import { spawnSync } from 'node:child_process';
import { findTests } from './find-tests.mjs';
import { withPrivateTmp } from './private-tmp.mjs';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
const files = only.length ? only : findTests('test-slow');
const run = withPrivateTmp((env) => spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...flags, ...files], { stdio: 'inherit', env }));
process.exit(run.status ?? 1);
