import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedTokens, tokenCachePath } from '../../kernel-lib/data/token-cache.ts';
import { tokenizeRecord, type PackRecord } from '../../kernel-lib/data/packing.ts';
import { fakeTokenizer } from './fake-tokenizer.ts';

const tok = fakeTokenizer();
const records: PackRecord[] = [{ text: 'hello' }, { prompt: 'Q: 1+1?', target: ' 2' }, { text: '' }];

test('token cache: round trip, reuse, key by tokenizer + source + formatter version, corrupt file rebuilt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-tokcache-'));
  try {
    let calls = 0;
    const make = (): PackRecord[] => { calls++; return records; };
    const key = { source: 'toy/train', formatterVersion: 1 };
    const a = await cachedTokens(tok, key, make, { dir });
    const got = [...a.records()].map((r) => ({ ids: Array.from(r.ids), mask: Array.from(r.mask) }));
    const want = records.map((r) => tokenizeRecord(r, tok)).map((r) => ({ ids: Array.from(r.ids), mask: Array.from(r.mask) }));
    assert.deepEqual(got, want);
    await cachedTokens(tok, key, make, { dir });
    assert.equal(calls, 1, 'second call reads the cache');
    assert.notEqual(tokenCachePath(tok, key, dir), tokenCachePath(tok, { ...key, formatterVersion: 2 }, dir));
    assert.notEqual(tokenCachePath(tok, key, dir), tokenCachePath({ ...tok, fingerprint: 'other' }, key, dir));
    // truncate the file: detected and rebuilt
    const bytes = readFileSync(a.path);
    writeFileSync(a.path, bytes.subarray(0, bytes.length - 5));
    const warn = console.warn; const warned: string[] = [];
    console.warn = (m: string) => { warned.push(m); };
    try { await cachedTokens(tok, key, make, { dir }); } finally { console.warn = warn; }
    assert.equal(calls, 2);
    assert.match(warned[0] ?? '', /corrupt|truncated/);
    assert.deepEqual(readFileSync(a.path), bytes);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
