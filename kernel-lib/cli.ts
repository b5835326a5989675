/**
 * `lab <command> ...`: the library's steps from a terminal. Each command lives in
 * `cli/<command>.ts` and exports `run(argv: string[]): Promise<number>` plus a one-line `summary`;
 * adding a command is one file plus one line in COMMANDS.
 */
interface Command { readonly summary: string; run(argv: string[]): Promise<number> }

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

function usage(): string {
  const lines = Object.keys(COMMANDS).sort().map((c) => `  lab ${c}`);
  return `usage: lab <command> [options]\ncommands:\n${lines.join('\n')}\n(lab <command> --help for its options)`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') { console.log(usage()); return name ? 0 : 2; }
  const load = COMMANDS[name];
  if (!load) { console.error(`lab: unknown command '${name}'\n${usage()}`); return 2; }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => { console.error(`lab: ${e instanceof Error ? e.message : String(e)}`); process.exitCode = 1; },
);
