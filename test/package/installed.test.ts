import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/result.js';
import { platformPackage } from '../../src/stack/postgres-links.js';
import { installScratchProject } from './scratch-project.js';

/*
 * cachelab as a dependency of someone else's project: the packed tarball installed with npm and no
 * install scripts at all (what npm 11 does to scripts the project has not approved), then a module
 * written from docs/strategy-modules.md run through `npx cachelab`. Offline: the dependencies come
 * from this checkout's node_modules, packed.
 */
const root = join(import.meta.dirname, '../..');
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '', npm_config_offline: 'true' };
let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'cachelab-consumer-'));
  // 0755 like a home or work folder, so PostgreSQL (run as "postgres" under root) uses the installed binaries in place.
  await chmod(project, 0o755);
  await installScratchProject(root, project);
}, 120_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

const naive = `import { defineStrategy } from 'cachelab';

export default defineStrategy({
  name: 'my cache (naive)',
  create({ redis, db }) {
    const balance = async (key) => {
      const hit = await redis.get(key);
      if (hit !== null) return Number(hit);
      const { rows } = await db.query('SELECT value FROM records WHERE key = $1', [key]);
      await redis.set(key, rows[0].value);
      return Number(rows[0].value);
    };
    return {
      read: (key) => balance(key),
      async debit(key, amount, op) {
        const current = await balance(key);
        if (current < amount) return { outcome: 'fail', error: 'declined' };
        await db.query(
          'WITH paid AS (UPDATE records SET value = $2 WHERE key = $1 RETURNING key) INSERT INTO ledger (op_id, key, amount) SELECT $3, key, $4 FROM paid',
          [key, current - amount, op.id, amount],
        );
        await op.point('after-db-commit');
        await redis.set(key, String(current - amount));
        return current - amount;
      },
    };
  },
});
`;

const correct = `/** @type {import('cachelab').StrategyModule} */
export default {
  name: 'my-cache',
  cacheTtlMs: 20000,
  create({ redis, db, cacheTtlMs }) {
    return {
      async read(key) {
        const hit = await redis.get(key);
        if (hit !== null) return Number(hit);
        const { rows } = await db.query('SELECT value FROM records WHERE key = $1', [key]);
        await redis.set(key, rows[0].value, 'PX', cacheTtlMs);
        return Number(rows[0].value);
      },
      async debit(key, amount, op) {
        const { rows } = await db.query(
          'WITH paid AS (UPDATE records SET value = value - $2 WHERE key = $1 AND value >= $2 RETURNING key, value), ' +
            'logged AS (INSERT INTO ledger (op_id, key, amount) SELECT $3, key, $2 FROM paid) SELECT value FROM paid',
          [key, amount, op.id],
        );
        if (rows.length === 0) return { outcome: 'fail', error: 'declined: not enough money' };
        await op.point('after-db-commit');
        await redis.del(key).catch(() => {}); // a lost delete: the TTL ends the stale entry
        return rows[0].value;
      },
    };
  },
};
`;

const typed = `import { defineStrategy, type StrategyModule } from 'cachelab';

export const good: StrategyModule = defineStrategy({
  name: 'typed',
  cacheTtlMs: 1000,
  create: ({ redis, db }) => ({
    read: async (key) => Number(await redis.get(key)),
    debit: async (key, amount, op) => {
      await op.point('after-db-commit');
      const { rows } = await db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
      return { outcome: 'ok', value: Number(rows[0]?.value) - amount };
    },
  }),
});
`;

const mistyped = `import { defineStrategy } from 'cachelab';

export default defineStrategy({
  name: 'mistyped',
  cacheTtlMs: '30s',
  create: ({ db }) => ({ read: async (key) => (await db.qurey('SELECT 1')).rows.length + key.length }),
});
`;

describe('cachelab installed as a dependency, with no install scripts run', () => {
  it('runs a module written from the docs: naive is inconsistent (exit 1), correct is consistent (exit 0)', async () => {
    const links = JSON.parse(await readFile(join(project, 'node_modules', platformPackage(), 'native', 'pg-symlinks.json'), 'utf8')) as { target: string }[];
    expect(links.some(({ target }) => existsSync(join(project, 'node_modules', platformPackage(), target)))).toBe(false);
    await writeFile(join(project, 'naive.mjs'), naive);
    await writeFile(join(project, 'my.mjs'), correct);
    const run = (file: string) =>
      execa('npx', ['cachelab', 'run', 'payment-double-spend', '--strategy-module', file, '--json'], { cwd: project, env, reject: false, timeout: 90_000 });
    const [bad, good] = await Promise.all([run('./naive.mjs'), run('./my.mjs')]);

    expect(bad.exitCode, bad.stderr).toBe(1);
    const badReport = JSON.parse(bad.stdout) as RunReport;
    expect(badReport.results.map((r) => [r.strategy, r.verdict, r.expected])).toEqual([['my cache (naive)', 'inconsistent', 'consistent']]);
    expect(badReport.results[0]?.impact.join('\n')).toContain('1000 yen spent twice');

    expect(good.exitCode, good.stderr).toBe(0);
    const goodReport = JSON.parse(good.stdout) as RunReport;
    expect(goodReport.results.map((r) => [r.strategy, r.verdict])).toEqual([['my-cache', 'consistent']]);
    expect(goodReport.results[0]?.history.map((o) => [o.id, o.outcome])).toEqual([
      ['p1', 'ok'],
      ['p2', 'fail'],
      ['r1', 'ok'],
    ]);
    // The local stack made the library links the skipped script would have made, where npm put the package.
    expect(links.every(({ target }) => existsSync(join(project, 'node_modules', platformPackage(), target)))).toBe(true);
  });

  it("gives TypeScript users the types: import type { StrategyModule } from 'cachelab'", async () => {
    const dir = join(project, 'types');
    await mkdir(dir);
    await writeFile(join(dir, 'good.mts'), typed);
    await writeFile(join(dir, 'bad.mts'), mistyped);
    const options = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['good.mts', 'bad.mts'] }));
    const tsc = await execa('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: dir, reject: false });

    const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'));
    expect(errors.filter((line) => !line.startsWith('bad.mts')), tsc.stdout).toEqual([]);
    expect(tsc.stdout).toMatch(/bad\.mts\(5,3\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(tsc.stdout).toMatch(/Property 'qurey' does not exist on type 'Pool'/);
  });
});
