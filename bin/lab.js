#!/usr/bin/env node
// `lab` entry: runs the TypeScript CLI through tsx's ESM API (no build step).
import { register } from 'tsx/esm/api';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

register();
const here = dirname(fileURLToPath(import.meta.url));
await import(pathToFileURL(join(here, '..', 'kernel-lib', 'cli.ts')).href);
