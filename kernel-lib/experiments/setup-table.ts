/**
 * What notebook 00 shows: the backend, the profile, the models and whether the data each step
 * needs is at hand (generated mini data, real benchmark files, Chromium for PNG plots).
 */
import { settings } from '../runtime/settings.ts';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../runtime/backend.ts';
import { findChromium } from '../report/chromium.ts';
import { readMiniManifest } from '../mini/generate-mini-data.ts';
import { isMiniModelId, miniModelDir } from '../model/mini-models.ts';
import { studyDataDir } from './study-inputs.ts';
import type { Profile } from './profiles.ts';

export async function setupTable(profile: Profile): Promise<ColumnTable> {
  const backend = await initBackend();
  const rows: [string, string][] = [
    ['backend', `${backend.choice} (${backend.reason})`],
    ['profile', `${profile.name}: ${profile.description}`],
    ['needs', `${profile.needs.backend}; ${profile.needs.memory}; ${profile.needs.time}`],
  ];
  for (const role of ['gpt2', 'olmo'] as const) {
    const m = profile.models[role];
    const local = isMiniModelId(m.id) ? miniModelDir(m.id) : m.id;
    const status = existsSync(join(local, 'config.json')) ? `local: ${local}` : 'downloaded from the hub on first use';
    rows.push([`model (${m.paperLabel} role)`, `${m.label}: ${m.id} (${status})`]);
  }
  try {
    const dir = studyDataDir(profile);
    rows.push(['data folder', dir]);
    if (profile.data.kind === 'mini') {
      const manifest = readMiniManifest(dir);
      rows.push(['mini data', `${manifest.files.length} files generated (seed ${profile.data.seed}); tasks and chance levels in datasets/README.md`]);
    }
  } catch (e) {
    rows.push(['data folder', `not available: ${(e as Error).message}`]);
  }
  const real = settings().realDataDir;
  rows.push(['real benchmark files (LAB_REAL_DATA)', real && existsSync(real) ? `${real}: ${readdirSync(real).filter((n) => !n.includes('.')).join(', ')}` : 'not set (the mini models can also be scored on real files with lab eval --data-dir)']);
  rows.push(['PNG plots', findChromium() ? `headless Chromium at ${findChromium()}` : 'no Chromium: plots are saved as HTML only (apt-get install chromium)']);
  return aq.table({ item: rows.map((r) => r[0]), value: rows.map((r) => r[1]) });
}

/** The choices we made where the write-up is silent, one per row. */
export function choicesTable(profile: Profile): ColumnTable {
  return aq.table({ choice: profile.choices.map((_, i) => i + 1), what: [...profile.choices] });
}
