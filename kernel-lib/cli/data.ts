/**
 * `lab data stats [--profile mini|paper] [--source NAME] [--data-dir DIR] [--no-tokens]`
 *   rows and GPT-2 tokens (formatted prompt + target, or text) per source and split.
 *   mini: the generated mini data folder; paper: --data-dir, else the downloads' view (hub-data).
 * `lab data download NAME... [--max-files N]`  Hub files of sources into the hub cache.
 * `lab data mini [--seed N] [--out DIR]`  generate the mini data and print its folder.
 */
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';
import { dataSources, finetuneSourceNames, getDataSource, type DataSource } from '../data/data-sources.ts';
import { downloadDataset, hubDataDir } from '../data/download-data.ts';
import { generateMiniData } from '../mini/generate-mini-data.ts';
import { formatDefaults } from '../data/formatters.ts';
import { createProgress } from '../runtime/progress.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { choiceArg, didYouMean, helpText, inDirArg, numberArg, outDirArg, parseCommand, UsageError, type CommandSpec } from './args.ts';

export const summary = 'fine-tuning data: stats per source and split, Hub downloads, the mini data';

const sourcesLine = `sources: ${[...dataSources.keys()].join(', ')}`;

const statsSpec = {
  name: 'lab data stats',
  usage: '[--profile mini|paper] [--source NAME,...] [--data-dir DIR] [--no-tokens]',
  description: `Rows and GPT-2 tokens (formatted prompt + target, or text) per source and split.\n${sourcesLine}`,
  flags: {
    profile: { type: 'string', value: 'mini|paper', default: 'mini', help: 'mini: the generated mini data; paper: the downloads\' folder' },
    source: { type: 'string', value: 'NAME,...', help: 'only these sources (default: the fine-tuning sources and wikitext103)' },
    'data-dir': { type: 'string', value: 'DIR', help: 'read this folder instead of the profile\'s' },
    'no-tokens': { type: 'boolean', help: 'count rows only (no tokenizing)' },
  },
} as const satisfies CommandSpec;

const downloadSpec = {
  name: 'lab data download',
  usage: 'NAME... [--max-files N]',
  description: `Hub files of the named sources into the hub cache.\n${sourcesLine}`,
  positionals: { min: 1, max: Infinity, names: ['NAME'] },
  flags: { 'max-files': { type: 'string', value: 'N', help: 'at most N files per source' } },
} as const satisfies CommandSpec;

const miniSpec = {
  name: 'lab data mini',
  usage: '[--seed N] [--out DIR]',
  description: 'Generates the mini data (the mini profile\'s tasks, from the embedded texts) and prints its folder.',
  flags: {
    seed: { type: 'string', value: 'N', default: '0', help: 'seed of the draws' },
    out: { type: 'string', value: 'DIR', help: 'write here instead of the cache folder' },
  },
} as const satisfies CommandSpec;

const SUBCOMMANDS = ['stats', 'download', 'mini'];
const USAGE = `usage: lab data stats|download|mini [options]   (lab data <subcommand> --help for each)\n  ${sourcesLine}`;

interface StatRow { source: string; split: string; rows: string; tokens: string }

async function statsOf(source: DataSource, dataDir: string, split: string, tokenizer: Tokenizer | null): Promise<StatRow> {
  const ctx = { tokenizer: tokenizer ?? undefined, format: formatDefaults };
  let rows = 0;
  let tokens = 0;
  try {
    for await (const row of source.rows(dataDir, split, ctx)) {
      rows++;
      if (tokenizer) {
        const r = source.format(row, ctx);
        tokens += 'text' in r ? tokenizer.encode(r.text).length : tokenizer.encode(r.prompt).length + tokenizer.encode(r.target).length;
      }
    }
  } catch (e) {
    const msg = (e as Error).message;
    if (rows === 0 && /no data file|no folder|no train-/.test(msg)) return { source: source.name, split, rows: '-', tokens: 'missing' };
    throw e;
  }
  return { source: source.name, split, rows: rows.toLocaleString('en-US'), tokens: tokenizer ? tokens.toLocaleString('en-US') : '-' };
}

function printTable(rows: readonly StatRow[]): void {
  const cols = ['source', 'split', 'rows', 'tokens'] as const;
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (vals: readonly string[]): string => vals.map((v, i) => (i < 2 ? v.padEnd(width[i]!) : v.padStart(width[i]!))).join('  ');
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}

function sourceNames(v: string): string[] {
  const names = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const n of names) if (!dataSources.has(n)) throw new UsageError(`--source: unknown source '${n}'${didYouMean(n, dataSources.keys())}; ${sourcesLine}`);
  return names;
}

async function stats(argv: string[]): Promise<number> {
  const parsed = parseCommand(statsSpec, argv);
  if (!parsed) { console.log(helpText(statsSpec)); return 0; }
  const { values } = parsed;
  const profile = choiceArg(values.profile, 'profile', ['mini', 'paper'] as const)!;
  const names = values.source ? sourceNames(values.source) : [...finetuneSourceNames, 'wikitext103'];
  const dataDir = values['data-dir'] ? inDirArg(values['data-dir'], 'data-dir') : profile === 'mini' ? generateMiniData() : hubDataDir();
  const tokenizer = values['no-tokens'] ? null : loadTokenizer('gpt2');
  const origin = values['data-dir'] ? '--data-dir' : `profile ${profile}`;
  console.log(`data: ${dataDir} (${origin})`);
  const rows: StatRow[] = [];
  const sources = names.map((n) => getDataSource(n));
  const progress = createProgress({ label: 'data stats', total: sources.reduce((a, s) => a + s.splits.length, 0), unit: 'split', intervalMs: 2000 });
  const t0 = Date.now();
  for (const source of sources) {
    for (const split of source.splits) {
      rows.push(await statsOf(source, dataDir, split, tokenizer));
      progress.tick(1, `${source.name}/${split}`);
    }
  }
  if (Date.now() - t0 > 2000) progress.done();
  printTable(rows);
  return 0;
}

async function download(argv: string[]): Promise<number> {
  const parsed = parseCommand(downloadSpec, argv);
  if (!parsed) { console.log(helpText(downloadSpec)); return 0; }
  const { values, positionals } = parsed;
  const maxFiles = numberArg(values['max-files'], 'max-files', { integer: true, min: 1 });
  for (const name of positionals) if (!dataSources.has(name)) throw new UsageError(`unknown source '${name}'${didYouMean(name, dataSources.keys())}; ${sourcesLine}`);
  for (const name of positionals) {
    const dir = await downloadDataset(name, { maxFiles });
    console.log(`${name}: ${dir}`);
  }
  return 0;
}

async function mini(argv: string[]): Promise<number> {
  const parsed = parseCommand(miniSpec, argv);
  if (!parsed) { console.log(helpText(miniSpec)); return 0; }
  const { values } = parsed;
  const seed = numberArg(values.seed, 'seed', { integer: true })!;
  const outDir = values.out ? outDirArg(values.out, 'out') : undefined;
  console.error('[data mini] generating the mini data from the embedded texts (a few seconds; reused when already there)');
  console.log(generateMiniData({ seed, ...(outDir ? { outDir } : {}) }));
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'stats') return stats(rest);
  if (sub === 'download') return download(rest);
  if (sub === 'mini') return mini(rest);
  if (sub === '--help' || sub === '-h') { console.log([statsSpec, downloadSpec, miniSpec].map((x) => helpText(x)).join('\n\n')); return 0; }
  console.error(`lab data: ${sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'${didYouMean(sub, SUBCOMMANDS)}`}\n${USAGE}`);
  return 2;
}
