import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readWikiText2, wikitextPages } from '../../../kernel-lib/data/sources/wikitext2.ts';

const REAL = process.env.LAB_REAL_DATA;

test('pages split at top-level headings only; empty leading page dropped; last page kept', () => {
  const raw = ' \n = A = \n \n text a \n = = Sub = = \n more \n = B = \n b\n';
  assert.deepEqual(wikitextPages(raw).map((p) => p.page), [
    ' = A = \n \n text a \n = = Sub = = \n more ',
    ' = B = \n b\n',
  ]);
});

test('real WikiText-2 test (CRLF copy, blank lines dropped): 62 articles', { skip: REAL ? false : 'LAB_REAL_DATA unset: needs real WikiText-2 file' }, () => {
  const pages = readWikiText2(REAL!, 'test');
  assert.equal(pages.length, 62);
  assert.ok(pages[0]!.page.startsWith(' = Robert Boulter = \n Robert Boulter is an English film'));
  assert.ok(!pages.some((p) => p.page.includes('\r')));
});
