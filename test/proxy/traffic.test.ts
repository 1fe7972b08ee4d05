import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyServer } from '../../src/proxy/server.js';
import { api, connectClient, connectOutcome, EchoServer, freePort, portOf, fastestRoundTrip, roundTrip, startTestServer, waitFor, type Peer } from './helpers.js';

/** Real TCP through the proxy to an echo server: what proxy_test.go, link_test.go and toxics/*_test.go assert. */
let server: ProxyServer;
let echo: EchoServer;
const clients: Peer[] = [];

beforeAll(async () => {
  server = await startTestServer();
  echo = await EchoServer.start();
});

afterAll(async () => {
  await server.close();
  await echo.close();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.destroy();
  await api(server.url, 'DELETE', '/proxies/p');
});

/** Creates proxy "p" in front of the echo server (or `upstream`) and returns its port. */
async function proxy(upstream = echo.upstream): Promise<number> {
  const res = await api(server.url, 'POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream });
  expect(res.status).toBe(201);
  return portOf(res.json<{ listen: string }>().listen);
}

async function client(port: number): Promise<Peer> {
  const peer = await connectClient(port);
  clients.push(peer);
  return peer;
}

async function toxic(body: Record<string, unknown>): Promise<void> {
  const res = await api(server.url, 'POST', '/proxies/p/toxics', body);
  expect(res.status, res.text).toBe(200);
}

const patch = async (path: string, body: unknown): Promise<void> => {
  expect((await api(server.url, 'PATCH', path, body)).status).toBe(200);
};
const remove = async (path: string): Promise<void> => {
  expect((await api(server.url, 'DELETE', path)).status).toBe(204);
};

function bytes(length: number): Buffer {
  const buf = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buf[i] = (i * 7) & 0xff;
  return buf;
}

describe('plain proxying', () => {
  it('carries a simple message, a 64 KiB message and a message written in two parts intact', async () => {
    const peer = await client(await proxy());
    await roundTrip(peer, 'hello world');
    await roundTrip(peer, bytes(64 * 1024));
    peer.socket.write('hello ');
    peer.socket.write('world');
    expect((await peer.read(11)).toString()).toBe('hello world');
  });

  it('accepts then closes a client when the upstream is down: EOF within 500 ms', async () => {
    const peer = await client(await proxy(`127.0.0.1:${await freePort()}`));
    await peer.waitClosed(500);
    expect(peer.ended).toBe(true);
    expect(peer.received.length).toBe(0);
  });

  it('has no half-close: a FIN from the client takes both sockets down', async () => {
    const peer = await client(await proxy());
    await roundTrip(peer, 'x');
    const upstreamSide = echo.peers.at(-1)!;
    peer.socket.end();
    await upstreamSide.waitClosed();
    await peer.waitClosed();
  });

  it('adds well under a millisecond per round trip on average', async () => {
    const direct = await connectClient(echo.port);
    clients.push(direct);
    const proxied = await client(await proxy());
    const average = async (peer: Peer): Promise<number> => {
      let total = 0;
      for (let i = 0; i < 200; i++) total += await roundTrip(peer, 'ping');
      return total / 200;
    };
    await average(proxied);
    const added = (await average(proxied)) - (await average(direct));
    expect(added).toBeLessThan(1);
  });
});

describe('latency', () => {
  it('adds 100 ms (±10) downstream to an already open connection, and goes back to baseline when removed', async () => {
    const peer = await client(await proxy());
    const baseline = await fastestRoundTrip(peer, 'a');
    await toxic({ type: 'latency', attributes: { latency: 100 } });
    const delayed = await fastestRoundTrip(peer, bytes(32 * 1024));
    expect(delayed).toBeGreaterThanOrEqual(99);
    expect(delayed).toBeLessThanOrEqual(110 + baseline);
    await remove('/proxies/p/toxics/latency_downstream');
    expect(await fastestRoundTrip(peer, 'b')).toBeLessThan(20);
  });

  it('adds up across directions and across two chained toxics', async () => {
    const peer = await client(await proxy());
    await toxic({ type: 'latency', stream: 'upstream', attributes: { latency: 100 } });
    await toxic({ type: 'latency', name: 'down1', attributes: { latency: 50 } });
    await toxic({ type: 'latency', name: 'down2', attributes: { latency: 50 } });
    const elapsed = await fastestRoundTrip(peer, 'x');
    // Three timers in a row on a shared 2-core machine: the lower bound is the point (they add up).
    expect(elapsed).toBeGreaterThanOrEqual(199);
    expect(elapsed).toBeLessThanOrEqual(230);
  });

  it('applies an update live, keeping the attributes not given', async () => {
    const peer = await client(await proxy());
    await toxic({ type: 'latency', attributes: { latency: 200, jitter: 0 } });
    await patch('/proxies/p/toxics/latency_downstream', { attributes: { latency: 30 } });
    const elapsed = await fastestRoundTrip(peer, 'x');
    expect(elapsed).toBeGreaterThanOrEqual(29);
    expect(elapsed).toBeLessThan(60);
  });

  it('never fires at toxicity 0', async () => {
    const port = await proxy();
    await toxic({ type: 'latency', toxicity: 0, attributes: { latency: 1000 } });
    for (let i = 0; i < 10; i++) expect(await roundTrip(await client(port), 'x')).toBeLessThan(100);
  });

  it('keeps order and loses nothing over 65535 two-byte writes while toxics are added and removed', async () => {
    const peer = await client(await proxy());
    await toxic({ type: 'latency', name: 'head', attributes: { latency: 0 } });
    const total = 65_535;
    let writing = true;
    // Two delaying toxics per round, removed first-then-last, so removals hit chunks held mid-chain.
    const churn = (async () => {
      let rounds = 0;
      while (writing) {
        const stream = rounds++ % 2 === 0 ? 'upstream' : 'downstream';
        await toxic({ type: 'latency', name: 'a', stream, attributes: { latency: 10 } });
        await toxic({ type: 'latency', name: 'b', stream, attributes: { latency: 5, jitter: 5 } });
        await remove('/proxies/p/toxics/a');
        await remove('/proxies/p/toxics/b');
      }
      return rounds;
    })();
    for (let i = 0; i < total; i++) {
      const pair = Buffer.alloc(2);
      pair.writeUInt16BE(i);
      peer.socket.write(pair);
      if (i % 256 === 255) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const echoed = await peer.read(total * 2, 20_000);
    writing = false;
    expect(await churn).toBeGreaterThan(5);
    for (let i = 0; i < total; i++) {
      if (echoed.readUInt16BE(i * 2) !== i) throw new Error(`out of order at ${i}: got ${echoed.readUInt16BE(i * 2)}`);
    }
  });
});

describe('closing toxics', () => {
  it('reset_peer added before connecting: the client sees ECONNRESET', async () => {
    const port = await proxy();
    await toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    const peer = await client(port);
    peer.socket.write('x');
    await peer.waitClosed();
    expect(peer.error?.code).toBe('ECONNRESET');
  });

  it('reset_peer with a timeout resets that long after the first chunk', async () => {
    const port = await proxy();
    await toxic({ type: 'reset_peer', attributes: { timeout: 100 } });
    const peer = await client(port);
    const start = performance.now();
    peer.socket.write('x');
    await peer.waitClosed();
    const elapsed = performance.now() - start;
    expect(peer.error?.code).toBe('ECONNRESET');
    expect(elapsed).toBeGreaterThanOrEqual(99);
    expect(elapsed).toBeLessThan(120);
  });

  it('reset_peer added to an open connection closes it normally (FIN, no reset)', async () => {
    const peer = await client(await proxy());
    await roundTrip(peer, 'x');
    await toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    peer.socket.write('y');
    await peer.waitClosed();
    expect(peer.error).toBeUndefined();
    expect(peer.ended).toBe(true);
  });

  it('limit_data delivers exactly N bytes, then closes', async () => {
    const peer = await client(await proxy());
    await toxic({ type: 'limit_data', attributes: { bytes: 10 } });
    peer.socket.write(bytes(100));
    await peer.waitClosed();
    expect(peer.received.equals(bytes(10))).toBe(true);
    expect(peer.error).toBeUndefined();
  });

  it('timeout discards data and closes after its silence', async () => {
    const peer = await client(await proxy());
    await toxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 100 } });
    const start = performance.now();
    peer.socket.write('dropped');
    await peer.waitClosed();
    expect(performance.now() - start).toBeLessThan(200);
    expect(peer.received.length).toBe(0);
  });

  it('timeout at toxicity 0 is a noop, until updated to toxicity 1 (EOF within 150 ms)', async () => {
    const peer = await client(await proxy());
    await toxic({ type: 'timeout', toxicity: 0, attributes: { timeout: 0 } });
    await roundTrip(peer, 'still flowing');
    const start = performance.now();
    await patch('/proxies/p/toxics/timeout_downstream', { toxicity: 1, attributes: { timeout: 100 } });
    await peer.waitClosed(1000);
    expect(performance.now() - start).toBeLessThan(150);
  });

  it('removing a timeout toxic closes its connections on both sides', async () => {
    const peer = await client(await proxy());
    await roundTrip(peer, 'x');
    const upstreamSide = echo.peers.at(-1)!;
    await toxic({ type: 'timeout', attributes: { timeout: 0 } });
    peer.socket.write('swallowed');
    await waitFor('the echo to receive the write', () => upstreamSide.received.length > 0);
    expect(peer.closed).toBe(false);
    await remove('/proxies/p/toxics/timeout_downstream');
    await peer.waitClosed(1000);
    await upstreamSide.waitClosed(1000);
  });

  it('slow_close delays the close coming from the upstream', async () => {
    const peer = await client(await proxy());
    await roundTrip(peer, 'x');
    await toxic({ type: 'slow_close', attributes: { delay: 150 } });
    const start = performance.now();
    echo.peers.at(-1)!.socket.end();
    await peer.waitClosed();
    expect(performance.now() - start).toBeGreaterThanOrEqual(149);
  });

  it('slow_close removed during its wait lets the close through at once', async () => {
    const peer = await client(await proxy());
    await roundTrip(peer, 'x');
    await toxic({ type: 'slow_close', attributes: { delay: 60_000 } });
    echo.peers.at(-1)!.socket.end();
    await waitFor('the upstream FIN to reach the proxy', () => echo.peers.at(-1)!.socket.writableFinished);
    expect(peer.closed).toBe(false);
    await remove('/proxies/p/toxics/slow_close_downstream');
    await peer.waitClosed(500);
  });

  it('an end-of-stream held by a toxic goes through a toxic appended after it', async () => {
    const peer = await client(await proxy());
    await roundTrip(peer, 'x');
    await toxic({ type: 'latency', attributes: { latency: 60_000 } });
    peer.socket.write('held');
    await waitFor('the echo to reach the latency toxic', () => echo.peers.at(-1)!.received.length >= 5);
    echo.peers.at(-1)!.socket.end();
    await toxic({ type: 'slow_close', attributes: { delay: 100 } });
    // Appending restarts the latency toxic: its chunk goes out now, its end-of-stream through slow_close.
    expect((await peer.read(4, 500)).toString()).toBe('held');
    const start = performance.now();
    await peer.waitClosed(1000);
    expect(performance.now() - start).toBeGreaterThanOrEqual(80);
  });
});

describe('shaping toxics', () => {
  it('slicer and bandwidth keep the content intact; bandwidth paces it', async () => {
    const peer = await client(await proxy());
    await toxic({ type: 'slicer', stream: 'upstream', attributes: { average_size: 100, size_variation: 50, delay: 10 } });
    await roundTrip(peer, bytes(20_000));
    await toxic({ type: 'bandwidth', attributes: { rate: 1000 } });
    const elapsed = await roundTrip(peer, bytes(100_000));
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(400);
  });
});

describe('enabling and resetting', () => {
  it('disable refuses new connections and closes open ones; enable brings it back on the same port', async () => {
    const port = await proxy();
    const peer = await client(port);
    await roundTrip(peer, 'x');
    await patch('/proxies/p', { enabled: false });
    await peer.waitClosed();
    expect(peer.error).toBeUndefined();
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    await patch('/proxies/p', { enabled: true });
    await roundTrip(await client(port), 'back');
  });

  it('changing the upstream drops open connections; a hostname-equivalent listen does not', async () => {
    const port = await proxy();
    const peer = await client(port);
    await patch('/proxies/p', { listen: `localhost:${port}` });
    await roundTrip(peer, 'still here');
    await patch('/proxies/p', { upstream: `localhost:${echo.port}` });
    await peer.waitClosed();
    await roundTrip(await client(port), 'new upstream');
  });

  it('reset removes toxics and re-enables, and a persistent connection survives noop changes and reset', async () => {
    const port = await proxy();
    const peer = await client(port);
    await toxic({ type: 'noop' });
    await roundTrip(peer, 'one');
    await remove('/proxies/p/toxics/noop_downstream');
    await roundTrip(peer, 'two');
    await toxic({ type: 'latency', attributes: { latency: 100 } });
    expect((await api(server.url, 'POST', '/reset')).status).toBe(204);
    expect(await roundTrip(peer, 'three')).toBeLessThan(50);
    await patch('/proxies/p', { enabled: false });
    await api(server.url, 'POST', '/reset');
    await roundTrip(await client(port), 'four');
  });
});
