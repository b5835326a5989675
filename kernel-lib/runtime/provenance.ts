/** Where a result came from: code revision, backend, time. Stored with every run and step. */
import { execFileSync } from 'node:child_process';
import { backendInfo } from './backend.ts';
import { projectRoot } from './files.ts';

export interface Provenance {
  readonly gitRevision: string;      // HEAD commit, with "+dirty" when the tree has uncommitted changes
  readonly backend: string;          // tfjs backend used
  readonly node: string;
  readonly createdAt: string;        // ISO time
}

let revision: string | null = null;

function gitRevision(): string {
  if (revision !== null) return revision;
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    revision = head + (dirty ? '+dirty' : '');
  } catch {
    revision = 'unknown (not a git checkout)';
  }
  return revision;
}

export function provenance(): Provenance {
  return { gitRevision: gitRevision(), backend: backendInfo()?.choice ?? 'not initialised', node: process.version, createdAt: new Date().toISOString() };
}
