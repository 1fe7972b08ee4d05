import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { usageError } from '../errors.js';
import { moduleOperations, type ModuleOperation, type StrategyModule } from '../strategies/module.js';

/** What the lab learned from a strategy module file up front. */
export interface ModuleInfo {
  /** Absolute path of the file. */
  path: string;
  name: string;
  summary: string;
  cacheTtlMs: number;
  /**
   * The methods create() returned, learned with stand-in clients; undefined when create() threw or
   * waited on a client there (the app then finds out, and the result says so).
   */
  operations: ModuleOperation[] | undefined;
  /** Why the operations are not known, when they are not. */
  probeError?: string;
}

const SHAPE = "export default { name: 'my-cache', cacheTtlMs: 30000, create({ redis, db, cacheTtlMs }) { return { read(key, op) {...}, debit(key, amount, op) {...} }; } }";
const KEYS = ['name', 'summary', 'cacheTtlMs', 'create'];
/** ms create() may take with stand-in clients before the lab stops waiting for it. */
const PROBE_MS = 1000;

/**
 * Imports a strategy module and checks its default export; throws a usage LabError naming the file
 * and what is wrong. The app process imports it the same way.
 */
export async function importStrategyModule(file: string): Promise<{ path: string; strategy: StrategyModule }> {
  const path = resolve(file);
  const bad = (what: string, hint = `the default export must be a strategy: ${SHAPE} (docs/strategy-modules.md)`) =>
    usageError(`--strategy-module ${file}: ${what}`, hint);
  if (!existsSync(path) || !statSync(path).isFile()) throw bad(`no such file (${path})`, 'give the path of a .mjs or .js file');
  const ext = extname(path);
  if (['.ts', '.mts', '.cts'].includes(ext) && !(process.features as { typescript?: unknown }).typescript) {
    throw bad(`Node.js ${process.version} cannot load TypeScript without a build step`, 'compile it to .mjs, or use a Node.js that strips types itself (22.18+, 23.6+)');
  }
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    const hint = ext === '.js' ? 'a .js file is an ES module only under a package.json with "type": "module": name it .mjs, or fix the error above' : 'fix the error above';
    throw bad(`it failed to load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, hint);
  }
  const strategy = exports.default;
  if (strategy === undefined) {
    const named = Object.keys(exports).filter((k) => k !== 'default');
    throw bad(`it has no default export${named.length > 0 ? ` (it exports ${named.join(', ')})` : ''}`);
  }
  if (typeof strategy !== 'object' || strategy === null || Array.isArray(strategy)) {
    throw bad(`its default export is ${describe(strategy)}, not a strategy object`);
  }
  const s = strategy as Record<string, unknown>;
  const unknownKeys = Object.keys(s).filter((k) => !KEYS.includes(k));
  if (unknownKeys.length > 0) throw bad(`its default export has ${unknownKeys.map((k) => `"${k}"`).join(', ')}, which a strategy does not (it has ${KEYS.join(', ')})`);
  if (typeof s.name !== 'string' || s.name.trim() === '' || /[\p{Cc}]/u.test(s.name)) {
    throw bad(`its default export lacks a name: ${s.name === undefined ? 'none given' : describe(s.name)} (a non-empty string on one line)`);
  }
  if (typeof s.create !== 'function') throw bad(`its default export lacks create(): create is ${describe(s.create)}`);
  if (s.summary !== undefined && typeof s.summary !== 'string') throw bad(`summary is ${describe(s.summary)}, not a string`);
  if (s.cacheTtlMs !== undefined && !(Number.isSafeInteger(s.cacheTtlMs) && (s.cacheTtlMs as number) >= 0 && (s.cacheTtlMs as number) < 2 ** 31)) {
    throw bad(`cacheTtlMs is ${describe(s.cacheTtlMs)}: give whole ms from 0 (no TTL) to 2147483647`);
  }
  return { path, strategy: strategy as StrategyModule };
}

/**
 * The methods create() returned that the scenarios call; throws a usage LabError when it returned
 * something else. Used on the real object in the app and on the probe's in the lab.
 */
export function operationsOf(name: string, methods: unknown): ModuleOperation[] {
  const hint = `create() must return an object of methods: { read(key, op) {...}, debit(key, amount, op) {...} } (docs/strategy-modules.md)`;
  if (typeof methods !== 'object' || methods === null) throw usageError(`strategy module ${name}: create() returned ${describe(methods)}`, hint);
  const m = methods as Record<string, unknown>;
  const notFunctions = moduleOperations.filter((op) => m[op] !== undefined && typeof m[op] !== 'function');
  if (notFunctions.length > 0) {
    throw usageError(`strategy module ${name}: create() returned ${notFunctions.map((op) => `${op} as ${describe(m[op])}`).join(', ')}, not a method`, hint);
  }
  const ops = moduleOperations.filter((op) => typeof m[op] === 'function');
  if (ops.length === 0) throw usageError(`strategy module ${name}: create() returned an object with none of the methods ${moduleOperations.join(', ')}`, hint);
  return ops;
}

/**
 * Imports the module in this (the lab's) process, checks its shape, and learns its methods by
 * calling create() with stand-in clients whose every call stays pending (nothing connects, no
 * loop spins). A create() that throws or waits on a client there leaves them unknown: the same
 * failure then shows in the app process, as an unknown result with its stack.
 */
export async function inspectStrategyModule(file: string): Promise<ModuleInfo> {
  const { path, strategy } = await importStrategyModule(file);
  const info: ModuleInfo = { path, name: strategy.name, summary: strategy.summary ?? '', cacheTtlMs: strategy.cacheTtlMs ?? 0, operations: undefined };
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), PROBE_MS)));
  let created: unknown;
  try {
    const deps = { redis: standIn(), db: standIn(), cacheTtlMs: info.cacheTtlMs } as unknown as Parameters<StrategyModule['create']>[0];
    created = await Promise.race([Promise.resolve(strategy.create(deps)), gaveUp]);
  } catch (err) {
    info.probeError = `create() threw: ${err instanceof Error ? err.message : String(err)}`;
    return info;
  } finally {
    clearTimeout(timer);
  }
  if (created === 'timeout') {
    info.probeError = `create() did not return within ${PROBE_MS} ms with stand-in clients (does it wait on redis or db?)`;
    return info;
  }
  info.operations = operationsOf(strategy.name, created);
  return info;
}

const LISTENER_METHODS = new Set(['on', 'once', 'off', 'addListener', 'removeListener', 'removeAllListeners', 'prependListener', 'setMaxListeners']);

/** A client that accepts everything and answers nothing: listener methods chain, every other call stays pending. */
function standIn(): object {
  const pending = (): Promise<never> => new Promise<never>(() => undefined);
  const proxy: object = new Proxy(function standInClient() {}, {
    get: (_target, prop) => {
      if (prop === 'then') return undefined; // not a thenable: `await redis` must not hang
      if (typeof prop === 'string' && LISTENER_METHODS.has(prop)) return () => proxy;
      return pending;
    },
  });
  return proxy;
}

export function describe(value: unknown): string {
  switch (typeof value) {
    case 'function':
      return 'a function';
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${value}`;
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
    default:
      return typeof value; // undefined, symbol
  }
}
