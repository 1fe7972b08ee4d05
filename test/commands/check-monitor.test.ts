import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkCommand } from '../../src/commands/check.js';
import { CheckFixture, catalogue } from './check-fixture.js';

// A second Redis connection runs MONITOR while a check runs, and sees every command the check's
// connection sends: none may write. Other tests share this Redis, so the check's own connection is
// picked out by the CLIENT SETNAME it sends first.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');

/** Everything the check may send: reads, and what a client sends to connect. */
const READ_ONLY = new Set(['client', 'info', 'ping', 'select', 'auth', 'hello', 'mget', 'pttl', 'type', 'hgetall']);
const WRITES = ['set', 'del', 'unlink', 'expire', 'pexpire', 'persist', 'hset', 'hdel', 'rpush', 'lpush', 'flushdb', 'flushall', 'eval', 'evalsha', 'multi', 'exec', 'incrby', 'rename', 'getdel', 'getex'];

let fixture: CheckFixture;
beforeAll(async () => {
  fixture = await CheckFixture.create(redisUrl, databaseUrl);
});
afterAll(async () => {
  await fixture.cleanup();
});

describe('cachelab check on Redis', () => {
  it('sends read commands only, as MONITOR sees them, through strings, a hash, a list and a recheck', async () => {
    await fixture.seed([
      ...catalogue(600, 3, 60_000), // two MGET batches, three differences to recheck
      { id: 601, doc: { a: '1' }, price: 1, cache: { hash: { a: '1' } } },
      { id: 602, doc: { a: '1' }, price: 1, cache: { list: ['1'] } },
    ]);
    // monitor() opens a connection of its own; the client it is called on never connects.
    const monitor = await new Redis(redisUrl, { lazyConnect: true }).monitor();
    const seen: { source: string; command: string[] }[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ source, command: args.map(String) }));
    try {
      const report = await checkCommand({
        redisUrl,
        databaseUrl,
        query: fixture.docQuery,
        keyTemplate: fixture.docKey,
        sample: 1000,
        comparison: 'json',
        recheckMs: 100,
        statementTimeoutMs: 10_000,
        maxInconsistent: 0,
      });
      // The hash's fields as a JSON object agree with the row; the list cannot.
      expect(report.totals).toMatchObject({ sampled: 602, consistent: 598, different: 4, stuck: 4 });
      // MONITOR shows a command once it ran; the check's last ones may still be on their way to it.
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline && !seen.some((s) => s.command[0]?.toLowerCase() === 'mget' && s.command.length === 5)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      monitor.disconnect();
    }

    const checker = new Set(seen.filter((s) => s.command[0]?.toLowerCase() === 'client' && s.command[1]?.toLowerCase() === 'setname' && s.command[2] === 'cachelab-check').map((s) => s.source));
    expect(checker.size).toBeGreaterThan(0);
    const fromChecker = seen.filter((s) => checker.has(s.source));
    const sent = fromChecker.map((s) => s.command[0]?.toLowerCase() ?? '');
    // Not vacuous: both batches of the first pass, the type lookups and the recheck were all seen
    // (checks of other test files, on keys of their own, may be seen too).
    const ours = fromChecker.filter((s) => s.command[0]?.toLowerCase() === 'mget' && s.command[1]?.startsWith(fixture.prefix));
    expect(ours.map((s) => s.command.length - 1)).toEqual([500, 102, 4]);
    expect(sent).toContain('pttl');
    expect(sent).toContain('type');
    expect(sent).toContain('hgetall');
    expect(sent.filter((c) => !READ_ONLY.has(c))).toEqual([]);
    expect(sent.filter((c) => WRITES.includes(c))).toEqual([]);
  });
});
