/**
 * `lab reproduce [--profile mini|paper] [--quick] [--dry-run] [--data-dir DIR]`: the study end to end.
 * `--dry-run` lists every download, its size, the steps, and the backend and memory the profile needs.
 */
import { parseArgs } from 'node:util';
import { getProfile } from '../experiments/profiles.ts';
import { reproduce } from '../experiments/reproduce.ts';
import { dryRun } from '../experiments/dry-run.ts';
import { textTable } from './open-model.ts';
import { settings } from '../runtime/settings.ts';

export const summary = 'run the whole study (Tables 1-3, perplexity table, plots) for a profile; --dry-run to see the plan';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: {
    profile: { type: 'string', default: 'mini' }, quick: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false },
    'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  } });
  if (values.help) { console.log('usage: lab reproduce [--profile mini|paper] [--quick] [--dry-run] [--data-dir DIR]'); return 0; }
  const named = getProfile(values.profile, { quick: values.quick || settings().quick });
  // --data-dir replaces the folder a non-mini profile reads (the mini data is generated).
  const profile = values['data-dir'] && named.data.kind === 'folder' ? { ...named, data: { kind: 'folder' as const, dir: values['data-dir'] } } : named;
  if (values['dry-run']) {
    const plan = await dryRun(profile);
    console.log(`profile '${profile.name}': ${profile.description}\n\ndownloads:`);
    console.log(textTable(['what', 'repo', 'files', 'size'], plan.downloads.map((d) => [d.what, d.repo, d.files, d.size])));
    console.log(`\nsteps:\n${plan.steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}`);
    console.log(`\nneeds:\n  backend: ${plan.needs.backend}\n  memory: ${plan.needs.memory}\n  time: ${plan.needs.time}`);
    return 0;
  }
  await reproduce(profile);
  return 0;
}
