import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';

const prefix = mkdtempSync(join(tmpdir(), 'lab-kernelspec-'));
after(() => rmSync(prefix, { recursive: true, force: true }));
const script = join(projectRoot, 'scripts', 'kernel-install.sh');

test('kernel-install writes a tslab kernelspec pointing at the project tslab', () => {
  const r = spawnSync('bash', [script, '--prefix', prefix, '--no-build'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(readFileSync(join(prefix, 'kernels', 'tslab', 'kernel.json'), 'utf8'));
  assert.deepEqual(spec.argv, [join(projectRoot, 'node_modules', '.bin', 'tslab'), 'kernel', '--config-path', '{connection_file}']);
  accessSync(spec.argv[0], constants.X_OK);
  assert.equal(spec.language, 'typescript');
  const p = spawnSync('bash', [script, '--prefix', prefix, '--portable', '--no-build'], { encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(prefix, 'kernels', 'tslab', 'kernel.json'), 'utf8')).argv.slice(0, 3), ['npx', '--no-install', 'tslab']);
  assert.equal(spawnSync('bash', [script, '--bogus'], { encoding: 'utf8' }).status, 2);
});
