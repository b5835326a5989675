/**
 * Hub settings, read from the environment once per call at the library boundary:
 *   HF_ENDPOINT  server (default https://huggingface.co; tests point it at a loopback server)
 *   HF_TOKEN     sent as `Authorization: Bearer ...` to the endpoint when set
 *   LAB_OFFLINE=1 or HF_HUB_OFFLINE=1  no network: files resolve from the cache or fail
 *   HF_HUB_CACHE (default $HF_HOME/hub)  the cache in huggingface_hub's layout
 */
import { join } from 'node:path';
import { hfHome } from '../runtime/files.ts';

export interface HubSettings {
  readonly endpoint: string;          // no trailing slash
  readonly token: string | null;
  readonly offline: boolean;
  readonly cacheDir: string;          // the `hub` folder holding models--*/datasets--*
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

/** The settings from the environment, with `overrides` on top (tests, explicit options). */
export function hubSettings(overrides: Partial<HubSettings> = {}): HubSettings {
  const env = process.env;
  return {
    endpoint: (overrides.endpoint ?? env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: overrides.token !== undefined ? overrides.token : (env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || null),
    offline: overrides.offline ?? (TRUE.has((env.LAB_OFFLINE ?? '').toLowerCase()) || TRUE.has((env.HF_HUB_OFFLINE ?? '').toLowerCase())),
    cacheDir: overrides.cacheDir ?? env.HF_HUB_CACHE ?? join(hfHome(), 'hub'),
  };
}
