import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRandom } from '../../src/proxy/random.js';
import type { ProxyServer } from '../../src/proxy/server.js';
import { api, connectClient, EchoServer, portOf, roundTrip, startTestServer } from './helpers.js';

/**
 * A few hundred malformed or random bodies (seeded, so a failure replays) to every endpoint. The server
 * must answer each with a well-formed reply of an expected status, and afterwards still answer and
 * still proxy. Every `listen` sent is forced to a loopback or an unbindable value, so nothing binds
 * beyond 127.0.0.1.
 */
const SEED = 20240611;
const REQUESTS = 400;

let server: ProxyServer;
let echo: EchoServer;

beforeAll(async () => {
  server = await startTestServer();
  echo = await EchoServer.start();
});

afterAll(async () => {
  await server.close();
  await echo.close();
});

const random = createRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const KEYS = [
  'name', 'Name', 'NAME', 'upstream', 'enabled', 'type', 'stream', 'toxicity', 'attributes', 'latency', 'jitter',
  'rate', 'delay', 'timeout', 'average_size', 'size_variation', 'bytes', '__proto__', 'constructor', 'toString', 'x',
];
const STRINGS = [
  '', 'fz', 'fz2', 'latency', 'bandwidth', 'slicer', 'timeout', 'reset_peer', 'limit_data', 'slow_close', 'noop',
  'down', 'upstream', 'downstream', 'UPSTREAM', '127.0.0.1:1', 'x'.repeat(5000), 'é\u0000\u2028<script>', '{"a":1}',
];
const NUMBERS = [0, 1, -1, 0.5, -0.25, 1.5, 100, 1e9, 2 ** 31, 2 ** 53, 2 ** 63, 1e300, -1e300, Number.MIN_VALUE];
const SAFE_LISTENS: unknown[] = ['127.0.0.1:0', 'local373', '127.0.0.1:99999', '127.0.0.1:abc', 'a:b:c', '[::1', 7, true, [], {}];

function value(depth: number): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.1) return null;
  if (roll < 0.2) return random() < 0.5;
  if (roll < 0.45) return pick(NUMBERS);
  if (roll < 0.7) return pick(STRINGS);
  if (roll < 0.8) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 6); i > 0; i--) object[pick(KEYS)] = value(depth + 1);
  if (random() < 0.5) object.attributes = Object.fromEntries(KEYS.slice(9, 17).filter(() => random() < 0.4).map((k) => [k, pick(NUMBERS)]));
  return object;
}

/** Overrides every spelling of "listen" in objects (and array entries) with a safe value. */
function safeListen(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(safeListen);
  if (body === null || typeof body !== 'object') return body;
  const object = Object.fromEntries(Object.entries(body).filter(([k]) => k.toLowerCase() !== 'listen'));
  return { ...object, listen: pick(SAFE_LISTENS) };
}

const RAW = ['', ' ', '{', '[', '{"name":', '{"name":"fz"', 'null', 'nul', 'true', '"str"', '12', '1'.repeat(400),
  '{"a":1}{"b":2}', '\u0000\u0001', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
  '{"attributes":{"latency":"1e999"}}', '{"type":"latency","attributes":{"latency":1e999}}'];

function body(): string {
  if (random() < 0.25) return pick(RAW);
  let b = value(0);
  if (random() < 0.3) b = Array.from({ length: 1 + Math.floor(random() * 3) }, () => value(1));
  return JSON.stringify(safeListen(b));
}

const ENDPOINTS: [string, string][] = [
  ['POST', '/proxies'], ['POST', '/populate'], ['POST', '/proxies/fz'], ['PATCH', '/proxies/fz'],
  ['POST', '/proxies/fz/toxics'], ['POST', '/proxies/fz/toxics/latency_downstream'],
  ['PATCH', '/proxies/fz/toxics/slicer_downstream'], ['DELETE', '/proxies/fz/toxics/latency_downstream'],
  ['GET', '/proxies/fz/toxics'], ['GET', '/proxies'], ['DELETE', '/proxies/fz2'], ['POST', '/reset'],
  ['GET', '/proxies/%zz'], ['PUT', '/proxies/fz'], ['GET', '/proxies/fz/toxics/%2F'],
];

it('answers hundreds of malformed and random requests correctly, then still serves and proxies', async () => {
  const control = await api(server.url, 'POST', '/proxies', { name: 'control', listen: '127.0.0.1:0', upstream: echo.upstream });
  const controlPort = portOf(control.json<{ listen: string }>().listen);
  await api(server.url, 'POST', '/proxies', { name: 'fz', listen: '127.0.0.1:0', upstream: echo.upstream });

  const statuses = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const [method, path] = pick(ENDPOINTS);
    const sent = method === 'POST' || method === 'PATCH' ? body() : '';
    const res = await api(server.url, method, path, sent === '' ? undefined : sent);
    const where = `request ${i}: ${method} ${path} ${sent.slice(0, 200)} -> ${res.status} ${res.text.slice(0, 200)}`;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    expect([200, 201, 204, 400, 404, 405, 409, 500], where).toContain(res.status);
    if (res.status === 204 || res.status === 405) {
      expect(res.text, where).toBe('');
    } else if (res.status >= 400 && !(res.status === 404 && res.text === '404 page not found\n') && path !== '/proxies/%zz') {
      const error = JSON.parse(res.text) as { error: unknown; status: unknown };
      expect(error.status, where).toBe(res.status);
      expect(typeof error.error, where).toBe('string');
      if (res.status === 500) expect(error.error, where).toMatch(/^(listen tcp|address |lookup )/);
      if (path !== '/populate') expect(res.text.endsWith('\n'), where).toBe(true);
    } else if (res.status < 300) {
      expect(() => JSON.parse(res.text) as unknown, where).not.toThrow();
    }
  }
  expect(statuses.get(400) ?? 0).toBeGreaterThan(REQUESTS / 10);
  expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(10);

  expect((await api(server.url, 'GET', '/version')).text).toBe('{"version": "2.12.0"}\n');
  const all = (await api(server.url, 'GET', '/proxies')).json<Record<string, { listen: string; enabled: boolean }>>();
  for (const proxy of Object.values(all)) if (proxy.enabled) expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
  const peer = await connectClient(controlPort);
  await roundTrip(peer, 'still proxying');
  peer.socket.destroy();
});
