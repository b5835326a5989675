/**
 * The task registry, built from explicit imports: every lm-eval task name this
 * harness reproduces, plus the reported groups (mmlu and its categories; our glue mean).
 */
import type { TaskDef, TaskGroup } from '../types.ts';
import { piqa } from './piqa.ts';
import { openbookqa } from './openbookqa.ts';
import { hellaswag } from './hellaswag.ts';
import { mmluGroups, mmluTasks } from './mmlu.ts';
import { glueGroup, glueTasks } from './glue.ts';
import { wikitext } from './wikitext.ts';

const TASKS: ReadonlyMap<string, TaskDef> = new Map<string, TaskDef>(
  [piqa, openbookqa, hellaswag, ...mmluTasks, ...glueTasks, wikitext].map((t) => [t.name, t as TaskDef]));

const GROUPS: ReadonlyMap<string, TaskGroup> = new Map([...mmluGroups, glueGroup].map((g) => [g.name, g]));

/** Every task and group name, groups first then tasks, each sorted. */
export function listTasks(): string[] {
  return [...[...GROUPS.keys()].sort(), ...[...TASKS.keys()].sort()];
}

/** A task definition by lm-eval name; unknown names list what exists. */
export function getTask(name: string): TaskDef {
  const t = TASKS.get(name);
  if (!t) throw new Error(`unknown task '${name}'${GROUPS.has(name) ? ' (it is a group: use expandTasks)' : ''}; known: ${listTasks().join(', ')}`);
  return t;
}

/** A group by name, or undefined. */
export function getGroup(name: string): TaskGroup | undefined {
  return GROUPS.get(name);
}

/**
 * Resolves requested names to leaf tasks (deduplicated, in request order) and the groups to
 * report (a group's subgroups included), as `lm_eval --tasks` does.
 */
export function expandTasks(names: readonly string[]): { tasks: TaskDef[]; groups: TaskGroup[] } {
  const tasks = new Map<string, TaskDef>();
  const groups = new Map<string, TaskGroup>();
  const visit = (n: string): void => {
    const g = GROUPS.get(n);
    if (g) { groups.set(n, g); g.members.forEach(visit); return; }
    tasks.set(n, getTask(n));
  };
  names.forEach(visit);
  return { tasks: [...tasks.values()], groups: [...groups.values()] };
}
