/**
 * Two first-contact bullets through the real entry (bin/lab.js):
 * - `lab info` on a checkpoint whose layers have 3 heads (config.json keeps n_head 4, as a pruned
 *   Hugging Face GPT-2 does with `pruned_heads`) prints H=3 per layer, read from the tensor shapes;
 * - `lab generate --max-new-tokens N` past the model's context stops at the context and says so;
 *   the count of new tokens is the context minus the prompt's tokens, the prompt counted with an
 *   independent GPT-2 tokenizer (js-tiktoken).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { writeSafetensors } from '../../kernel-lib/model/safetensors-write.ts';
import { initBackend, saveModel, saveTokenizer } from '../../kernel-lib/index.ts';
import { tinyModel, disposeModel } from '../helpers/tiny-gpt2.ts';
import { labSync } from './lab-child.ts';

test('lab info: per-layer heads from the tensors when pruned_heads left n_head at 4', () => {
  // C=8, n_head=4 -> head size 2; one head pruned in every layer -> 3 heads: c_attn [8, 3*3*2], c_proj [3*2, 8]
  const C = 8, V = 23, P = 16, F = 20, hd = 2, heads = 3;
  const raw = { model_type: 'gpt2', n_embd: C, n_head: 4, n_layer: 2, n_positions: P, vocab_size: V, n_inner: F, pruned_heads: { 0: [1], 1: [3] } };
  const shapes: [string, number[]][] = [['wte.weight', [V, C]], ['wpe.weight', [P, C]], ['ln_f.weight', [C]], ['ln_f.bias', [C]]];
  for (const l of [0, 1]) {
    shapes.push([`h.${l}.ln_1.weight`, [C]], [`h.${l}.ln_1.bias`, [C]], [`h.${l}.ln_2.weight`, [C]], [`h.${l}.ln_2.bias`, [C]],
      [`h.${l}.attn.c_attn.weight`, [C, 3 * heads * hd]], [`h.${l}.attn.c_attn.bias`, [3 * heads * hd]],
      [`h.${l}.attn.c_proj.weight`, [heads * hd, C]], [`h.${l}.attn.c_proj.bias`, [C]],
      [`h.${l}.mlp.c_fc.weight`, [C, F]], [`h.${l}.mlp.c_fc.bias`, [F]], [`h.${l}.mlp.c_proj.weight`, [F, C]], [`h.${l}.mlp.c_proj.bias`, [C]]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cli-info-heads-'));
  writeSafetensors(join(dir, 'model.safetensors'), shapes.map(([name, shape]) => ({ name: `transformer.${name}`, shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) })), { dtype: 'F16' });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  const r = labSync(['info', dir], { LAB_QUIET: '1' });
  assert.equal(r.status, 0, r.stderr);
  const config = r.stdout.split('\n').find((l) => l.startsWith('config '))!;
  assert.match(config, / H=3 per layer \(from the tensors; config\.json says 4 of head size 2\)$/);
  assert.doesNotMatch(config, /H=4(?! of)/);
  // columns: layer, parameters, heads, kv heads (= heads: GPT-2 has no grouped-query attention), mlp width
  const rows = r.stdout.split('\n').filter((l) => /^ +[01] +[\d,]+ +\d+ +\d+ +\d+$/.test(l)).map((l) => l.trim().split(/ +/));
  assert.deepEqual(rows.map((x) => [x[0], x[2], x[3], x[4]]), [['0', '3', '3', '20'], ['1', '3', '3', '20']]);
  // an unpruned checkpoint keeps the plain H=4
  const plain = labSync(['info', 'mini'], { LAB_QUIET: '1' });
  assert.match(plain.stdout, /^config .* L=4 H=4$/m);
});

test('lab generate: --max-new-tokens past the context stops at the context with a printed line', async () => {
  await initBackend({ quiet: true });
  const P = 24;
  const { model } = tinyModel({ V: 50257, P, C: 8, L: 1, H: 2 }, 5);
  const dir = mkdtempSync(join(tmpdir(), 'cli-gen-ctx-'));
  await saveModel(model, dir);
  saveTokenizer('gpt2', dir);
  disposeModel(model);
  const prompt = 'Call me Ishmael. Some years ago';
  const promptTokens = getEncoding('gpt2').encode(prompt).length;
  const r = labSync(['generate', dir, '--prompt', prompt, '--max-new-tokens', '100', '--json'], { LAB_QUIET: '1', LAB_OFFLINE: '1' });
  assert.equal(r.status, 0, r.stderr);
  const g = JSON.parse(r.stdout) as { promptIds: number[]; ids: number[] };
  assert.equal(g.promptIds.length, promptTokens);
  assert.ok(g.ids.length <= P - promptTokens, `${g.ids.length} new tokens fit in ${P} - ${promptTokens}`);
  assert.match(r.stderr, new RegExp(`the prompt \\(${promptTokens} tokens\\) \\+ --max-new-tokens 100 exceed the model's context of ${P} positions: stopping after at most ${P - promptTokens} new tokens`));
  if (g.ids.length === P - promptTokens) assert.match(r.stderr, new RegExp(`stopped at the context limit: ${promptTokens} \\+ ${P - promptTokens} = ${P} positions`));
  // within the context: no such line
  const short = labSync(['generate', dir, '--prompt', prompt, '--max-new-tokens', '3', '--json'], { LAB_QUIET: '1', LAB_OFFLINE: '1' });
  assert.equal(short.status, 0, short.stderr);
  assert.doesNotMatch(short.stderr, /context/);
  // a prompt longer than the context is refused naming --prompt
  const long = labSync(['generate', dir, '--prompt', 'word '.repeat(40), '--json'], { LAB_QUIET: '1', LAB_OFFLINE: '1' });
  assert.equal(long.status, 2);
  assert.match(long.stderr, /--prompt: \d+ tokens, more than the model's context of 24 positions/);
});
