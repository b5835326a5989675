/**
 * `lab <command> ...`: the library's steps from a terminal. Each command lives in
 * `cli/<command>.ts` and exports `run(argv: string[]): Promise<number>`, a one-line `summary` and
 * (for flag-name translation of library errors) its `spec`; adding a command is one file plus one
 * line in COMMANDS. Exit codes: 0 done, 1 failed, 2 command-line mistake, 130 interrupted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './runtime/files.ts';
import { didYouMean, flagNamesIn, UsageError, type CommandSpec } from './cli/args.ts';

interface Command { readonly summary: string; readonly spec?: CommandSpec; run(argv: string[]): Promise<number> }

const COMMANDS: Record<string, () => Promise<Command>> = {
  info: () => import('./cli/info.ts'),
  reproduce: () => import('./cli/reproduce.ts'),
  tokenize: () => import('./cli/tokenize.ts'),
  score: () => import('./cli/score.ts'),
  generate: () => import('./cli/generate.ts'),
  notebooks: () => import('./cli/notebooks.ts'),
  prune: () => import('./cli/prune.ts'),
  eval: () => import('./cli/eval.ts'),
  data: () => import('./cli/data.ts'),
  finetune: () => import('./cli/finetune.ts'),
  export: () => import('./cli/export.ts'),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version} (node ${process.versions.node})`;
}

async function usage(): Promise<string> {
  const names = Object.keys(COMMANDS).sort();
  const summaries = await Promise.all(names.map(async (c) => (await COMMANDS[c]!()).summary));
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((c, i) => `  ${c.padEnd(width)}  ${summaries[i]}`);
  return ['usage: lab <command> [options]', '', 'commands:', ...lines, '',
    'MODEL is a model folder (Hugging Face layout), a GGUF file (llama.cpp\'s format; or a folder holding one), a hub id (gpt2, allenai/OLMo-1B-hf), or a mini id (mini-bpe, mini-olmo-bpe: the study\'s; mini, mini-olmo: the first, GPT-2-vocabulary ones).',
    '`lab <command> --help` lists its options; `lab --version` prints the version.'].join('\n');
}

/** An error from the file system, reworded to name the path and what was wrong with it. */
function fsMessage(e: NodeJS.ErrnoException): string | null {
  const p = e.path ?? '';
  if (e.code === 'ENOTDIR') return `${p}: a part of this path is a file, not a folder`;
  if (e.code === 'EISDIR') return `${p}: is a folder; expected a file`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `${p}: permission denied`;
  if (e.code === 'ENOSPC') return `${p}: no space left on the device`;
  if (e.code === 'ENOENT' && p) return `${p}: no such file or folder`;
  return null;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') { console.log(version()); return 0; }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] && COMMANDS[rest[0]]) return (await COMMANDS[rest[0]]!()).run(['--help']);
    (name ? console.log : console.error)(await usage());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`lab: unknown command '${name}'${didYouMean(name, Object.keys(COMMANDS))}\n\n${await usage()}`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(rest);
  } catch (e) {
    const prefix = `lab ${name}`;
    if (e instanceof UsageError) { console.error(`${prefix}: ${e.message}`); return 2; }
    const err = e as NodeJS.ErrnoException;
    let msg = (err instanceof Error ? fsMessage(err) : null) ?? (err instanceof Error ? err.message : String(e));
    // a library config error about a value the user gave names its flag, and is a usage error
    const named = command.spec ? flagNamesIn(msg, command.spec) : msg;
    console.error(`${prefix}: ${named}`);
    return named !== msg ? 2 : 1;
  }
}

// `lab info mini | head`: a closed pipe ends the command quietly, as other command-line tools do
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { console.error(`lab: ${e instanceof Error ? e.message : String(e)}`); process.exitCode = 1; },
);
