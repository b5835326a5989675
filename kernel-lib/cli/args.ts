/**
 * The argument layer every `lab` command parses with: declared flags (parseArgs-compatible
 * `type: 'string' | 'boolean'`, plus a one-line `help` and a value placeholder), `--help` text
 * built from the declarations, did-you-mean for misspelled flags, `--flag value` where the value
 * may start with a dash (`--limit -3` reaches the numeric check and is refused in plain words),
 * and UsageError (exit code 2) for every mistake on the command line.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** One declared flag. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** What the flag does (one line; `--help` prints it). */
  readonly help?: string;
  /** Placeholder of the value in `--help` (default N for numbers, else VALUE). */
  readonly value?: string;
  readonly short?: string;
  readonly default?: string | boolean;
  /** Library config key the flag sets, when it is not the camelCase of the flag name (for error messages). */
  readonly key?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** A command's declaration: usage line, description, positionals, flags. */
export interface CommandSpec<F extends FlagSpecs = FlagSpecs> {
  /** `lab eval` (for messages). */
  readonly name: string;
  /** Usage line after the name, e.g. `MODEL --tasks T1,T2 [options]`. */
  readonly usage: string;
  /** Paragraph printed under the usage line by --help. */
  readonly description?: string;
  /** Positional arguments: how many are allowed, and their names for messages. */
  readonly positionals?: { readonly min: number; readonly max: number; readonly names: readonly string[] };
  readonly flags: F;
}

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : string;
type Defaulted<S extends FlagSpec> = S extends { default: string | boolean } ? FlagValue<S> : FlagValue<S> | undefined;
export type FlagValues<F extends FlagSpecs> = { -readonly [K in keyof F]: Defaulted<F[K]> };

/** A command-line mistake: printed as `lab <command>: message` with exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) { super(message); this.name = 'UsageError'; }
}

/** Damerau-free Levenshtein distance (small strings only). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);   // transposition
    }
  }
  return d[a.length]![b.length]!;
}

/** The known names closest to `name` (edit distance <= max(1, len/3), or a prefix of it), best first, at most 3. */
export function closest(name: string, known: Iterable<string>): string[] {
  const n = name.toLowerCase();
  const limit = Math.max(1, Math.floor(n.length / 3));
  return [...new Set(known)]
    .map((k) => ({ k, d: k.toLowerCase().startsWith(n) && n.length >= 3 ? 0.5 : editDistance(n, k.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k))
    .slice(0, 3)
    .map((x) => x.k);
}

/** ` (did you mean X?)` or ''. */
export function didYouMean(name: string, known: Iterable<string>, prefix = ''): string {
  const c = closest(name, known);
  return c.length ? ` (did you mean ${c.map((x) => prefix + x).join(' or ')}?)` : '';
}

/** `--help` text of a command, from its declarations. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.flags).map(([name, f]) => {
    const left = `${f.short ? `-${f.short}, ` : ''}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const dflt = f.default !== undefined && f.default !== false && !(f.help ?? '').includes('default') ? ` (default ${String(f.default)})` : '';
    return [left, `${f.help ?? ''}${dflt}`] as const;
  });
  const width = Math.min(32, Math.max(...rows.map(([l]) => l.length)));
  const lines = rows.map(([l, r]) => (l.length > width ? `  ${l}\n  ${''.padEnd(width)}  ${r}` : `  ${l.padEnd(width)}  ${r}`));
  return [`usage: ${spec.name} ${spec.usage}`, ...(spec.description ? ['', spec.description] : []), '', 'options:', ...lines].join('\n');
}

/** Flag name -> library config key it sets (camelCase of the name unless declared). */
export function configKeys(spec: CommandSpec): Map<string, string> {
  return new Map(Object.entries(spec.flags).map(([name, f]) => [f.key ?? name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), name]));
}

/**
 * Parses argv against the declarations. Returns null when --help / -h was given (the caller prints
 * helpText and exits 0). Unknown flags, missing values, a wrong number of positionals: UsageError.
 */
export function parseCommand<F extends FlagSpecs>(spec: CommandSpec<F>, argv: readonly string[]): { values: FlagValues<F>; positionals: string[] } | null {
  const flags: FlagSpecs = spec.flags;
  const byShort = new Map(Object.entries(flags).filter(([, f]) => f.short).map(([n, f]) => [f.short!, n]));
  const values: Record<string, string | boolean> = {};
  for (const [n, f] of Object.entries(flags)) if (f.default !== undefined) values[n] = f.default;
  const positionals: string[] = [];
  const isFlag = (a: string): boolean => {
    if (a.startsWith('--')) return a.slice(2).split('=')[0]! in flags || a === '--help';
    return a.length === 2 && a[0] === '-' && (byShort.has(a[1]!) || a === '-h');
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (a === '--help' || a === '-h') return null;
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a)) { positionals.push(a); continue; }
    let name: string, inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
    } else {
      const long = byShort.get(a.slice(1));
      if (!long) throw new UsageError(`unknown option '${a}'${didYouMean(a.slice(1), Object.keys(flags), '--')}; ${spec.name} --help lists the options`);
      name = long;
    }
    const f = flags[name];
    if (!f) throw new UsageError(`unknown option '--${name}'${didYouMean(name, [...Object.keys(flags), 'help'], '--')}; ${spec.name} --help lists the options`);
    if (f.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value (got '--${name}=${inline}')`);
      values[name] = true;
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || isFlag(next)) throw new UsageError(`--${name} needs a value (${f.value ?? 'VALUE'}${f.help ? `: ${f.help}` : ''})`);
      inline = next;
      i++;
    }
    values[name] = inline;
  }
  const p = spec.positionals ?? { min: 0, max: 0, names: [] };
  if (positionals.length < p.min) {
    throw new UsageError(`missing ${p.names.slice(positionals.length, p.min).join(' ')}\nusage: ${spec.name} ${spec.usage} (${spec.name} --help for the options)`);
  }
  if (positionals.length > p.max) {
    const extra = positionals.slice(p.max);
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((x) => `'${x}'`).join(' ')}\nusage: ${spec.name} ${spec.usage}`);
  }
  return { values: values as FlagValues<F>, positionals };
}

/** Rewrites library config keys in an error message (`PruneConfig.target`, `config.limit`) to the command's flag (`--target`). */
export function flagNamesIn(message: string, spec: CommandSpec): string {
  const keys = configKeys(spec);
  // `PruneConfig.target`, `evaluate: config.limit` (not file names such as config.json)
  return message.replace(/\b(?:[A-Z][A-Za-z]*Config|[a-z]+: config)\.([A-Za-z]+)\b(?!\.)/g, (m, key: string) => {
    const flag = keys.get(key);
    if (!flag) return m;
    return m.includes(': config.') ? `${m.slice(0, m.indexOf(': config.'))}: --${flag}` : `--${flag}`;
  });
}

export interface NumberRule {
  readonly integer?: boolean;
  /** Smallest allowed value (inclusive unless `exclusiveMin`). */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly exclusiveMax?: boolean;
  /** What the value means, for the message (e.g. "documents per task"). */
  readonly what?: string;
}

function expectation(r: NumberRule): string {
  const kind = r.integer ? 'whole number' : 'number';
  if (r.min === 0 && r.exclusiveMin && r.max === undefined) return `a positive ${kind}`;
  if (r.min === 1 && !r.exclusiveMin && r.integer && r.max === undefined) return 'a positive whole number';
  if (r.min === 0 && !r.exclusiveMin && r.max === undefined) return `a ${kind} >= 0`;
  if (r.min !== undefined && r.max !== undefined) {
    return `a ${kind} ${r.exclusiveMin ? 'above' : 'from'} ${r.min} ${r.exclusiveMax ? 'and below' : 'to'} ${r.max}`;
  }
  if (r.min !== undefined) return `a ${kind} ${r.exclusiveMin ? '>' : '>='} ${r.min}`;
  if (r.max !== undefined) return `a ${kind} ${r.exclusiveMax ? '<' : '<='} ${r.max}`;
  return `a ${kind}`;
}

/** `--flag` value as a number checked against `rule`; undefined when absent. Errors (UsageError) say what was expected in words. */
export function numberArg(v: string | undefined, flag: string, rule: NumberRule = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = v.trim() === '' ? NaN : Number(v);
  const ok = Number.isFinite(n) && (!rule.integer || Number.isInteger(n))
    && (rule.min === undefined || (rule.exclusiveMin ? n > rule.min : n >= rule.min))
    && (rule.max === undefined || (rule.exclusiveMax ? n < rule.max : n <= rule.max));
  if (!ok) throw new UsageError(`--${flag}: expected ${expectation(rule)}${rule.what ? ` (${rule.what})` : ''}, got '${v}'`);
  return n;
}

/** One of `choices`, or UsageError naming the flag, the choices and the closest one. */
export function choiceArg<T extends string>(v: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${flag}: expected ${choices.join(' | ')}, got '${v}'${didYouMean(v, choices)}`);
  return v as T;
}

/** The nearest existing ancestor of `path` (or the path itself). */
function existingAncestor(path: string): string {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** `--flag DIR` that the command creates or fills: refused (UsageError) when DIR or an ancestor is a file. Returns the absolute path. */
export function outDirArg(v: string, flag: string): string {
  const abs = resolve(v);
  if (existsSync(abs) && !statSync(abs).isDirectory()) throw new UsageError(`--${flag} ${v}: is a file; expected a folder (created if missing)`);
  const anc = existingAncestor(abs);
  if (!statSync(anc).isDirectory()) throw new UsageError(`--${flag} ${v}: ${anc} is a file, so no folder can be made under it`);
  return abs;
}

/** `--flag FILE` that the command writes: refused when FILE is a folder or an ancestor is a file. Returns the absolute path. */
export function outFileArg(v: string, flag: string): string {
  const abs = resolve(v);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new UsageError(`--${flag} ${v}: is a folder; expected a file path`);
  const anc = existingAncestor(dirname(abs));
  if (!statSync(anc).isDirectory()) throw new UsageError(`--${flag} ${v}: ${anc} is a file, so ${v} cannot be written`);
  return abs;
}

/** `--flag DIR` that must exist as a folder. */
export function inDirArg(v: string, flag: string, hint = ''): string {
  const abs = resolve(v);
  if (!existsSync(abs)) throw new UsageError(`--${flag} ${v}: no such folder${hint}`);
  if (!statSync(abs).isDirectory()) throw new UsageError(`--${flag} ${v}: is a file; expected a folder`);
  return abs;
}
