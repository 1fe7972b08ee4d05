import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentError } from '../errors.js';

/** Absolute path of the package root (the folder holding package.json), from src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cachelab: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/**
 * The compiled entry point of a child process, e.g. entryPoint('proxy/main') ->
 * <root>/dist/src/proxy/main.js. Children always run compiled JavaScript (`npm run build`, which
 * `npm install` and `npm test` run), so tests under vitest start the same code a user runs.
 */
export function entryPoint(name: 'proxy/main' | 'app/main'): string {
  const file = join(packageRoot(), 'dist', 'src', `${name}.js`);
  if (!existsSync(file)) {
    throw environmentError(`cachelab is not built: ${file} is missing`, 'run "npm run build" (npm install runs it too)');
  }
  return file;
}
