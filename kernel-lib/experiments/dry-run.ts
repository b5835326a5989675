/**
 * `lab reproduce --profile paper --dry-run`: what the paper profile would download and run, and
 * what machine it needs, without downloading or computing anything (no network). Model sizes are
 * computed from the parameter counts (float32 weights: what the official files store) and marked
 * "approx"; dataset files are named with their hub repos, their sizes are shown by the download.
 */
import type { Profile, RecoveryPlan } from './profiles.ts';
import { getDataSource } from '../data/data-sources.ts';

export interface PlannedDownload {
  readonly what: string;
  readonly repo: string;
  readonly files: string;
  readonly size: string;
}

/** Known parameter counts (report/paper facts and specs): float32 bytes when the hub is not reachable. */
const APPROX_BYTES: Readonly<Record<string, number>> = {
  gpt2: 124_439_808 * 4 + 12 * 1024 * 1024 * 4,     // weights + the attn.bias buffers stored in the official file
  'allenai/OLMo-1B-hf': 1_176_764_416 * 4,
};

function human(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function modelSize(repo: string): string {
  return APPROX_BYTES[repo] ? `approx ${human(APPROX_BYTES[repo]!)} (float32 weights)` : 'unknown';
}

/** A recovery plan's budget in words: epochs after each pruning step, or tokens for the whole schedule. */
function recoveryBudget(r: RecoveryPlan): string {
  return r.epochsPerIteration !== null ? `${r.epochsPerIteration} epoch(s) per iteration` : `${r.tokens} tokens in all`;
}

export async function dryRun(profile: Profile): Promise<{ downloads: PlannedDownload[]; steps: string[]; needs: Profile['needs'] }> {
  const downloads: PlannedDownload[] = [];
  for (const role of ['gpt2', 'olmo'] as const) {
    const id = profile.models[role].id;
    if (id === 'mini' || id.startsWith('.') || id.startsWith('/')) continue;
    downloads.push({ what: `model ${profile.models[role].label}`, repo: id, files: 'config.json, *.safetensors, tokenizer files', size: modelSize(id) });
  }
  const sources = ['siqa', 'piqa', 'openbookqa', 'hotpotqa', 'billsum'];
  if (profile.gpt2Prune.recovery.corpus.kind === 'source') sources.push(profile.gpt2Prune.recovery.corpus.source);
  if (profile.olmoPrune.recovery.corpus.kind === 'source') sources.push(profile.olmoPrune.recovery.corpus.source);
  for (const name of [...new Set(sources)]) {
    const s = getDataSource(name);
    const repos = [...new Set(s.hub.map((f) => f.repo))].join(', ');
    downloads.push({ what: `data ${name} (${s.kind === 'lm' ? 'recovery corpus' : 'fine-tuning'})`, repo: repos, files: `${s.hub.length} parquet file(s): ${s.hub.slice(0, 3).map((f) => f.path).join(', ')}${s.hub.length > 3 ? ', ...' : ''}`, size: 'shown by the download (hub listing)' });
  }
  for (const t of profile.eval.tasks) downloads.push({ what: `evaluation task ${t}`, repo: `lab data download ${t}`, files: 'the split lm-eval evaluates', size: 'shown by the download (hub listing)' });
  const steps = [
    `baseline evaluation of ${profile.models.gpt2.id} and ${profile.models.olmo.id} on ${profile.eval.tasks.join(', ')}`,
    `multi-task fine-tuning of both (${JSON.stringify(profile.multitask.train)})`,
    `GPT-2 one-shot and iterative pruning to ${profile.gpt2Prune.prune.target} of ${profile.gpt2Prune.prune.of} (${profile.gpt2Prune.prune.groups?.join('+')}, ${profile.gpt2Prune.prune.criterion}), recovery on ${profile.gpt2Prune.recovery.corpus.kind === 'source' ? profile.gpt2Prune.recovery.corpus.source : 'mini corpora'}: `
      + `one-shot ${recoveryBudget(profile.gpt2Prune.recovery)}; iterative at the equal budget ${recoveryBudget(profile.gpt2Prune.iterativeRecovery.equal)}, at the write-up's ${recoveryBudget(profile.gpt2Prune.iterativeRecovery['write-up'])}`,
    `OLMo-1B one-shot pruning of ${profile.olmoPrune.prune.groups?.join('+')} to ${profile.olmoPrune.prune.target}, recovery on ${profile.olmoPrune.recovery.corpus.kind === 'source' ? `${profile.olmoPrune.recovery.corpus.source} (${profile.olmoPrune.recovery.corpus.rows} rows)` : 'mini corpora'}`,
    'evaluation of every fine-tuned and pruned model; Tables 1-3, the perplexity table and the plots',
  ];
  return { downloads, steps, needs: profile.needs };
}
