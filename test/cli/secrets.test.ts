import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import { secretMask } from '../../src/cli/secrets.js';
import { freeTcpPort, redisGet } from '../stack/helpers.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
const noUrls = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

describe('secretMask', () => {
  it('masks each given password where it sits in a URL, raw or percent-encoded, and nothing else', () => {
    const mask = secretMask(['run', '--redis-url=redis://:p%40ss@h:1', 'postgres://u:a@h/db', undefined, 'plain']);
    expect(mask('redis://:p%40ss@h:1 and redis://:p@ss@h:1')).toBe('redis://:***@h:1 and redis://:***@h:1');
    expect(mask('postgres://u:a@h/db, a cat')).toBe('postgres://u:***@h/db, a cat');
  });

  it('finds the password of a URL with several hosts (Sentinel, Cluster), which WHATWG URL cannot parse', () => {
    const mask = secretMask(['--redis-url', 'redis-cluster://:s3cret@h1:7000,h2:7001']);
    expect(mask('using redis-cluster://:s3cret@h1:7000,h2:7001 now')).toBe('using redis-cluster://:***@h1:7000,h2:7001 now');
  });
});

describe('passwords in the URLs a user gives', () => {
  it('appear in no output: terminal, --json, JUnit, the HTML report, progress, errors and doctor', async () => {
    // A Redis of the test's own with a password; the suite's PostgreSQL URL carries one too.
    const dir = await mkdtemp(join(tmpdir(), 'cachelab-test-secret-'));
    const port = await freeTcpPort();
    const redisPassword = 'redis-Secret-42';
    const pidfile = join(dir, 'redis.pid');
    await execa('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--requirepass', redisPassword, '--save', '', '--dir', dir, '--daemonize', 'yes', '--pidfile', pidfile]);
    const redisUrl = `redis://:${redisPassword}@127.0.0.1:${port}`;
    const databaseUrl = inject('databaseUrl');
    const pgPassword = new URL(databaseUrl).password;
    expect(pgPassword).not.toBe('');
    try {
      const deadline = Date.now() + 5000;
      while ((await redisGet(redisUrl, 'ping').catch(() => 'down')) === 'down' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const junit = join(dir, 'report.xml');
      const html = join(dir, 'report.html');
      const urls = ['--redis-url', redisUrl, '--database-url', databaseUrl];
      const runs = await Promise.all([
        execa('node', [cli, 'run', 'payment-double-spend', ...urls, '--verbose', '--junit', junit, '--report', html], { env: noUrls, reject: false }),
        execa('node', [cli, 'run', 'payment-double-spend', ...urls, '--json', '-s', 'saga'], { env: noUrls, reject: false }),
        execa('node', [cli, 'run', 'payment-double-spend', '--redis-url', `redis://:${redisPassword}@127.0.0.1:1`, '--database-url', databaseUrl], { env: noUrls, reject: false }),
        execa('node', [cli, 'run', 'payment-double-spend', ...urls, '--toxiproxy-url', `http://u:${redisPassword}@127.0.0.1:1`], { env: noUrls, reject: false }),
        execa('node', [cli, 'doctor', ...urls, '--toxiproxy-url', `http://u:${redisPassword}@127.0.0.1:1`], { env: noUrls, reject: false }),
        execa('node', [cli, 'run', 'payment-double-spend', '-s', 'saga'], { env: { REDIS_URL: redisUrl, DATABASE_URL: databaseUrl, TOXIPROXY_URL: '' }, reject: false }),
      ]);
      expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 3, 3, 3, 0]);
      const page = await readFile(html, 'utf8');
      expect(page).toContain(':***@');
      const everything = [...runs.flatMap((r) => [r.stdout, r.stderr]), await readFile(junit, 'utf8'), page].join('\n');
      expect(everything).toContain(':***@');
      expect(everything).not.toContain(redisPassword);
      expect(everything).not.toContain(pgPassword);
    } finally {
      await execa(`kill $(cat ${pidfile})`, { shell: true, reject: false });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
