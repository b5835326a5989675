/**
 * Every registered task reads its real format and builds the prompts and choices the spec
 * defines, byte for byte. Real files come from LAB_REAL_DATA; OBQA, SST-2, QQP, QNLI and MNLI
 * (not in the real-data folder (LAB_REAL_DATA)) are written here in their published formats. Expected HellaSwag and
 * WikiText values were computed independently with Python from the spec's rules:
 *   hellaswag: preprocess(t) = re.sub("\\[.*?\\]", "", t.strip().replace(" [title]", ". ")).replace("  ", " ")
 *              query = preprocess(activity_label + ": " + ctx_a + " " + ctx_b.capitalize())
 *   wikitext:  wikitext_detokenizer as in lm_eval/tasks/wikitext/preprocess_wikitext.py, pages
 *              split as EleutherAI/wikitext_document_level; sha256 over detok(page) + b"\0" per page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { getTask, listTasks, type MultipleChoiceTask, type RollingTask } from '../../kernel-lib/index.ts';
import { expandTasks } from '../../kernel-lib/eval/tasks/index.ts';
import { buildRequests } from '../../kernel-lib/eval/build-requests.ts';
import { wikitextDetokenize, wikitextWordCount } from '../../kernel-lib/eval/tasks/wikitext.ts';
import { MMLU_SUBJECTS } from '../../kernel-lib/eval/tasks/mmlu-subjects.ts';

const REAL = process.env.LAB_REAL_DATA;
const skip = REAL ? false : 'LAB_REAL_DATA unset: needs the real benchmark files';

async function first(name: string, dir: string, n = 1): Promise<{ ctx: string; conts: string[]; gold: number }[]> {
  const task = getTask(name) as MultipleChoiceTask<unknown>;
  const docs = (await task.data.load(dir)).slice(0, n);
  const reqs = buildRequests(task, docs);
  return docs.map((d, i) => ({
    ctx: reqs.find((r) => r.docId === i)!.context,
    conts: reqs.filter((r) => r.docId === i).map((r) => r.continuation),
    gold: task.docToTarget(d),
  }));
}

test('registry: 57 mmlu subjects in 4 groups, 9 glue tasks, tags expand', () => {
  const all = listTasks();
  assert.equal(all.filter((n) => n.startsWith('mmlu_') && !n.startsWith('mmlu_continuation') && !['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities'].includes(n)).length, 57);
  const cont = expandTasks(['mmlu_continuation']);
  assert.equal(cont.tasks.length, 57);
  assert.deepEqual(cont.groups.map((g) => g.name), ['mmlu_continuation', 'mmlu_continuation_stem', 'mmlu_continuation_other', 'mmlu_continuation_social_sciences', 'mmlu_continuation_humanities']);
  const { tasks, groups } = expandTasks(['mmlu']);
  assert.equal(tasks.length, 57);
  assert.deepEqual(groups.map((g) => g.name), ['mmlu', 'mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities']);
  assert.equal(Object.values(MMLU_SUBJECTS).reduce((s, c) => s + Object.values(c).reduce((a, b) => a + b, 0), 0), 14042);
  assert.deepEqual(expandTasks(['glue']).tasks.map((t) => t.name), ['cola', 'mnli', 'mnli_mismatch', 'mrpc', 'qnli', 'qqp', 'rte', 'sst2', 'wnli']);
  assert.throws(() => getTask('nope'), /unknown task 'nope'/);
});

test('piqa: real row 0', { skip }, async () => {
  const [d] = await first('piqa', REAL!);
  assert.equal(d!.ctx, "Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:");
  assert.deepEqual(d!.conts, [
    ' Provide the guinea pig with a cage full of a few inches of bedding made of ripped paper strips, you will also need to supply it with a water bottle and a food dish.',
    ' Provide the guinea pig with a cage full of a few inches of bedding made of ripped jeans material, you will also need to supply it with a water bottle and a food dish.']);
  assert.equal(d!.gold, 0);
});

test('hellaswag: real rows 0 and 3 with preprocessing (capitalize, [title], tags, double spaces)', { skip }, async () => {
  const docs = await first('hellaswag', REAL!, 4);
  assert.equal(docs[0]!.ctx, 'Pole vault: Pole vault is a sport where you run with a pole and stop and swing your body. A few women');
  assert.deepEqual(docs[0]!.conts, [' go down a rock and stop.', ' watch from around a pole vault.', ' are in the wading pool.', ' are in the gym practicing to do this pole vault, trying to do their best.']);
  assert.equal(docs[0]!.gold, 3);
  assert.equal(docs[3]!.ctx, "Sports and Fitness: How to bowl the leg spinner's variations. To bowl a googly, you grip the ball the same as you would for a leg break but hold it so your palm faces away from you. As you bowl, you bring your elbow close to your head and cock your wrist so that back of your hand faces the batsman. You spin the ball by rotating the fingers.");
  assert.deepEqual(docs[3]!.conts, [
    "  If you're outside, the batsman only looks at the batsman as they dribble.. If you're inside, the batsman lets you line up the batsman with you.",
    ' Bring your wrist back towards your head so that the ball is back in front of your body and your fist will be holding the ball. A barbell is not needed for this style of bowl.',
    ' If done properly, the ball should turn from off to leg for right handers. If the batsman comes out of his crease and misses the googly, he can be stumped.',
    '  Only let the ball hit your side as you come out of the ball, not your core. Remember to rotate your wrist so your hand reaches over your head, not away from it.']);
  assert.equal(docs[3]!.gold, 2);
});

test('mmlu: description line, stripped question, raw choices, letters', { skip }, async () => {
  const [d] = await first('mmlu_abstract_algebra', REAL!);
  assert.equal(d!.ctx, 'The following are multiple choice questions (with answers) about abstract algebra.\n\n'
    + 'Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:');
  assert.deepEqual(d!.conts, [' A', ' B', ' C', ' D']);
  assert.equal(d!.gold, 1);
  const [h] = await first('mmlu_high_school_us_history', REAL!);
  assert.ok(h!.ctx.startsWith('The following are multiple choice questions (with answers) about high school us history.\n\n'));
});

test('mmlu_continuation: "Question: ...\\nAnswer:" and the options\' own texts as continuations (lm-eval continuation variant)', { skip }, async () => {
  const [d] = await first('mmlu_continuation_abstract_algebra', REAL!);
  assert.equal(d!.ctx, 'The following are questions (with answers) about abstract algebra.\n\n'
    + 'Question: Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nAnswer:');
  assert.deepEqual(d!.conts, [' 0', ' 4', ' 2', ' 6']);
  assert.equal(d!.gold, 1);
});

test('glue: real CoLA, MRPC, RTE, WNLI rows', { skip }, async () => {
  const [cola] = await first('cola', REAL!);
  assert.equal(cola!.ctx, 'The sailors rode the breeze clear of the rocks.\nQuestion: Does this sentence make sense?\nAnswer:');
  assert.deepEqual(cola!.conts, [' no', ' yes']);
  assert.equal(cola!.gold, 1);
  const [mrpc] = await first('mrpc', REAL!);
  assert.equal(mrpc!.ctx, "Sentence 1: He said the foodservice pie business doesn't fit the company's long-term growth strategy.\n"
    + 'Sentence 2: "The foodservice pie business does not fit our long-term growth strategy.\nQuestion: Do both sentences mean the same thing?\nAnswer:');
  assert.equal(mrpc!.gold, 1);
  const [rte] = await first('rte', REAL!);
  assert.equal(rte!.ctx, 'Dana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at age 44, according to the Christopher Reeve Foundation.\nQuestion: Christopher Reeve had an accident. True or False?\nAnswer:');
  assert.deepEqual(rte!.conts, [' True', ' False']);
  assert.equal(rte!.gold, 1);
  // WNLI: the real-data folder (LAB_REAL_DATA) holds WNLI train rows in the GLUE dev layout under another name (see its SOURCES.md)
  const dir = mkdtempSync(join(tmpdir(), 'wnli-'));
  mkdirSync(join(dir, 'glue/WNLI'), { recursive: true });
  const { readFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'glue/WNLI/dev.tsv'), readFileSync(join(REAL!, 'glue/WNLI/dev_resplit_AttAttr-Cutoff.tsv')));
  const [wnli] = await first('wnli', dir);
  assert.equal(wnli!.ctx, 'Jackson was greatly influenced by Arnold, though he lived two centuries earlier.\nQuestion: Arnold lived two centuries earlier. True or False?\nAnswer:');
  assert.deepEqual(wnli!.conts, [' False', ' True']);
  assert.equal(wnli!.gold, 1);
});

test('openbookqa, sst2, qqp, qnli, mnli from files in their published formats', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasks-'));
  const put = (p: string, text: string): void => { mkdirSync(join(dir, p, '..'), { recursive: true }); writeFileSync(join(dir, p), text); };
  put('openbookqa/Main/test.jsonl', JSON.stringify({ id: '8-343', question: { stem: 'The sun is responsible for', choices: [
    { text: 'puppies learning new tricks', label: 'A' }, { text: 'children growing up and getting old', label: 'B' },
    { text: 'flowers wilting in a vase', label: 'C' }, { text: 'plants sprouting, blooming and wilting', label: 'D' }] }, answerKey: 'D' }) + '\n');
  put('glue/SST-2/dev.tsv', "sentence\tlabel\nit 's a charming and often affecting journey . \t1\n");
  put('glue/QQP/dev.tsv', 'id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n201359\t303345\t303346\tWhy are African-Americans so beautiful?\tWhy are hispanics so beautiful?\t0\n');
  put('glue/QNLI/dev.tsv', 'index\tquestion\tsentence\tlabel\n0\tWhat came into force after the new constitution was herald?\tAs of that day, the new constitution heralding the Second Republic came into force.\tentailment\n');
  const mnliHead = 'index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n';
  put('glue/MNLI/dev_matched.tsv', mnliHead + '0\t63735\t63735n\tslate\t(\t(\t(\t(\tThe new rights are nice enough\t Everyone really likes the newest benefits \tneutral\tneutral\n');
  put('glue/MNLI/dev_mismatched.tsv', mnliHead + '0\t75290\t75290c\tletters\t(\t(\t(\t(\tYour contribution helped make it possible.\tYour contributions were of no help.\tcontradiction\tcontradiction\n');
  const [obqa] = await first('openbookqa', dir);
  assert.equal(obqa!.ctx, 'The sun is responsible for');
  assert.deepEqual(obqa!.conts, [' puppies learning new tricks', ' children growing up and getting old', ' flowers wilting in a vase', ' plants sprouting, blooming and wilting']);
  assert.equal(obqa!.gold, 3);
  const [sst] = await first('sst2', dir);
  assert.equal(sst!.ctx, "it 's a charming and often affecting journey . \nQuestion: Is this sentence positive or negative?\nAnswer:");
  assert.deepEqual([sst!.conts, sst!.gold], [[' negative', ' positive'], 1]);
  const [qqp] = await first('qqp', dir);
  assert.equal(qqp!.ctx, 'Question 1: Why are African-Americans so beautiful?\nQuestion 2: Why are hispanics so beautiful?\nQuestion: Do both questions ask the same thing?\nAnswer:');
  assert.deepEqual([qqp!.conts, qqp!.gold], [[' no', ' yes'], 0]);
  const [qnli] = await first('qnli', dir);
  assert.equal(qnli!.ctx, 'What came into force after the new constitution was herald?\nAs of that day, the new constitution heralding the Second Republic came into force.\nQuestion: Does this response answer the question?\nAnswer:');
  assert.deepEqual([qnli!.conts, qnli!.gold], [[' yes', ' no'], 0]);
  const [mnli] = await first('mnli', dir);
  assert.equal(mnli!.ctx, 'The new rights are nice enough\nQuestion: Everyone really likes the newest benefits. True, False or Neither?\nAnswer:');
  assert.deepEqual([mnli!.conts, mnli!.gold], [[' True', ' Neither', ' False'], 1]);
  const [mm] = await first('mnli_mismatch', dir);
  assert.equal(mm!.ctx, 'Your contribution helped make it possible.\nQuestion: Your contributions were of no help. True, False or Neither?\nAnswer:');
  assert.equal(mm!.gold, 2);
});

test('wikitext: detokenizer rules and Python word split on hand cases', () => {
  assert.equal(wikitextDetokenize(' He said " hello world " ( see [ 1 ] ) , and 3 @.@ 5 km \n It \'s N \'s  '),
    ' He said "hello world" (see [1]), and 3.5 km\nIt\'s N\'s  ');
  assert.equal(wikitextWordCount(' a  b\nc '), 5);        // re.split(r"\s+", " a  b\nc ") = ['', 'a', 'b', 'c', '']
  assert.equal(wikitextWordCount('a\u0085b'), 2);           // \x85 is whitespace in Python, not in JS \s
  assert.equal(wikitextWordCount('a\ufeffb'), 1);           // U+FEFF is JS \s but not Python whitespace
});

test('wikitext: real test split, 62 pages, detokenized text and counts as Python computes them', { skip }, async () => {
  const task = getTask('wikitext') as RollingTask<{ page: string }>;
  const docs = await task.data.load(REAL!);
  assert.equal(docs.length, 62);
  const h = createHash('sha256');
  for (const d of docs) { h.update(task.docToTarget(d)); h.update(new Uint8Array([0])); }
  assert.equal(h.digest('hex'), '995b018c1ad5f9fadbb152fdea282f9fe927993927cd257930da850e8081c36d');
  let words = 0, bytes = 0;
  for (const d of docs) { const r = task.processResults(d, -1); words += r.word_perplexity[1]; bytes += r.bits_per_byte[1]; }
  assert.deepEqual([words, bytes], [241335, 1287595]);
  const reqs = buildRequests(task, docs.slice(0, 1));
  assert.equal(reqs[0]!.context, '');
  assert.ok(reqs[0]!.continuation.startsWith(' = Robert Boulter =\nRobert Boulter is an English film, television and theatre actor. He had a guest-starring role'));
});
