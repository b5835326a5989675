/**
 * The public API a reader can hold: kernel-lib/index.ts exports at most 100 values, grouped under
 * one-line headings by verb (models, data, train, prune, eval, report, experiments); docs/api.md
 * lists exactly those values under the same headings; the notebooks reach the library only
 * through that entry and use nothing it does not export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as lab from '../../kernel-lib/index.ts';

const root = join(import.meta.dirname, '..', '..');
const GROUPS = ['models', 'data', 'train', 'prune', 'eval', 'report', 'experiments'];

/** group -> value names and group -> type names, from the entry file's text. */
function indexGroups(): { values: Map<string, string[]>; types: Set<string> } {
  const src = readFileSync(join(root, 'kernel-lib', 'index.ts'), 'utf8');
  const values = new Map<string, string[]>();
  const types = new Set<string>();
  let group: string | null = null;
  for (const line of src.split('\n')) {
    const h = /^\/\/ ---- (\w+): \S.*$/.exec(line);
    if (h) { group = h[1]!; values.set(group, []); continue; }
    const e = /^export (type )?\{([^}]*)\} from '/.exec(line);
    if (!e) { assert.doesNotMatch(line, /^export\b/, `an export the check cannot read: ${line}`); continue; }
    assert.ok(group, `an export before the first heading: ${line}`);
    const names = e[2]!.split(',').map((n) => n.trim()).filter(Boolean).map((n) => n.split(/\s+as\s+/).pop()!);
    if (e[1]) names.forEach((n) => types.add(n)); else values.get(group)!.push(...names);
  }
  return { values, types };
}

/** group -> value names, from docs/api.md's `## group` sections and their "- `name`..." lines. */
function docGroups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let group: string | null = null;
  for (const line of readFileSync(join(root, 'docs', 'api.md'), 'utf8').split('\n')) {
    const h = /^## (\w+)$/.exec(line);
    if (h) { group = h[1]!; out.set(group, []); continue; }
    const item = /^- `([A-Za-z_$][\w$]*)/.exec(line);
    if (item && group) out.get(group)!.push(item[1]!);
  }
  return out;
}

test('index.ts: at most 100 values, under one heading per verb in order', () => {
  const { values } = indexGroups();
  assert.deepEqual([...values.keys()], GROUPS);
  const listed = [...values.values()].flat();
  assert.equal(new Set(listed).size, listed.length, 'no value listed twice');
  assert.deepEqual(listed.slice().sort(), Object.keys(lab).sort(), 'the headings cover every value the module exports');
  assert.ok(listed.length <= 100, `${listed.length} values exported`);
  for (const [g, names] of values) assert.ok(names.length > 0, `group ${g} is not empty`);
});

test('docs/api.md lists every value of index.ts, under the same heading, and nothing else', () => {
  const { values } = indexGroups();
  const docs = docGroups();
  assert.deepEqual([...docs.keys()], GROUPS);
  for (const g of GROUPS) assert.deepEqual(docs.get(g)!.slice().sort(), values.get(g)!.slice().sort(), `group ${g}`);
});

test('the notebooks import the library only as the public entry and use only what it exports', () => {
  const { types } = indexGroups();
  const exported = new Set([...Object.keys(lab), ...types]);
  const dir = join(root, 'notebooks');
  const bad: string[] = [];
  for (const nb of readdirSync(dir).filter((f) => f.endsWith('.ipynb'))) {
    const cells = (JSON.parse(readFileSync(join(dir, nb), 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] }).cells;
    for (const c of cells.filter((x) => x.cell_type === 'code')) {
      const src = Array.isArray(c.source) ? c.source.join('') : c.source;
      for (const m of src.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        if (/kernel-lib|notebook-lib/.test(m[1]!) && m[1] !== '../build/notebook-lib') bad.push(`${nb}: imports ${m[1]}`);
      }
      for (const m of src.matchAll(/\blab\.([A-Za-z_$][\w$]*)/g)) if (!exported.has(m[1]!)) bad.push(`${nb}: lab.${m[1]} is not public`);
    }
  }
  assert.deepEqual(bad, []);
});

/** abs module path -> names index.ts re-exports from it (values and types, by their name in that module). */
function publicByModule(): Map<string, Set<string>> {
  const entry = join(root, 'kernel-lib', 'index.ts');
  const out = new Map<string, Set<string>>();
  for (const m of readFileSync(entry, 'utf8').matchAll(/^export (?:type )?\{([^}]*)\} from '([^']+)'/gm)) {
    const mod = resolve(dirname(entry), m[2]!);
    if (!out.has(mod)) out.set(mod, new Set());
    for (const n of m[1]!.split(',').map((x) => x.trim()).filter(Boolean)) out.get(mod)!.add(n.split(/\s+as\s+/)[0]!);
  }
  return out;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('tests reach what the public API offers only through index.ts (internal modules only for what it does not export)', () => {
  const pub = publicByModule();
  const bad: string[] = [];
  for (const file of [...testFiles(join(root, 'test')), ...testFiles(join(root, 'test-slow'))]) {
    const src = readFileSync(file, 'utf8');
    // static imports: import [type] { a, b as c } from '...kernel-lib/x.ts'; dynamic: const { a } = await import('...')
    const imports = [
      ...[...src.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']*kernel-lib\/[^']+)'/g)].map((m) => ({ names: m[1]!, spec: m[2]! })),
      ...[...src.matchAll(/(?:const|let)\s+\{([^}]*)\}\s*=\s*await\s+import\('([^']*kernel-lib\/[^']+)'\)/g)].map((m) => ({ names: m[1]!, spec: m[2]! })),
    ];
    for (const { names, spec } of imports) {
      const offered = pub.get(resolve(dirname(file), spec));
      if (!offered) continue;
      for (const raw of names.split(',').map((x) => x.trim()).filter(Boolean)) {
        const name = raw.replace(/^type\s+/, '').split(/\s*(?:\bas\b|:)\s*/)[0]!;
        if (offered.has(name)) bad.push(`${relative(root, file)}: ${name} from ${spec} (public: import it from kernel-lib/index.ts)`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
