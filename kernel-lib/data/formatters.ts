/**
 * Formatters: one fine-tuning row -> `{ prompt, target }`, so the mixture is
 * one stream. Targets start with a space (the harness's target delimiter), and the loss is taken
 * on target tokens only (packing.ts).
 *
 * Why these formats do not make evaluation easier than the paper's: evaluation renders every
 * task with lm-eval's own templates (kernel-lib/eval/tasks/*), e.g. PIQA "Question: {goal}\nAnswer:"
 * scored per choice WITHOUT the options listed, HellaSwag / MMLU / GLUE with their own prompts.
 * The fine-tuning layout (context, lettered options, "Answer:" + the answer TEXT) teaches the
 * task content but never the evaluation template or its answer letters, and no evaluation
 * split (validation / test) is ever formatted for training.
 *
 * Bump a formatter's version whenever its output changes: it keys the token cache.
 */
import type { Tokenizer } from '../tokenizer/types.ts';
import type { PackRecord } from './packing.ts';
import type { SiqaRow } from './sources/siqa.ts';
import type { PiqaRow } from './sources/piqa.ts';
import type { OpenBookQaRow } from './sources/openbookqa.ts';
import type { HotpotRow } from './sources/hotpotqa.ts';
import type { BillsumRow } from './sources/billsum.ts';

export type PromptTarget = { readonly prompt: string; readonly target: string };

/** Token budgets of the long-context formatters. */
export interface FormatConfig {
  /** HotpotQA: max tokens of context paragraphs (supporting paragraphs first). */
  readonly hotpotContextTokens: number;
  /** BillSum: max tokens of bill text kept (the head of the bill). */
  readonly billTextTokens: number;
}

export const formatDefaults: FormatConfig = { hotpotContextTokens: 768, billTextTokens: 768 };

/** Versions of the formatters below (part of token-cache keys). */
export const formatterVersions = { siqa: 1, piqa: 1, openbookqa: 1, hotpotqa: 1, billsum: 1, text: 1 } as const;

const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'];
const lettered = (options: readonly string[]): string => options.map((o, i) => `${LETTERS[i]}. ${o}`).join('\n');

/**
 * SIQA -> context, question, lettered answers -> answer text.
 * "Tracy didn't go home that evening and resisted Riley's attacks.\nQuestion: What does Tracy need to do before this?\n
 *  A. make a new plan\nB. Go home and see Riley\nC. Find somewhere to go\nAnswer:" -> " Find somewhere to go"
 */
export function formatSiqa(r: SiqaRow): PromptTarget {
  const answers = [r.answerA, r.answerB, r.answerC];
  return { prompt: `${r.context}\nQuestion: ${r.question}\n${lettered(answers)}\nAnswer:`, target: ` ${answers[r.label - 1]}` };
}

/**
 * PIQA -> goal, lettered solutions -> solution text.
 * "Goal: How do I ready a guinea pig cage for it's new occupants?\nA. Provide the guinea pig with ... ripped paper strips, ...\n
 *  B. Provide the guinea pig with ... ripped jeans material, ...\nAnswer:" -> " Provide the guinea pig with ... ripped paper strips, ..."
 */
export function formatPiqa(r: PiqaRow): PromptTarget {
  const sols = [r.sol1, r.sol2];
  return { prompt: `Goal: ${r.goal}\n${lettered(sols)}\nAnswer:`, target: ` ${sols[r.label]}` };
}

/**
 * OpenBookQA -> stem, lettered choices -> choice text.
 * "Question: The sun is responsible for\nA. puppies learning new tricks\nB. children growing up and getting old\n
 *  C. flowers wilting in a vase\nD. plants sprouting, blooming and wilting\nAnswer:" -> " plants sprouting, blooming and wilting"
 */
export function formatOpenBookQa(r: OpenBookQaRow): PromptTarget {
  const k = r.choices.label.indexOf(r.answerKey);
  if (k < 0) throw new Error(`openbookqa row ${r.id}: answerKey '${r.answerKey}' is not a choice label`);
  return { prompt: `Question: ${r.question_stem}\n${lettered(r.choices.text)}\nAnswer:`, target: ` ${r.choices.text[k]}` };
}

/** The first `budget` tokens of a text (whole text when it fits). */
export function truncateTokens(text: string, budget: number, tokenizer: Tokenizer): string {
  const ids = tokenizer.encode(text);
  return ids.length <= budget ? text : tokenizer.decode(ids.slice(0, budget));
}

/**
 * HotpotQA -> paragraphs (supporting ones first, then the others, while they fit in
 * `hotpotContextTokens`; a first paragraph longer than the budget is cut) + question -> answer.
 * "Mahbub ul Haq: Mahbub ul Haq (22 February 1934 - 16 July 1998) was a Pakistani economist ...\n\n
 *  Ibn Arabi: Ibn Arabi (1165-1240) was ...\n\nQuestion: Who was born first Mahbub ul Haq or Ibn Arabi?\nAnswer:" -> " ibnʿArabī"
 */
export function formatHotpotQa(r: HotpotRow, tokenizer: Tokenizer, config: FormatConfig = formatDefaults): PromptTarget {
  const supporting = new Set(r.supportingFacts.map(([t]) => t));
  const ordered = [...r.context.filter(([t]) => supporting.has(t)), ...r.context.filter(([t]) => !supporting.has(t))];
  const parts: string[] = [];
  let used = 0;
  for (const [title, sentences] of ordered) {
    const para = `${title}: ${sentences.join('').trim()}`;
    const n = tokenizer.encode(para).length + 1;
    if (used + n > config.hotpotContextTokens) {
      if (parts.length === 0) parts.push(truncateTokens(para, config.hotpotContextTokens, tokenizer));
      break;
    }
    parts.push(para);
    used += n;
  }
  return { prompt: `${parts.join('\n\n')}\n\nQuestion: ${r.question}\nAnswer:`, target: ` ${r.answer}` };
}

/**
 * BillSum -> title + bill text cut to `billTextTokens` -> summary.
 * "To amend the Internal Revenue Code ...\n\nSECTION 1. SHORT TITLE. This Act may be cited as ...\n\nSummary:"
 *  -> " Amends the Internal Revenue Code to ..."
 */
export function formatBillsum(r: BillsumRow, tokenizer: Tokenizer, config: FormatConfig = formatDefaults): PromptTarget {
  return { prompt: `${r.title}\n\n${truncateTokens(r.text.trim(), config.billTextTokens, tokenizer)}\n\nSummary:`, target: ` ${r.summary.trim()}` };
}

/** LM corpora (WikiText-103, Wikipedia, the embedded corpora): the text itself, trained on everything. */
export function formatText(r: { readonly text: string }): PackRecord {
  return { text: r.text };
}
