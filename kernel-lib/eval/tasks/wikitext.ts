/**
 * WikiText-2 document-level perplexity, mirroring lm_eval/tasks/wikitext/wikitext.yaml and
 * preprocess_wikitext.py (version 2.0; EleutherAI/wikitext_document_level wikitext-2-raw-v1,
 * test split, 62 articles): each article is detokenized and scored with rolling windows and no
 * context; words and bytes are counted on the ORIGINAL page.
 */
import type { RollingMetric, RollingTask } from '../types.ts';
import { readWikiText2, readWikiText2Hub, type WikiTextPage } from '../../data/sources/wikitext2.ts';
import { PY_WHITESPACE_CLASS, utf8Length } from '../../data/formats/py-string.ts';

const S = PY_WHITESPACE_CLASS;
const re = (src: string): RegExp => new RegExp(src, 'g');
const BRACKETS: readonly [RegExp, string][] = [
  [re(`\\(${S}*([^\\)]*?)${S}*\\)`), '($1)'],
  [re(`\\[${S}*([^\\]]*?)${S}*\\]`), '[$1]'],
  [re(`\\{${S}*([^}]*?)${S}*\\}`), '{$1}'],
  [re(`"${S}*([^"]*?)${S}*"`), '"$1"'],
  [re(`'${S}*([^']*?)${S}*'`), "'$1'"],
];

/** preprocess_wikitext.wikitext_detokenizer, rule for rule in the same order. */
export function wikitextDetokenize(page: string): string {
  let s = page;
  s = s.replaceAll("s '", "s'");
  s = s.replace(/\/' [0-9]\//g, "/'[0-9]/");   // upstream's regex has literal slashes: copied as is
  s = s.replaceAll(' @-@ ', '-').replaceAll(' @,@ ', ',').replaceAll(' @.@ ', '.');
  for (const p of [':', ';', '.', '!', '?', ',']) s = s.replaceAll(` ${p} `, `${p} `);
  for (const [r, to] of BRACKETS) s = s.replace(r, to);
  s = s.replaceAll('= = = =', '====').replaceAll('= = =', '===').replaceAll('= =', '==');
  s = s.replaceAll(' \u00b0 ', '\u00b0').replaceAll(' \n', '\n').replaceAll('\n ', '\n');
  s = s.replaceAll(' N ', ' 1 ').replaceAll(" 's", "'s");
  return s;
}

/** len(re.split(r"\s+", page)): leading/trailing whitespace adds an empty element that counts. */
export function wikitextWordCount(page: string): number {
  return page.split(new RegExp(`${S}+`)).length;
}

const METRICS: readonly RollingMetric[] = ['word_perplexity', 'byte_perplexity', 'bits_per_byte'];

export const wikitext: RollingTask<WikiTextPage> = {
  name: 'wikitext',
  version: '2.0',
  mirrors: 'lm_eval/tasks/wikitext/wikitext.yaml',
  outputType: 'loglikelihood_rolling',
  data: { source: 'EleutherAI/wikitext_document_level (wikitext-2-raw-v1)', split: 'test', load: async (dir) => readWikiText2(dir, 'test'), loadHub: () => readWikiText2Hub('test') },
  numFewshot: 0,
  docToTarget: (d) => wikitextDetokenize(d.page),
  processResults: (d, ll) => {
    const words = wikitextWordCount(d.page);
    const bytes = utf8Length(d.page);
    return { word_perplexity: [ll, words], byte_perplexity: [ll, bytes], bits_per_byte: [ll, bytes] };
  },
  metrics: METRICS,
};
