/**
 * Hub settings, from runtime/settings.ts (the environment) with explicit overrides on top:
 *   HF_ENDPOINT  server (default https://huggingface.co; tests point it at a loopback server)
 *   HF_TOKEN     sent as `Authorization: Bearer ...` to the endpoint when set
 *   LAB_OFFLINE=1 or HF_HUB_OFFLINE=1  no network: files resolve from the cache or fail
 *   HF_HUB_CACHE (default $HF_HOME/hub)  the cache in huggingface_hub's layout
 */
import { join } from 'node:path';
import { settings } from '../runtime/settings.ts';

export interface HubSettings {
  readonly endpoint: string;          // no trailing slash
  readonly token: string | null;
  readonly offline: boolean;
  readonly cacheDir: string;          // the `hub` folder holding models--*/datasets--*
}

/** The settings from the environment, with `overrides` on top (tests, explicit options). */
export function hubSettings(overrides: Partial<HubSettings> = {}): HubSettings {
  const env = settings().hub;
  return {
    endpoint: (overrides.endpoint ?? env.endpoint ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: overrides.token !== undefined ? overrides.token : env.token,
    offline: overrides.offline ?? env.offline,
    cacheDir: overrides.cacheDir ?? env.cacheDir ?? join(env.home, 'hub'),
  };
}
