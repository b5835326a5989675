/**
 * The mini profile's task data: generated from the embedded corpora,
 * deterministic for a seed, written in the publishers' layouts (datasets/README.md) so the
 * evaluation harness and the fine-tuning sources read it exactly like real files.
 * Train rows come from the corpus train documents, held-out rows from the validation + test
 * documents: no task shares a source document between its splits (MANIFEST.json lists them).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashKey, labCacheDir, writeJsonAtomic } from '../runtime/files.ts';
import { loadCorpus, type CorpusDocument, type CorpusSplitConfig } from '../data/corpora.ts';
import { makePool, taskRng, type Pool } from './mini-text.ts';
import { billsumRows, hotpotRows, obqaRows, piqaRows, siqaRows } from './finetune-tasks.ts';
import { hellaswagRows, mmluKinds, mmluRow, mmluSubjects } from './eval-tasks.ts';
import { colaRows, mnliRows, mrpcRows, qnliRows, qqpRows, rteRows, sst2Rows, wnliRows } from './glue-tasks.ts';
import { paragraphed, toCsv, toJsonl, toLines, toTsv, toWikitextRaw } from './file-writers.ts';

/** Bumped whenever generated content changes (part of the output folder's hash). */
export const MINI_DATA_VERSION = 4;

export interface MiniDataConfig {
  /** Seed of every task's draws (the corpus split has its own seed in `corpusSplit`). */
  readonly seed: number;
  /** Rows of each task's train split (fine-tuning sets and GLUE / HellaSwag train files). */
  readonly trainRows: number;
  /** Rows of each task's held-out split (dev / validation / test files), GLUE's apart. */
  readonly evalRows: number;
  /** Rows of each GLUE subtask's held-out file (MNLI: of each of its two dev files). */
  readonly glueEvalRows: number;
  /** MMLU rows per subject and split (dev are the few-shot examples, from train documents). */
  readonly mmluDev: number;
  readonly mmluVal: number;
  readonly mmluTest: number;
  /** Overrides of the corpus split (corpora.ts). */
  readonly corpusSplit: Partial<CorpusSplitConfig>;
}

export const miniDataDefaults: MiniDataConfig = {
  // 500 held-out rows per multiple-choice task (acc's stderr <= 0.022), 200 per GLUE subtask, 9 MMLU
  // questions per subject (513): what the study's 20-minute budget of 8 evaluations affords.
  seed: 0, trainRows: 1000, evalRows: 500, glueEvalRows: 200, mmluDev: 5, mmluVal: 1, mmluTest: 9, corpusSplit: {},
};

/** One written file of a task: its split side, rows, the chance level and the documents it drew from. */
export interface MiniFileInfo {
  readonly task: string;
  readonly file: string;
  readonly side: 'train' | 'heldout';
  readonly rows: number;
  /** Expected accuracy of a uniform random guess (1 / choices; 0 for generative tasks). */
  readonly chance: number;
  /** Accuracy of always answering the most frequent label in this file. */
  readonly majority: number;
  readonly docs: readonly string[];
}

export interface MiniManifest {
  readonly version: number;
  readonly config: MiniDataConfig;
  readonly files: readonly MiniFileInfo[];
}

function validate(c: MiniDataConfig): void {
  if (!Number.isInteger(c.seed)) throw new Error(`mini data config: 'seed' must be an integer, got ${c.seed}`);
  for (const k of ['trainRows', 'evalRows', 'glueEvalRows', 'mmluDev', 'mmluVal', 'mmluTest'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`mini data config: '${k}' must be a positive integer, got ${c[k]}`);
  }
}

function majorityShare(labels: readonly (string | number)[]): number {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(String(l), (counts.get(String(l)) ?? 0) + 1);
  return labels.length ? Math.max(...counts.values()) / labels.length : 0;
}

/**
 * Generates (or returns the cached) mini data folder; `outDir` defaults to
 * labCacheDir()/mini-data/<hash of version + config>/. Returns the folder.
 */
export function generateMiniData(overrides: Partial<MiniDataConfig> & { readonly outDir?: string } = {}): string {
  const { outDir, ...rest } = overrides;
  const config: MiniDataConfig = { ...miniDataDefaults, ...rest };
  validate(config);
  const dir = outDir ?? join(labCacheDir(), 'mini-data', hashKey({ version: MINI_DATA_VERSION, config }));
  if (isComplete(dir, config)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const files: MiniFileInfo[] = [];
  const corpus = {
    train: loadCorpus('train', config.corpusSplit),
    heldout: [...loadCorpus('validation', config.corpusSplit), ...loadCorpus('test', config.corpusSplit)],
  };
  const base = { train: makePool('train', corpus.train), heldout: makePool('heldout', corpus.heldout) };
  const fresh = (side: 'train' | 'heldout'): Pool => ({ ...base[side], used: new Set(), drawn: new Set() });
  const write = (file: string, text: string): void => {
    const p = join(tmp, file);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  };
  const record = (task: string, file: string, pool: Pool, labels: readonly (string | number)[], choices: number): void => {
    // choices 0 = generative (exact-match answer): chance and majority are 0.
    files.push({
      task, file, side: pool.name, rows: labels.length, chance: choices ? 1 / choices : 0,
      majority: choices ? majorityShare(labels) : 0, docs: [...pool.used].sort(),
    });
  };
  const sides = [['train', config.trainRows], ['heldout', config.evalRows]] as const;
  const rng = (task: string, split: string) => taskRng(config.seed, task, split);

  // ---- fine-tuning sets (PIQA and OpenBookQA double as evaluation sets) ----
  for (const [side, n] of sides) {
    const split = side === 'train' ? 'train' : 'dev';
    let pool = fresh(side);
    const siqa = siqaRows(pool, rng('siqa', split), n);
    write(`siqa/${split}.jsonl`, toJsonl(siqa.map((r) => r.row)));
    write(`siqa/${split}-labels.lst`, toLines(siqa.map((r) => r.label)));
    record('siqa', `siqa/${split}.jsonl`, pool, siqa.map((r) => r.label), 3);
    const psplit = side === 'train' ? 'train' : 'valid';
    pool = fresh(side);
    const piqa = piqaRows(pool, rng('piqa', psplit), n);
    write(`piqa/${psplit}.jsonl`, toJsonl(piqa.map((r) => r.row)));
    write(`piqa/${psplit}-labels.lst`, toLines(piqa.map((r) => r.label)));
    record('piqa', `piqa/${psplit}.jsonl`, pool, piqa.map((r) => r.label), 2);
    for (const osplit of side === 'train' ? ['train'] : ['dev', 'test']) {
      pool = fresh(side);
      const obqa = obqaRows(pool, rng('openbookqa', osplit), n, `mini-${osplit}`);
      write(`openbookqa/Main/${osplit}.jsonl`, toJsonl(obqa));
      record('openbookqa', `openbookqa/Main/${osplit}.jsonl`, pool, obqa.map((r) => r.answerKey), 4);
    }
    pool = fresh(side);
    const hotpot = hotpotRows(pool, rng('hotpotqa', split), n);
    const hfile = side === 'train' ? 'hotpotqa/hotpot_train_v1.1.json' : 'hotpotqa/hotpot_dev_distractor_v1.json';
    write(hfile, JSON.stringify(hotpot));
    record('hotpotqa', hfile, pool, hotpot.map(() => 0), 0);
    pool = fresh(side);
    const bill = billsumRows(pool, rng('billsum', split), n);
    const bfile = side === 'train' ? 'billsum/us_train_data_final_OFFICIAL.jsonl' : 'billsum/us_test_data_final_OFFICIAL.jsonl';
    write(bfile, toJsonl(bill));
    record('billsum', bfile, pool, bill.map(() => 0), 0);
  }

  // ---- HellaSwag ----
  for (const [side, n] of sides) {
    const split = side === 'train' ? 'train' : 'val';
    const pool = fresh(side);
    const rows = hellaswagRows(pool, rng('hellaswag', split), n, split, side === 'train' ? 0 : 100000);
    write(`hellaswag/hellaswag_${split}.jsonl`, toJsonl(rows));
    record('hellaswag', `hellaswag/hellaswag_${split}.jsonl`, pool, rows.map((r) => r.label), 4);
  }

  // ---- MMLU: 57 subjects, question kind = subject index mod 5 ----
  for (const [split, side, n] of [['dev', 'train', config.mmluDev], ['val', 'heldout', config.mmluVal], ['test', 'heldout', config.mmluTest]] as const) {
    const pool = fresh(side);
    const keys: string[] = [];
    mmluSubjects.forEach((subject, s) => {
      const r = rng(`mmlu/${subject}`, split);
      const rows = Array.from({ length: n }, () => mmluRow(mmluKinds[s % mmluKinds.length]!, pool, r));
      keys.push(...rows.map((x) => x[5]));
      write(`mmlu/${split}/${subject}_${split}.csv`, toCsv(rows));
    });
    record('mmlu', `mmlu/${split}/*_${split}.csv`, pool, keys, 4);
  }

  // ---- GLUE ----
  const glue = (task: string, file: string, side: 'train' | 'heldout', header: string[] | null, make: (p: Pool) => string[][], labelCol: number, classes: number): void => {
    const pool = fresh(side);
    const rows = make(pool);
    write(`glue/${task}/${file}`, toTsv(header, rows, `glue/${task}/${file}`));
    record(task.toLowerCase(), `glue/${task}/${file}`, pool, rows.map((r) => r[labelCol]!), classes);
  };
  for (const [side, n] of [['train', config.trainRows], ['heldout', config.glueEvalRows]] as const) {
    const file = side === 'train' ? 'train.tsv' : 'dev.tsv';
    const r = (t: string) => rng(`glue/${t}`, file);
    glue('CoLA', file, side, null, (p) => colaRows(p, r('cola'), n), 1, 2);
    glue('SST-2', file, side, ['sentence', 'label'], (p) => sst2Rows(p, r('sst2'), n), 1, 2);
    glue('MRPC', file, side, ['Quality', '#1 ID', '#2 ID', '#1 String', '#2 String'], (p) => mrpcRows(p, r('mrpc'), n, side === 'train' ? 1000000 : 2000000), 0, 2);
    glue('QNLI', file, side, ['index', 'question', 'sentence', 'label'], (p) => qnliRows(p, r('qnli'), n), 3, 2);
    glue('QQP', file, side, ['id', 'qid1', 'qid2', 'question1', 'question2', 'is_duplicate'], (p) => qqpRows(p, r('qqp'), n, side === 'train' ? 0 : 500000), 5, 2);
    glue('RTE', file, side, ['index', 'sentence1', 'sentence2', 'label'], (p) => rteRows(p, r('rte'), n), 3, 2);
    glue('WNLI', file, side, ['index', 'sentence1', 'sentence2', 'label'], (p) => wnliRows(p, r('wnli'), n), 3, 2);
  }
  // MNLI: train and matched dev are State of the Union text; mismatched dev is Moby-Dick.
  const mnliHeader = ['index', 'promptID', 'pairID', 'genre', 'sentence1_binary_parse', 'sentence2_binary_parse',
    'sentence1_parse', 'sentence2_parse', 'sentence1', 'sentence2', 'label1', 'gold_label'];
  for (const [file, side, n, genre, corpusName] of [['train.tsv', 'train', config.trainRows, 'government', 'sotu'],
    ['dev_matched.tsv', 'heldout', config.glueEvalRows, 'government', 'sotu'], ['dev_mismatched.tsv', 'heldout', config.glueEvalRows, 'fiction', 'moby-dick']] as const) {
    glue('MNLI', file, side, mnliHeader, (p) => mnliRows(p, rng('glue/mnli', file), n, genre, (c) => c === corpusName)
      .map((x, i) => [String(i), String(i), `${i}e`, x.genre, `( ${x.s1} )`, `( ${x.s2} )`, `(ROOT ${x.s1})`, `(ROOT ${x.s2})`, x.s1, x.s2, x.label, x.label]), 11, 3);
  }

  // ---- WikiText-style LM text: the corpus splits as documents ----
  const asWiki = (docs: readonly CorpusDocument[]): string => toWikitextRaw(docs.map((d) => ({ title: d.title, text: paragraphed(d.text) })));
  const valid = loadCorpus('validation', config.corpusSplit);
  const test = loadCorpus('test', config.corpusSplit);
  write('wikitext2/wiki.valid.raw', asWiki(valid));
  write('wikitext2/wiki.test.raw', asWiki(test));
  write('wikitext103/wiki.train.raw', asWiki(corpus.train));
  write('wikitext103/wiki.valid.raw', asWiki(valid));
  write('wikitext103/wiki.test.raw', asWiki(test));

  writeJsonAtomic(join(tmp, 'MANIFEST.json'), { version: MINI_DATA_VERSION, config, files } satisfies MiniManifest);
  // Another process may have finished the same folder meanwhile: never delete a complete one.
  if (isComplete(dir, config)) {
    rmSync(tmp, { recursive: true, force: true });
    return dir;
  }
  rmSync(dir, { recursive: true, force: true }); // an incomplete or outdated folder
  mkdirSync(join(dir, '..'), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!isComplete(dir, config)) throw e;
  }
  return dir;
}

/** True when `dir` holds a manifest of this version and config (the manifest is written last). */
function isComplete(dir: string, config: MiniDataConfig): boolean {
  const manifestPath = join(dir, 'MANIFEST.json');
  if (!existsSync(manifestPath)) return false;
  try {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as MiniManifest;
    return m.version === MINI_DATA_VERSION && hashKey(m.config) === hashKey(config);
  } catch {
    return false;
  }
}

/** The manifest of a generated folder. */
export function readMiniManifest(dir: string): MiniManifest {
  return JSON.parse(readFileSync(join(dir, 'MANIFEST.json'), 'utf8')) as MiniManifest;
}
