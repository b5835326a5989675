import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBillsum, formatHotpotQa, formatOpenBookQa, formatPiqa, formatSiqa } from '../../kernel-lib/data/formatters.ts';
import { fakeTokenizer } from './fake-tokenizer.ts';

const tok = fakeTokenizer(); // one token per character: budgets are character counts

test('formatters: multiple choice as question + lettered options -> answer text', () => {
  assert.deepEqual(formatSiqa({ context: 'C.', question: 'Q?', answerA: 'a', answerB: 'b', answerC: 'c', label: 3 }),
    { prompt: 'C.\nQuestion: Q?\nA. a\nB. b\nC. c\nAnswer:', target: ' c' });
  assert.deepEqual(formatPiqa({ goal: 'G', sol1: 's1', sol2: 's2', label: 0 }), { prompt: 'Goal: G\nA. s1\nB. s2\nAnswer:', target: ' s1' });
  const obqa = { id: 'x', question_stem: 'S', choices: { text: ['w', 'x', 'y', 'z'], label: ['A', 'B', 'C', 'D'] }, answerKey: 'C' };
  assert.deepEqual(formatOpenBookQa(obqa), { prompt: 'Question: S\nA. w\nB. x\nC. y\nD. z\nAnswer:', target: ' y' });
  assert.throws(() => formatOpenBookQa({ ...obqa, answerKey: 'E' }), /openbookqa row x: answerKey 'E'/);
});

test('formatters: HotpotQA puts supporting paragraphs first and stops at the token budget', () => {
  const row = {
    id: 'i', question: 'Q?', answer: 'Ans', type: 'bridge', level: 'easy', supportingFacts: [['S', 0]] as [string, number][],
    context: [['D1', ['d1 one.', ' d1 two.']], ['S', ['s one.']], ['D2', ['d2.']]] as [string, string[]][],
  };
  // paragraphs: "S: s one." (9 chars + 1), "D1: d1 one. d1 two." (19 + 1), "D2: d2." (7 + 1)
  assert.deepEqual(formatHotpotQa(row, tok, { hotpotContextTokens: 100, billTextTokens: 0 }),
    { prompt: 'S: s one.\n\nD1: d1 one. d1 two.\n\nD2: d2.\n\nQuestion: Q?\nAnswer:', target: ' Ans' });
  assert.equal(formatHotpotQa(row, tok, { hotpotContextTokens: 30, billTextTokens: 0 }).prompt, 'S: s one.\n\nD1: d1 one. d1 two.\n\nQuestion: Q?\nAnswer:');
  assert.equal(formatHotpotQa(row, tok, { hotpotContextTokens: 12, billTextTokens: 0 }).prompt, 'S: s one.\n\nQuestion: Q?\nAnswer:');
  assert.equal(formatHotpotQa(row, tok, { hotpotContextTokens: 4, billTextTokens: 0 }).prompt, 'S: s\n\nQuestion: Q?\nAnswer:');
});

test('formatters: BillSum truncates the bill text to the token budget', () => {
  const r = { title: 'T', text: ' 0123456789 ', summary: ' Sum. ' };
  assert.deepEqual(formatBillsum(r, tok, { hotpotContextTokens: 0, billTextTokens: 4 }), { prompt: 'T\n\n0123\n\nSummary:', target: ' Sum.' });
  assert.equal(formatBillsum(r, tok, { hotpotContextTokens: 0, billTextTokens: 99 }).prompt, 'T\n\n0123456789\n\nSummary:');
});
