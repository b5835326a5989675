import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learningRate, scheduleFactor } from '../../kernel-lib/train/schedules.ts';

// W = 10 warmup updates, S = 110 updates, peak lr 2e-3. Closed forms (transformers
// optimization.py, get_*_schedule_with_warmup), worked by hand:
//   warmup s/W: s=0 -> 0, s=5 -> 0.5
//   linear (S-s)/(S-W): s=10 -> 1, s=60 -> 50/100 = 0.5, s=85 -> 0.25, s=110 -> 0
//   cosine 0.5(1+cos(pi (s-W)/(S-W))): s=35 -> 0.5(1+cos(pi/4)) = 0.8535533905932737,
//          s=60 -> 0.5, s=85 -> 0.5(1-cos(pi/4)) = 0.14644660940672627, s=110 -> 0
const base = { lr: 2e-3, warmupSteps: 10, steps: 110 };
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-15, `${a} vs ${b}`);

test('warmup is linear from 0 for every schedule', () => {
  for (const schedule of ['constant', 'linear', 'cosine'] as const) {
    close(scheduleFactor({ ...base, schedule }, 0), 0);
    close(scheduleFactor({ ...base, schedule }, 5), 0.5);
    close(learningRate({ ...base, schedule }, 5), 1e-3);
  }
});

test('constant, linear and cosine match their closed forms', () => {
  for (const s of [10, 60, 109]) close(scheduleFactor({ ...base, schedule: 'constant' }, s), 1);
  const lin = { ...base, schedule: 'linear' as const };
  close(scheduleFactor(lin, 10), 1); close(scheduleFactor(lin, 60), 0.5); close(scheduleFactor(lin, 85), 0.25); close(scheduleFactor(lin, 110), 0);
  const cos = { ...base, schedule: 'cosine' as const };
  close(scheduleFactor(cos, 10), 1); close(scheduleFactor(cos, 35), 0.8535533905932737);
  close(scheduleFactor(cos, 60), 0.5); close(scheduleFactor(cos, 85), 0.14644660940672627);
  close(scheduleFactor(cos, 110), 0);
  close(learningRate(cos, 60), 1e-3);
});

test('minLrRatio floors the decay: r + (1 - r) f', () => {
  close(scheduleFactor({ ...base, schedule: 'cosine', minLrRatio: 0.1 }, 60), 0.55);
  close(scheduleFactor({ ...base, schedule: 'cosine', minLrRatio: 0.1 }, 110), 0.1);
  close(scheduleFactor({ ...base, schedule: 'linear', minLrRatio: 0.2 }, 85), 0.4);
  close(scheduleFactor({ ...base, schedule: 'linear', minLrRatio: 0.2 }, 5), 0.5); // warmup unaffected
});

test('no warmup: the first update uses the peak rate', () => {
  close(scheduleFactor({ lr: 1, warmupSteps: 0, steps: 4, schedule: 'cosine' }, 0), 1);
  close(scheduleFactor({ lr: 1, warmupSteps: 0, steps: 4, schedule: 'linear' }, 1), 0.75);
});
