import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDbDriver, defaultPgSettings, type DbDriver } from '../../src/drivers/postgres.js';

// The PostgreSQL driver when the link dies under a connection it has handed out: a bare TCP pipe
// to the suite's real PostgreSQL that the test can cut.
const databaseUrl = inject('databaseUrl');

describe('the PostgreSQL driver when the link fails under a connection it handed out', () => {
  let pipe: Server;
  const open = new Set<Socket>();
  let driver: DbDriver;
  /** While true the pipe swallows what the app sends: the link looks up but nothing answers. */
  let blackhole = false;

  beforeAll(async () => {
    const target = new URL(databaseUrl);
    pipe = createServer((client) => {
      const server = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, server]) {
        open.add(s);
        s.on('close', () => open.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (chunk: Buffer) => blackhole || server.write(chunk));
      server.pipe(client);
    });
    await new Promise<void>((resolve) => pipe.listen(0, '127.0.0.1', resolve));
    const through = new URL(databaseUrl);
    through.hostname = '127.0.0.1';
    through.port = String((pipe.address() as { port: number }).port);
    driver = createDbDriver(through.toString(), 'public', { ...defaultPgSettings, poolMax: 1, queryTimeoutMs: 300, connectionTimeoutMs: 1000 });
  });

  afterAll(async () => {
    await driver.close();
    for (const s of open) s.destroy();
    await new Promise((resolve) => pipe.close(resolve));
  });

  it('answers fail inside the transaction, does not crash the process, and the pool serves again', async () => {
    const tx = await driver.begin();
    if (tx.outcome !== 'ok') throw new Error(`begin: ${tx.error}`);
    const cut = [...open];
    for (const s of cut) s.destroy();
    // Wait for the client to hear of the cut: with no listener on it, its 'error' event would
    // be an uncaught exception that fails this test.
    const deadline = Date.now() + 5000;
    let statement = await tx.value.query('SELECT 1 AS one');
    while (statement.outcome === 'ok' && Date.now() < deadline) statement = await tx.value.query('SELECT 1 AS one');
    expect(statement.outcome).toBe('fail');
    // The pool of one was not left holding the dead connection.
    expect(await driver.query('SELECT 2 AS two')).toEqual({ outcome: 'ok', value: [{ two: 2 }] });
  });

  it('gives back a connection whose BEGIN got no answer, so the pool does not run dry', async () => {
    expect((await driver.query('SELECT 1')).outcome).toBe('ok'); // one pooled connection, idle
    blackhole = true;
    const tx = await driver.begin();
    blackhole = false;
    expect(tx.outcome).toBe('fail');
    // A pool of one: this waits for that connection unless begin() destroyed it.
    expect(await driver.query('SELECT 3 AS three')).toEqual({ outcome: 'ok', value: [{ three: 3 }] });
  });
});
