import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startStack } from '../../src/stack/stack.js';
import { labErrorOf } from './helpers.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('local stack without redis-server', () => {
  it('fails with an environment error that says how to install Redis, before creating anything', async () => {
    vi.stubEnv('CACHELAB_REDIS_SERVER', '/nonexistent');
    const runId = 'noredis_' + process.pid;

    const error = await labErrorOf(startStack({ mode: 'local', runId }));

    expect(error.code).toBe('environment');
    expect(error.message).toContain('CACHELAB_REDIS_SERVER=/nonexistent');
    expect(error.hint).toContain('apt-get install redis-server');
    expect(error.hint).toContain('brew install redis');
    expect(error.hint).toContain('--redis-url');
    expect(existsSync(join(tmpdir(), `cachelab-${runId}`))).toBe(false);
  });
});
