import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ensureLibraryLinks } from '../../src/stack/postgres-links.js';
import { locatePostgresBinaries } from '../../src/stack/postgres-server.js';

describe('the PostgreSQL library links', () => {
  it('are made when the install script of the binaries package did not run (npm 11 without approval), so initdb starts', async () => {
    const native = dirname(dirname((await locatePostgresBinaries()).initdb));
    const dir = await mkdtemp(join(tmpdir(), 'pg-links-'));
    try {
      const copy = join(dir, 'native');
      await cp(native, copy, { recursive: true, verbatimSymlinks: true });
      // What npm unpacks from the tarball: the files, none of the links the script would make.
      const links = JSON.parse(await readFile(join(copy, 'pg-symlinks.json'), 'utf8')) as { target: string }[];
      expect(links.length).toBeGreaterThan(0);
      for (const { target } of links) await rm(join(copy, target.replace(/^native\//, '')));
      const initdb = join(copy, 'bin', 'initdb');
      const broken = await execa(initdb, ['--version'], { reject: false });
      expect(broken.exitCode).not.toBe(0);
      expect(broken.stderr).toContain('shared libraries');

      expect(await ensureLibraryLinks(copy)).toBe(links.length);
      expect((await execa(initdb, ['--version'])).stdout).toMatch(/initdb \(PostgreSQL\) \d+/);
      expect(await ensureLibraryLinks(copy)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
