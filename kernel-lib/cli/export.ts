/**
 * `lab export MODEL --format onnx --out DIR [--quantize int8]`: an ONNX folder transformers.js
 * loads for text generation (engine/export-onnx.ts says what is in it).
 * JSON (with --json): {"dir", "modelFile", "bytes"}.
 */
import { parseArgs } from 'node:util';
import { exportOnnx } from '../engine/export-onnx.ts';
import { openModel } from './open-model.ts';

export const summary = 'write the model as an ONNX folder for transformers.js / onnxruntime (optionally int8)';

const USAGE = 'usage: lab export MODEL --format onnx --out DIR [--quantize int8] [--json] [--revision R]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    format: { type: 'string' }, out: { type: 'string' }, quantize: { type: 'string' }, json: { type: 'boolean', default: false },
    revision: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  } });
  if (values.help || positionals.length !== 1 || !values.out) { console.error(USAGE); return values.help ? 0 : 2; }
  if ((values.format ?? 'onnx') !== 'onnx') throw new Error(`--format: '${values.format}' is not supported (expected onnx)`);
  if (values.quantize !== undefined && values.quantize !== 'int8') throw new Error(`--quantize: '${values.quantize}' is not supported (expected int8)`);
  const { model, dir } = await openModel(positionals[0]!, values.revision);
  const r = exportOnnx(model, values.out, { quantize: values.quantize === 'int8' ? 'int8' : 'none', tokenizer: dir });
  if (values.json) console.log(JSON.stringify(r));
  else console.log(`wrote ${r.modelFile} (${(r.bytes / 2 ** 20).toFixed(1)} MiB) and config.json, tokenizer files in ${r.dir}`);
  return 0;
}
