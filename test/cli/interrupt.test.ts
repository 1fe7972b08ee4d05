import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import { entryPoint } from '../../src/stack/entry-points.js';
import { sql } from '../stack/helpers.js';

// Ctrl-C and SIGTERM at several moments of a real run: the exit code says which signal, no stack
// trace, and nothing is left behind (processes, run dir, keys, schema, proxies).
const cli = join(import.meta.dirname, '../../bin/cachelab.js');
const noUrls = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

/** Starts a verbose run and resolves once its stderr shows `moment` (a regular expression). */
async function runUntil(args: string[], moment: RegExp): Promise<{ child: ResultPromise; stderr: () => string }> {
  const child = execa('node', [cli, 'run', 'payment-double-spend', '--verbose', ...args], { env: noUrls, reject: false, timeout: 60_000 });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never saw ${String(moment)} in:\n${stderr}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (moment.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, stderr: () => stderr };
}

async function processesMentioning(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) found.push(Number(entry));
  }
  return found;
}

const runDirOf = (stderr: string): string => /in (\S*cachelab-[a-z0-9_]+)/.exec(stderr)?.[1] ?? 'no run dir in the output';

describe('an interrupted local run', () => {
  it.each([
    ['SIGTERM', 'while the servers start', /starting Redis/, 143],
    ['SIGINT', 'during the workload', /running payment-double-spend x write-through/, 130],
    ['SIGINT', 'inside a fault window', /fault: add toxic/, 130],
  ] as const)('on %s %s exits with its code, says what it cleaned up, and leaves nothing', async (signal, _moment, moment, code) => {
    const { child, stderr } = await runUntil([], moment);
    child.kill(signal);
    const result = await child;
    expect(result.exitCode, stderr()).toBe(code);
    expect(stderr()).toMatch(new RegExp(`cachelab: interrupted by ${signal}`));
    expect(stderr()).not.toMatch(/^\s+at /m);
    expect(stderr()).not.toContain('PANIC');
    const dir = runDirOf(stderr());
    expect(existsSync(dir)).toBe(false);
    expect(await processesMentioning(dir)).toEqual([]);
  });
});

describe('an interrupted external run against their own Toxiproxy', () => {
  it('stops the workload before it deletes anything, then removes its keys, schema and proxies', async () => {
    const redisUrl = inject('redisUrl');
    const databaseUrl = inject('databaseUrl');
    const proxy = execa('node', [entryPoint('proxy/main'), '--host', '127.0.0.1', '--port', '0'], { reject: false });
    try {
      const toxiproxyUrl = await new Promise<string>((resolve) =>
        proxy.stdout?.on('data', (chunk: Buffer) => {
          const url = /"url":"([^"]+)"/.exec(chunk.toString())?.[1];
          if (url) resolve(url);
        }),
      );
      const args = ['--redis-url', redisUrl, '--database-url', databaseUrl, '--toxiproxy-url', toxiproxyUrl];
      const { child, stderr } = await runUntil(args, /running payment-double-spend x two-phase-commit/);
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode, stderr()).toBe(130);
      expect(stderr()).toMatch(/interrupted by SIGINT: stopped the workload, undid its faults, removed run (\w+)'s data and proxies/);
      expect(stderr()).not.toMatch(/^\s+at /m);
      const runId = /removed run (\w+)'s data/.exec(stderr())?.[1];
      const redis = new Redis(redisUrl);
      expect(await redis.keys(`cachelab:${runId}:*`)).toEqual([]);
      redis.disconnect();
      expect(await sql(databaseUrl, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [`cachelab_${runId}`])).toEqual([]);
      expect(await (await fetch(`${toxiproxyUrl}/proxies`)).json()).toEqual({});
    } finally {
      proxy.kill('SIGTERM');
      await proxy;
    }
  });
});
