/**
 * `lab export MODEL --format onnx --out DIR [--quantize int8]`: an ONNX folder transformers.js
 * loads for text generation (engine/export-onnx.ts says what is in it).
 * JSON (with --json): {"dir", "modelFile", "bytes"}.
 */
import { exportOnnx } from '../engine/export-onnx.ts';
import { openModel } from './open-model.ts';
import { choiceArg, helpText, outDirArg, parseCommand, UsageError, type CommandSpec } from './args.ts';

export const summary = 'write the model as an ONNX folder for transformers.js / onnxruntime (optionally int8)';

export const spec = {
  name: 'lab export',
  usage: 'MODEL --format onnx --out DIR [--quantize int8] [--json]',
  description: 'Writes DIR/onnx/model.onnx (with past key values), config.json and the tokenizer files: a folder transformers.js loads for text generation.',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    format: { type: 'string', value: 'onnx', default: 'onnx', help: 'output format (only onnx)' },
    out: { type: 'string', value: 'DIR', help: 'output folder (required)' },
    quantize: { type: 'string', value: 'int8', help: 'weight-only int8 matrices with per-channel scales' },
    json: { type: 'boolean', help: 'print {"dir", "modelFile", "bytes"}' },
    revision: { type: 'string', value: 'R', help: 'hub revision of MODEL' },
  },
} as const satisfies CommandSpec;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values, positionals } = parsed;
  if (values.out === undefined) throw new UsageError('--out DIR is required');
  outDirArg(values.out, 'out');
  choiceArg(values.format, 'format', ['onnx']);
  const quantize = choiceArg(values.quantize, 'quantize', ['int8']);
  const { model, dir } = await openModel(positionals[0]!, values.revision);
  const r = exportOnnx(model, values.out, { quantize: quantize === 'int8' ? 'int8' : 'none', tokenizer: dir });
  if (values.json) console.log(JSON.stringify(r));
  else console.log(`wrote ${r.modelFile} (${(r.bytes / 2 ** 20).toFixed(1)} MiB) and config.json, tokenizer files in ${r.dir}`);
  return 0;
}
