import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');

describe('cachelab proxy', () => {
  let upstream: Server;
  let upstreamPort = 0;
  beforeAll(async () => {
    upstream = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    upstreamPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('serves a Toxiproxy client as the real server would, and stops cleanly on SIGTERM', async () => {
    const child = execa('node', [cli, 'proxy', '--port', '0', '--seed', '7'], { reject: false });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('cachelab proxy never said where it listens')), 20_000);
      child.stderr.on('data', (chunk: Buffer) => {
        const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk.toString());
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });

    const toxiproxy = new Toxiproxy(url);
    expect(JSON.parse(await toxiproxy.getVersion())).toEqual({ version: '2.12.0' });
    const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` });
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(proxy.upstream).toBe(`127.0.0.1:${upstreamPort}`);
    const toxic = await proxy.addToxic({ type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 20, jitter: 0 }, name: 'lat' });
    expect(toxic.toJson()).toMatchObject({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 20, jitter: 0 } });
    await toxiproxy.reset();
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['echo']);

    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
  });

  it('refuses a bad port with exit 2 and says what is valid', async () => {
    const r = await execa('node', [cli, 'proxy', '--port', '99999'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--port must be 0..65535');
  });
});

describe('cachelab proxy on a port already taken', () => {
  it('exits 3 and says how to fix it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const r = await execa('node', [cli, 'proxy', '--port', String(port)], { reject: false, timeout: 20_000 });
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain(`cannot start the fault proxy on 127.0.0.1:${port}`);
      expect(r.stderr).toContain('pick another --port');
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });
});
