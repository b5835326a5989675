#!/usr/bin/env node
// `lab` entry. Runs the CLI (bin/lab-main.js) as a child in its own process group and forwards
// Ctrl-C / SIGTERM to it once, so a command that computes without yielding (an evaluation batch)
// can still be interrupted with a word: when the child dies of the signal, this prints the note
// the command registered (e.g. "the next run resumes from the request cache") and exits 130.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeFlags = process.execArgv.filter((a) => !a.startsWith('--inspect'));   // e.g. --max-old-space-size reaches the CLI
const child = spawn(process.execPath, [...nodeFlags, join(here, 'lab-main.js'), ...process.argv.slice(2)], {
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  detached: true,                 // the terminal's Ctrl-C reaches this process only; it is forwarded once below
});
let note = null;
let signalled = null;
child.on('message', (m) => { if (m && typeof m === 'object' && typeof m.interruptNote === 'string') note = m.interruptNote; });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { signalled = sig; try { child.kill(sig); } catch { /* already gone */ } });
}
child.on('exit', (code, signal) => {
  if (signal || (signalled && code === 130)) {
    if (signal) process.stderr.write(`\nlab: interrupted (${signal})${note ? `; ${note}` : ''}\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  }
  process.exit(code ?? 1);
});
