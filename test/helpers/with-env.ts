/** Runs `body` with the environment variable `name` set to `value` (undefined: unset) through setEnv, then restores it. */
import { setEnv } from '../../kernel-lib/runtime/settings.ts';

export function withEnv(name: string, value: string | undefined, body: () => void): void {
  const before = process.env[name];
  try {
    if (value === undefined) delete process.env[name]; else setEnv(name, value);
    body();
  } finally {
    if (before === undefined) delete process.env[name]; else process.env[name] = before;
  }
}
