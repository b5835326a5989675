// The one test command: type check, then every test file under test/ with node's test runner.
// `npm test` runs this; `.ci/run` calls `npm test`. Extra args are passed to node --test
// (e.g. `npm test -- --test-name-pattern=safetensors`).
// The run gets a private TMPDIR, removed at the end (private-tmp.mjs).
import { spawnSync } from 'node:child_process';
import { findTests } from './find-tests.mjs';
import { withPrivateTmp } from './private-tmp.mjs';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
if (!process.env.LAB_SKIP_TYPECHECK) {
  const tsc = spawnSync('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (tsc.status !== 0) { console.error('type check failed'); process.exit(tsc.status ?? 1); }
}
const files = only.length ? only : findTests('test');
const run = withPrivateTmp((env) => spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], { stdio: 'inherit', env }));
process.exit(run.status ?? 1);
