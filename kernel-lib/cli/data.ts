/**
 * `lab data stats [--profile mini|paper] [--source NAME] [--data-dir DIR] [--no-tokens]`
 *   rows and GPT-2 tokens (formatted prompt + target, or text) per source and split.
 *   mini: the generated mini data folder; paper: --data-dir, else the downloads' view (hub-data).
 * `lab data download NAME... [--max-files N]`  Hub files of sources into the hub cache.
 * `lab data mini [--seed N] [--out DIR]`  generate the mini data and print its folder.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';
import { dataSources, finetuneSourceNames, getDataSource, type DataSource } from '../data/data-sources.ts';
import { downloadDataset, hubDataDir } from '../data/download-data.ts';
import { generateMiniData } from '../mini/generate-mini-data.ts';
import { formatDefaults } from '../data/formatters.ts';
import type { Tokenizer } from '../tokenizer/types.ts';

export const summary = 'fine-tuning data: stats per source and split, Hub downloads, the mini data';

const USAGE = 'usage: lab data stats [--profile mini|paper] [--source NAME] [--data-dir DIR] [--no-tokens]\n'
  + '       lab data download NAME... [--max-files N]\n'
  + '       lab data mini [--seed N] [--out DIR]\n'
  + `  sources: ${[...dataSources.keys()].join(', ')}`;

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

async function stats(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: {
    profile: { type: 'string', default: 'mini' }, source: { type: 'string' }, 'data-dir': { type: 'string' },
    'no-tokens': { type: 'boolean', default: false },
  } });
  if (values.profile !== 'mini' && values.profile !== 'paper') throw new Error(`--profile: expected mini or paper, got '${values.profile}'`);
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : values.profile === 'mini' ? generateMiniData() : hubDataDir();
  const names = values.source ? values.source.split(',') : [...finetuneSourceNames, 'wikitext103'];
  const tokenizer = values['no-tokens'] ? null : loadTokenizer('gpt2');
  const origin = values['data-dir'] ? '--data-dir' : `profile ${values.profile}`;
  console.log(`data: ${dataDir} (${origin})`);
  const rows: StatRow[] = [];
  for (const name of names) {
    const source = getDataSource(name);
    for (const split of source.splits) rows.push(await statsOf(source, dataDir, split, tokenizer));
  }
  printTable(rows);
  return 0;
}

async function download(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'max-files': { type: 'string' } } });
  if (!positionals.length) { console.error(USAGE); return 2; }
  const maxFiles = values['max-files'] === undefined ? undefined : Number(values['max-files']);
  if (maxFiles !== undefined && !(Number.isInteger(maxFiles) && maxFiles > 0)) throw new Error(`--max-files: expected a positive integer, got '${values['max-files']}'`);
  for (const name of positionals) {
    const dir = await downloadDataset(name, { maxFiles });
    console.log(`${name}: ${dir}`);
  }
  return 0;
}

async function mini(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { seed: { type: 'string', default: '0' }, out: { type: 'string' } } });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got '${values.seed}'`);
  console.log(generateMiniData({ seed, ...(values.out ? { outDir: resolve(values.out) } : {}) }));
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'stats') return stats(rest);
  if (sub === 'download') return download(rest);
  if (sub === 'mini') return mini(rest);
  console.error(USAGE);
  return sub === '--help' || sub === '-h' ? 0 : 2;
}
