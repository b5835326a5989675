#!/usr/bin/env node
// The CLI in this process: registers tsx's ESM loader (no build step) and runs kernel-lib/cli.ts.
// `bin/lab.js` runs this file as its child; running it directly works too (Ctrl-C then ends the
// process without the "interrupted" line).
import { register } from 'tsx/esm/api';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

register();
const here = dirname(fileURLToPath(import.meta.url));
if (process.channel) {
  process.channel.unref();                                  // the channel to bin/lab.js must not keep this process alive
  process.on('disconnect', () => process.exit(130));        // bin/lab.js is gone: stop too
}
await import(pathToFileURL(join(here, '..', 'kernel-lib', 'cli.ts')).href);
