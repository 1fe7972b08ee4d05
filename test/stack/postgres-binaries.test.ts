import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { binariesReachableBy, BINARY_CACHE } from '../../src/stack/postgres-binaries.js';
import { ensurePostgresOsUser, firstUntraversableParent, needsPostgresOsUser } from '../../src/stack/postgres-os-user.js';
import { locatePostgresBinaries } from '../../src/stack/postgres-server.js';

describe('PostgreSQL binaries for the postgres OS user', () => {
  it('are used where they are when that user can reach them, and copied once to the cache when the project sits in a 0700 folder', async () => {
    const installed = await locatePostgresBinaries();
    const user = await ensurePostgresOsUser(() => undefined);
    if (!needsPostgresOsUser()) {
      // Not root: PostgreSQL runs as us, nothing to copy.
      expect(await binariesReachableBy(installed, user, () => undefined)).toEqual(installed);
      return;
    }
    expect(user).toBeDefined();

    // A clone inside a mode-0700 folder, as under /root or in a mktemp -d folder.
    const closed = await mkdtemp(join(tmpdir(), 'closed-'));
    try {
      const pkg = join(closed, 'pkg');
      const native = dirname(dirname(installed.postgres));
      await cp(dirname(native), pkg, { recursive: true, verbatimSymlinks: true });
      const moved = {
        initdb: installed.initdb.replace(dirname(native), pkg),
        postgres: installed.postgres.replace(dirname(native), pkg),
      };
      expect(await firstUntraversableParent(moved.postgres, user!)).toBe(closed);

      const lines: string[] = [];
      const reachable = await binariesReachableBy(moved, user, (line) => lines.push(line));
      expect(reachable.postgres.startsWith(`${BINARY_CACHE}/postgres-`)).toBe(true);
      expect(await firstUntraversableParent(reachable.postgres, user!)).toBeUndefined();
      const version = await execa(reachable.postgres, ['--version'], { uid: user!.uid, gid: user!.gid });
      expect(version.stdout).toMatch(/PostgreSQL\)? \d+/);
      // A second run finds the copy and copies nothing.
      expect(await binariesReachableBy(moved, user, (line) => lines.push(line))).toEqual(reachable);
      expect(lines.filter((line) => line.includes('copying')).length).toBeLessThanOrEqual(1);
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });
});
