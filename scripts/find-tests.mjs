// Every *.test.ts file under a folder, in name order (the test commands' file list).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
