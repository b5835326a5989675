import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inPhase, inStep, resetWallProfile, wallProfile, STUDY } from '../../kernel-lib/runtime/wall-profile.ts';

/** Busy-waits `ms` milliseconds of wall time. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* wait */ }
}

const at = (step: string, phase: string) => wallProfile().find((r) => r.step === step && r.phase === phase);

test('wallProfile: exclusive times per (step, phase) that add up to the wall time', async () => {
  const t0 = performance.now();
  resetWallProfile();
  spin(5);                                                   // study, other
  await inStep('evaluate-1', async () => {
    spin(10);                                                // evaluate-1, other
    inPhase('forward', () => {
      spin(10);                                              // forward itself
      inPhase('session build', () => spin(20));              // taken out of forward
    });
    await inPhase('load', async () => { await new Promise((r) => setTimeout(r, 15)); });
    inPhase('forward', () => spin(5));
  });
  inPhase('tables', () => spin(5));                          // outside a step: the study's
  const rows = wallProfile();
  const wall = performance.now() - t0;
  const total = rows.reduce((s, r) => s + r.seconds * 1000, 0);
  assert.ok(Math.abs(total - wall) < 2, `rows add up to ${total} ms, wall ${wall} ms`);
  assert.ok(at('evaluate-1', 'session build')!.seconds >= 0.020);
  assert.ok(at('evaluate-1', 'forward')!.seconds >= 0.015);
  assert.equal(at('evaluate-1', 'forward')!.calls, 2);
  assert.ok(at('evaluate-1', 'load')!.seconds >= 0.014);
  assert.ok(at('evaluate-1', 'other')!.seconds >= 0.010);
  assert.ok(at(STUDY, 'tables')!.seconds >= 0.005);
  assert.ok(at(STUDY, 'other')!.seconds >= 0.005);
  // no session-build time leaked into forward: forward alone is ~15 ms, well under 35
  const f = at('evaluate-1', 'forward')!.seconds;
  assert.ok(f < at('evaluate-1', 'session build')!.seconds + 0.015, `forward ${f} s includes the nested phase`);
});

test('wallProfile: a phase that throws (sync or async) is closed and the error passes through', async () => {
  resetWallProfile();
  assert.throws(() => inPhase('load', () => { throw new Error('bad file'); }), /bad file/);
  await assert.rejects(inStep('s', async () => { await Promise.resolve(); throw new Error('async bad'); }), /async bad/);
  inPhase('tables', () => spin(2));
  assert.equal(at(STUDY, 'tables')!.calls, 1, 'after the errors, phases run in the study again');
  assert.equal(at('s', 'other')!.calls, 1);
});
