// transformers.js (@huggingface/transformers, the real client of our ONNX exports) loads an exported
// folder from disk (no hub) and prints, as JSON, the log-probability of each next id under its
// forward pass and its greedy continuation of `ids` by `generate`:
//   node test/helpers/transformers-js-forward.mjs DIR 1,2,3 NEW_TOKENS
// -> {"logprobs": [lp(ids[1]|ids[0]), ...], "generated": [...ids after the prompt]}
import { basename, dirname, resolve } from 'node:path';
import { AutoModelForCausalLM, Tensor, env } from '@huggingface/transformers';

const [dir, idsArg, newArg] = process.argv.slice(2);
env.allowRemoteModels = false;
env.localModelPath = dirname(resolve(dir)) + '/';
const model = await AutoModelForCausalLM.from_pretrained(basename(resolve(dir)), { dtype: 'fp32', local_files_only: true });
const ids = idsArg.split(',').map(Number);
const input = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
const mask = new Tensor('int64', BigInt64Array.from(ids, () => 1n), [1, ids.length]);
const out = await model({ input_ids: input, attention_mask: mask });
const [, T, V] = out.logits.dims;
const z = out.logits.data;
const logprobs = [];
for (let t = 0; t + 1 < T; t++) {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, z[t * V + v]);
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.exp(z[t * V + v] - max);
  logprobs.push(z[t * V + ids[t + 1]] - max - Math.log(s));
}
const n = Number(newArg ?? 0);
let generated = [];
if (n > 0) {
  const g = await model.generate({ inputs: input, attention_mask: mask, max_new_tokens: n, do_sample: false, eos_token_id: null });
  generated = Array.from(g.data, Number).slice(ids.length);
}
console.log(JSON.stringify({ logprobs, generated }));
await model.dispose?.();
