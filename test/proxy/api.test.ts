import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import type { ProxyServer } from '../../src/proxy/server.js';
import { api, connectOutcome, EchoServer, freePort, portOf, startTestServer } from './helpers.js';

/** The API, status codes and bodies as Toxiproxy's own api_test.go asserts them. */
let server: ProxyServer;
let echo: EchoServer;
let tp: Toxiproxy;

beforeAll(async () => {
  server = await startTestServer();
  echo = await EchoServer.start();
  tp = new Toxiproxy(server.url);
});

afterAll(async () => {
  await server.close();
  await echo.close();
});

afterEach(async () => {
  const all = await api(server.url, 'GET', '/proxies');
  for (const name of Object.keys(all.json<Record<string, unknown>>())) {
    await api(server.url, 'DELETE', `/proxies/${encodeURIComponent(name)}`);
  }
});

const create = (body: unknown) => api(server.url, 'POST', '/proxies', body);
const errorBody = (message: string, status: number) => `{"error":"${message}","status":${status}}\n`;

describe('middleware and routing', () => {
  it('puts a 20-character request id on every matched response, errors included', async () => {
    for (const [method, path] of [
      ['GET', '/proxies'],
      ['GET', '/version'],
      ['GET', '/proxies/missing'],
      ['POST', '/reset'],
    ] as const) {
      const res = await api(server.url, method, path);
      expect(res.headers.get('x-toxiproxy-request-id'), `${method} ${path}`).toMatch(/^[0-9a-v]{20}$/);
    }
    const a = await api(server.url, 'GET', '/version');
    const b = await api(server.url, 'GET', '/version');
    expect(a.headers.get('x-toxiproxy-request-id')).not.toBe(b.headers.get('x-toxiproxy-request-id'));
  });

  it('refuses browsers (Mozilla/ user agents) with 403, and lets Wget through', async () => {
    const browser = await api(server.url, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11)' });
    expect(browser.status).toBe(403);
    expect(browser.text).toBe('User agent not allowed\n');
    expect(browser.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const wget = await api(server.url, 'GET', '/proxies', undefined, { 'User-Agent': 'Wget/2.1' });
    expect(wget.status).toBe(200);
  });

  it('answers unknown paths with 404 page not found, and a trailing slash does not match', async () => {
    for (const path of ['/nope', '/proxies/', '/proxies/a/toxics/', '/proxies/a/b', '/metrics']) {
      const res = await api(server.url, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.text).toBe('404 page not found\n');
      expect(res.headers.get('x-toxiproxy-request-id')).toBeNull();
    }
  });

  it('answers a known path with the wrong method with an empty 405', async () => {
    for (const [method, path] of [
      ['PUT', '/proxies'],
      ['GET', '/reset'],
      ['GET', '/populate'],
      ['PATCH', '/proxies'],
      ['PUT', '/proxies/a/toxics/b'],
      ['POST', '/version'],
    ] as const) {
      const res = await api(server.url, method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.text).toBe('');
    }
  });

  it('reports version 2.12.0 with the exact body and content type', async () => {
    const res = await api(server.url, 'GET', '/version');
    expect(res.text).toBe('{"version": "2.12.0"}\n');
    expect(res.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect(await tp.getVersion()).toBe('{"version": "2.12.0"}\n');
  });
});

describe('proxies', () => {
  it('lists nothing when there are no proxies', async () => {
    const res = await api(server.url, 'GET', '/proxies');
    expect(res.status).toBe(200);
    expect(res.text).toBe('{}');
    expect(await tp.getAll()).toEqual({});
  });

  it('creates with 201, rewrites listen to the bound address, keeps upstream verbatim, keys in order', async () => {
    const res = await create({ name: 'one', listen: 'localhost:0', upstream: 'localhost:20001' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.text).toMatch(
      /^\{"name":"one","listen":"127\.0\.0\.1:\d+","upstream":"localhost:20001","enabled":true,"toxics":\[\]\}$/,
    );
  });

  it('echoes localhost:PORT as 127.0.0.1:PORT in list and get', async () => {
    const port = await freePort();
    await create({ name: 'fixed', listen: `localhost:${port}`, upstream: echo.upstream });
    const list = await api(server.url, 'GET', '/proxies');
    expect(list.json()).toEqual({
      fixed: { name: 'fixed', listen: `127.0.0.1:${port}`, upstream: echo.upstream, enabled: true, toxics: [] },
    });
    const one = await tp.get('fixed');
    expect([one.listen, one.upstream, one.enabled]).toEqual([`127.0.0.1:${port}`, echo.upstream, true]);
  });

  it('requires name and upstream', async () => {
    const noName = await create({ listen: '127.0.0.1:0', upstream: echo.upstream });
    expect([noName.status, noName.text]).toEqual([400, errorBody('missing required field: name', 400)]);
    expect(noName.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(noName.headers.get('x-content-type-options')).toBe('nosniff');
    const noUpstream = await create({ name: 'x', listen: '127.0.0.1:0' });
    expect([noUpstream.status, noUpstream.text]).toEqual([400, errorBody('missing required field: upstream', 400)]);
  });

  it('refuses a duplicate name with 409, and allows it again after delete', async () => {
    const body = { name: 'dup', listen: '127.0.0.1:0', upstream: echo.upstream };
    expect((await create(body)).status).toBe(201);
    const again = await create(body);
    expect([again.status, again.text]).toEqual([409, errorBody('proxy already exists', 409)]);
    await expect(tp.createProxy(body)).rejects.toThrow('Request failed with status code 409');
    expect((await api(server.url, 'DELETE', '/proxies/dup')).status).toBe(204);
    expect((await create(body)).status).toBe(201);
  });

  it('answers a port clash with 500 and the bind error, and reuses the port once the holder is gone', async () => {
    const port = await freePort();
    await create({ name: 'holder', listen: `127.0.0.1:${port}`, upstream: echo.upstream });
    const clash = await create({ name: 'clash', listen: `127.0.0.1:${port}`, upstream: echo.upstream });
    expect([clash.status, clash.text]).toEqual([
      500,
      errorBody(`listen tcp 127.0.0.1:${port}: bind: address already in use`, 500),
    ]);
    expect((await api(server.url, 'GET', '/proxies/clash')).status).toBe(404);
    await api(server.url, 'DELETE', '/proxies/holder');
    expect((await create({ name: 'clash', listen: `127.0.0.1:${port}`, upstream: echo.upstream })).status).toBe(201);
  });

  it('keeps a disabled proxy unbound with its listen as given, and enabling/disabling toggles connects', async () => {
    const port = await freePort();
    const res = await create({ name: 'off', listen: `localhost:${port}`, upstream: echo.upstream, enabled: false });
    expect(res.json()).toMatchObject({ listen: `localhost:${port}`, enabled: false });
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    const on = await api(server.url, 'PATCH', '/proxies/off', { enabled: true });
    expect(on.json()).toMatchObject({ listen: `127.0.0.1:${port}`, enabled: true });
    expect(await connectOutcome(port)).toBe('connected');
    const proxy = await tp.get('off');
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  });

  it('deletes with 204: the port refuses, the list is empty, a second delete is 404', async () => {
    const created = await create({ name: 'gone', listen: '127.0.0.1:0', upstream: echo.upstream });
    const port = portOf(created.json<{ listen: string }>().listen);
    const del = await api(server.url, 'DELETE', '/proxies/gone');
    expect([del.status, del.text]).toEqual([204, '']);
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
    expect((await api(server.url, 'GET', '/proxies')).text).toBe('{}');
    const again = await api(server.url, 'DELETE', '/proxies/gone');
    expect([again.status, again.text]).toEqual([404, errorBody('proxy not found', 404)]);
  });

  it('updates with merge semantics through POST and PATCH; a changed listen moves the proxy', async () => {
    const created = await create({ name: 'mv', listen: '127.0.0.1:0', upstream: echo.upstream });
    const oldPort = portOf(created.json<{ listen: string }>().listen);
    const newPort = await freePort();
    const moved = await api(server.url, 'POST', '/proxies/mv', { listen: `127.0.0.1:${newPort}`, name: 'ignored' });
    expect(moved.status).toBe(200);
    expect(moved.json()).toEqual({ name: 'mv', listen: `127.0.0.1:${newPort}`, upstream: echo.upstream, enabled: true, toxics: [] });
    expect(await connectOutcome(oldPort)).toBe('ECONNREFUSED');
    expect(await connectOutcome(newPort)).toBe('connected');
    const bad = await api(server.url, 'PATCH', '/proxies/mv', { listen: 'local373' });
    expect([bad.status, bad.text]).toEqual([500, errorBody('address local373: missing port in address', 500)]);
    expect((await api(server.url, 'PATCH', '/proxies/nope', {})).status).toBe(404);
  });

  it('names JSON decoding errors like Go does', async () => {
    const cases: [unknown, string][] = [
      ['', 'bad request body: EOF'],
      ['   ', 'bad request body: EOF'],
      ['{"name":', 'bad request body: unexpected EOF'],
      ['[1]', 'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy'],
      [{ name: 5 }, 'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string'],
      [{ name: 'a', upstream: 'b', enabled: 'yes' }, 'bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool'],
    ];
    for (const [body, message] of cases) {
      const res = await create(body);
      expect([res.status, res.text], JSON.stringify(body)).toEqual([400, errorBody(message, 400)]);
    }
    // Only the first JSON value counts, keys match case-insensitively, unknown keys are ignored.
    const lenient = await create('{"Name":"lenient","UPSTREAM":"x:1","listen":"127.0.0.1:0","extra":[1]} trailing');
    expect(lenient.status).toBe(201);
    expect(lenient.json()).toMatchObject({ name: 'lenient', upstream: 'x:1' });
  });
});

describe('populate', () => {
  const populate = (body: unknown) => api(server.url, 'POST', '/populate', body);

  it('creates proxies in input order, enabled by default, and connectable', async () => {
    const res = await populate([
      { name: 'b', listen: '127.0.0.1:0', upstream: echo.upstream },
      { name: 'a', listen: '127.0.0.1:0', upstream: echo.upstream },
    ]);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    const { proxies } = res.json<{ proxies: { name: string; listen: string; enabled: boolean }[] }>();
    expect(proxies.map((p) => [p.name, p.enabled])).toEqual([
      ['b', true],
      ['a', true],
    ]);
    for (const p of proxies) expect(await connectOutcome(portOf(p.listen))).toBe('connected');
  });

  it('works through the client, and leaves disabled entries unconnectable', async () => {
    const port = await freePort();
    const result = await tp.populate([
      { name: 'on', listen: '127.0.0.1:0', upstream: echo.upstream },
      { name: 'down', listen: `127.0.0.1:${port}`, upstream: echo.upstream, enabled: false },
    ]);
    expect(Object.keys(result)).toEqual(['on', 'down']);
    expect(result.down?.enabled).toBe(false);
    expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  });

  it('keeps an unchanged existing proxy with its toxic, and replaces a changed one', async () => {
    const port = await freePort();
    await create({ name: 'kept', listen: `127.0.0.1:${port}`, upstream: echo.upstream });
    await api(server.url, 'POST', '/proxies/kept/toxics', { type: 'latency', attributes: { latency: 10 } });
    await create({ name: 'changed', listen: '127.0.0.1:0', upstream: echo.upstream });
    await api(server.url, 'POST', '/proxies/changed/toxics', { type: 'latency' });
    const newPort = await freePort();
    const res = await populate([
      { name: 'kept', listen: `localhost:${port}`, upstream: echo.upstream, enabled: false },
      { name: 'changed', listen: `127.0.0.1:${newPort}`, upstream: echo.upstream },
    ]);
    const { proxies } = res.json<{ proxies: { name: string; listen: string; enabled: boolean; toxics: unknown[] }[] }>();
    expect(proxies[0]).toMatchObject({ name: 'kept', listen: `127.0.0.1:${port}`, enabled: true });
    expect(proxies[0]?.toxics).toHaveLength(1);
    expect(proxies[1]).toMatchObject({ name: 'changed', listen: `127.0.0.1:${newPort}`, toxics: [] });
  });

  it('validates every entry first: a missing name in entry 2 creates nothing', async () => {
    const res = await populate([
      { name: 'first', listen: '127.0.0.1:0', upstream: echo.upstream },
      { listen: '127.0.0.1:0', upstream: echo.upstream },
    ]);
    expect([res.status, res.text]).toEqual([400, '{"error":"missing required field: name at proxy 2","status":400,"proxies":null}']);
    expect((await api(server.url, 'GET', '/proxies')).text).toBe('{}');
  });

  it('stops part-way on a bad listen, keeping the entries before it', async () => {
    const res = await populate([
      { name: 'p1', listen: '127.0.0.1:0', upstream: echo.upstream },
      { name: 'p2', listen: 'local373', upstream: echo.upstream },
      { name: 'p3', listen: '127.0.0.1:0', upstream: echo.upstream },
    ]);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = res.json<{ error: string; status: number; proxies: { name: string }[] }>();
    expect(Object.keys(body)).toEqual(['error', 'status', 'proxies']);
    expect(body.error).toBe('listen tcp: address local373: missing port in address');
    expect(body.proxies.map((p) => p.name)).toEqual(['p1']);
    expect(res.text.endsWith('\n')).toBe(false);
    expect(Object.keys((await api(server.url, 'GET', '/proxies')).json<object>())).toEqual(['p1']);
  });

  it('answers an empty array with proxies null, and refuses a non-array', async () => {
    const empty = await populate([]);
    expect([empty.status, empty.text]).toEqual([201, '{"proxies":null}']);
    const object = await populate({ name: 'x' });
    expect(object.status).toBe(400);
    expect(object.json()).toEqual({
      error: 'bad request body: json: cannot unmarshal object into Go value of type []toxiproxy.Proxy',
      status: 400,
      proxies: null,
    });
  });

  it('lets a toxic be added to a populated proxy', async () => {
    const proxies = await tp.populate([{ name: 'pop', listen: '127.0.0.1:0', upstream: echo.upstream }]);
    const toxic = await proxies.pop!.addToxic(<ICreateToxicBody<Latency>>{ type: 'latency', attributes: { latency: 1, jitter: 0 } });
    expect(toxic.name).toBe('latency_downstream');
  });
});

describe('toxics', () => {
  const addToxic = (body: unknown, proxy = 'tx') => api(server.url, 'POST', `/proxies/${proxy}/toxics`, body);

  const withProxy = async (): Promise<void> => {
    await create({ name: 'tx', listen: '127.0.0.1:0', upstream: echo.upstream });
  };

  it('creates with 200, defaults (downstream, toxicity 1, name type_stream), attributes in order with zeros', async () => {
    await withProxy();
    const res = await addToxic({ type: 'latency', attributes: { latency: 100 } });
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      '{"attributes":{"latency":100,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}',
    );
    const noop = await addToxic({ type: 'noop' });
    expect(noop.text).toBe('{"attributes":{},"name":"noop_downstream","type":"noop","stream":"downstream","toxicity":1}');
    const slicer = await addToxic({ type: 'slicer', stream: 'upstream', attributes: { average_size: 10 } });
    expect(slicer.json()).toMatchObject({ attributes: { average_size: 10, size_variation: 0, delay: 0 }, name: 'slicer_upstream' });
  });

  it('allows two latency toxics in one direction, and reports upstream toxics first', async () => {
    await withProxy();
    await addToxic({ type: 'latency', name: 'l1' });
    await addToxic({ type: 'latency', name: 'l2' });
    await addToxic({ type: 'latency', name: 'u1', stream: 'upstream' });
    const list = await api(server.url, 'GET', '/proxies/tx/toxics');
    expect(list.json<{ name: string }[]>().map((t) => t.name)).toEqual(['u1', 'l1', 'l2']);
    const proxy = await api(server.url, 'GET', '/proxies/tx');
    expect(proxy.json<{ toxics: { name: string }[] }>().toxics.map((t) => t.name)).toEqual(['u1', 'l1', 'l2']);
  });

  it('refuses a name clash within and across streams, but default names differ per stream', async () => {
    await withProxy();
    await addToxic({ type: 'latency', name: 'same' });
    const within = await addToxic({ type: 'latency', name: 'same' });
    expect([within.status, within.text]).toEqual([409, errorBody('toxic already exists', 409)]);
    const across = await addToxic({ type: 'bandwidth', name: 'same', stream: 'upstream', attributes: { rate: 1 } });
    expect(across.status).toBe(409);
    expect((await addToxic({ type: 'latency', stream: 'upstream' })).status).toBe(200);
    expect((await addToxic({ type: 'latency', stream: 'downstream' })).status).toBe(200);
  });

  it('echoes toxicity 0.2, parses the stream in any case and echoes its spelling', async () => {
    await withProxy();
    expect((await addToxic({ type: 'latency', toxicity: 0.2 })).json()).toMatchObject({ toxicity: 0.2 });
    const mixed = await addToxic({ type: 'latency', stream: 'UpStream' });
    expect(mixed.json()).toMatchObject({ name: 'latency_UpStream', stream: 'UpStream' });
  });

  it('checks in the real order: proxy, body, stream, type, name, attributes', async () => {
    expect((await addToxic({ type: 'latency' }, 'missing')).text).toBe(errorBody('proxy not found', 404));
    await withProxy();
    await addToxic({ type: 'latency', name: 'taken' });
    const cases: [unknown, number, string][] = [
      ['', 400, 'bad request body: EOF'],
      [{ type: 7 }, 400, 'bad request body: json: cannot unmarshal number into Go struct field ToxicWrapper.type of type string'],
      [{ type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'latency', stream: '' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'down', stream: 'nope' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'down' }, 400, 'invalid toxic type'],
      [{ name: 'taken' }, 400, 'invalid toxic type'],
      [{ type: 'latency', name: 'taken', attributes: { latency: 'x' } }, 409, 'toxic already exists'],
      [
        { type: 'latency', attributes: { latency: 'x' } },
        400,
        'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64',
      ],
      [
        { type: 'latency', attributes: { jitter: 1.5 } },
        400,
        'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.jitter of type int64',
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await addToxic(body);
      expect([res.status, res.text], JSON.stringify(body)).toEqual([status, errorBody(message, status)]);
    }
  });

  it('answers 400 where the real server would stall or crash, and says what is valid', async () => {
    await withProxy();
    const cases: [unknown, RegExp][] = [
      [{ type: 'slicer', attributes: { average_size: 0 } }, /average_size must be an integer from 1 to/],
      [{ type: 'slicer', attributes: { average_size: 10, size_variation: 20 } }, /size_variation \(20\) must be at most average_size \+ 1 \(11\)/],
      [{ type: 'slicer', attributes: { average_size: 5, size_variation: 7 } }, /must be at most average_size \+ 1/],
      [{ type: 'bandwidth', attributes: { rate: 0 } }, /bandwidth attribute rate must be an integer from 1 to \d+ \(KB\/s\), got 0/],
      [{ type: 'bandwidth' }, /rate must be an integer from 1/],
      [{ type: 'latency', attributes: { latency: -1 } }, /latency attribute latency must be an integer from 0 to 2147483647 \(ms\), got -1/],
      [{ type: 'timeout', attributes: { timeout: 1e12 } }, /from 0 to 2147483647 \(ms\)/],
      [{ type: 'limit_data', attributes: { bytes: -5 } }, /limit_data attribute bytes must be an integer from 0/],
      [{ type: 'latency', toxicity: -0.5 }, /toxicity must not be negative/],
      [{ type: 'latency', toxicity: 1e39 }, /cannot unmarshal number 1e\+39 into Go struct field ToxicWrapper.toxicity of type float32/],
      [{ type: 'latency', attributes: { latency: 1e300 } }, /cannot unmarshal number 1e\+300 into Go struct field LatencyToxic.attributes.latency of type int64/],
    ];
    for (const [body, message] of cases) {
      const res = await addToxic(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json<{ error: string }>().error, JSON.stringify(body)).toMatch(/^bad request body: /);
      expect(res.json<{ error: string }>().error, JSON.stringify(body)).toMatch(message);
    }
    expect((await api(server.url, 'GET', '/proxies/tx/toxics')).text).toBe('[]');
  });

  it('shows, updates with merge semantics, and removes toxics', async () => {
    await withProxy();
    await addToxic({ type: 'latency', name: 'lat', toxicity: 0.5, attributes: { latency: 100, jitter: 10 } });
    const shown = await api(server.url, 'GET', '/proxies/tx/toxics/lat');
    expect(shown.json()).toEqual({ attributes: { latency: 100, jitter: 10 }, name: 'lat', type: 'latency', stream: 'downstream', toxicity: 0.5 });
    const updated = await api(server.url, 'PATCH', '/proxies/tx/toxics/lat', { attributes: { latency: 50 }, name: 'x', type: 'slicer', stream: 'upstream' });
    expect(updated.json()).toEqual({ attributes: { latency: 50, jitter: 10 }, name: 'lat', type: 'latency', stream: 'downstream', toxicity: 0.5 });
    const viaPost = await api(server.url, 'POST', '/proxies/tx/toxics/lat', { toxicity: 1 });
    expect(viaPost.json()).toMatchObject({ attributes: { latency: 50, jitter: 10 }, toxicity: 1 });
    const empty = await api(server.url, 'POST', '/proxies/tx/toxics/lat', '');
    expect([empty.status, empty.text]).toEqual([400, errorBody('bad request body: EOF', 400)]);
    const invalid = await api(server.url, 'POST', '/proxies/tx/toxics/lat', { attributes: { latency: -3 } });
    expect(invalid.status).toBe(400);
    expect((await api(server.url, 'GET', '/proxies/tx/toxics/lat')).json()).toMatchObject({ attributes: { latency: 50 } });
    expect((await api(server.url, 'PATCH', '/proxies/tx/toxics/nope', {})).text).toBe(errorBody('toxic not found', 404));
    expect((await api(server.url, 'GET', '/proxies/tx/toxics/nope')).text).toBe(errorBody('toxic not found', 404));
    expect((await api(server.url, 'GET', '/proxies/nope/toxics/lat')).text).toBe(errorBody('proxy not found', 404));
    const del = await api(server.url, 'DELETE', '/proxies/tx/toxics/lat');
    expect([del.status, del.text]).toEqual([204, '']);
    expect((await api(server.url, 'DELETE', '/proxies/tx/toxics/lat')).status).toBe(404);
    expect((await api(server.url, 'GET', '/proxies/tx/toxics')).text).toBe('[]');
  });

  it('works through toxiproxy-node-client: add, get, update (merge), remove', async () => {
    const proxy = await tp.createProxy({ name: 'client', listen: '127.0.0.1:0', upstream: echo.upstream });
    const toxic = await proxy.addToxic(<ICreateToxicBody<Latency>>{ type: 'latency', stream: 'upstream', attributes: { latency: 20, jitter: 5 } });
    expect([toxic.name, toxic.stream, toxic.toxicity]).toEqual(['latency_upstream', 'upstream', 1]);
    const fetched = await proxy.getToxic<Latency>('latency_upstream');
    expect(fetched.attributes).toEqual({ latency: 20, jitter: 5 });
    const updated = await fetched.update({ ...fetched.toJson(), attributes: { latency: 40, jitter: 5 } });
    expect(updated.attributes).toEqual({ latency: 40, jitter: 5 });
    await updated.remove();
    await expect(proxy.getToxic('latency_upstream')).rejects.toThrow('Request failed with status code 404');
    await expect(proxy.addToxic(<ICreateToxicBody<Latency>>{ type: 'down' })).rejects.toThrow('status code 400');
  });
});

describe('reset', () => {
  it('re-enables every proxy and removes every toxic, with 204', async () => {
    const port = await freePort();
    await create({ name: 'r1', listen: `127.0.0.1:${port}`, upstream: echo.upstream, enabled: false });
    await create({ name: 'r2', listen: '127.0.0.1:0', upstream: echo.upstream });
    await api(server.url, 'POST', '/proxies/r1/toxics', { type: 'latency' });
    await api(server.url, 'POST', '/proxies/r2/toxics', { type: 'timeout', stream: 'upstream' });
    const res = await api(server.url, 'POST', '/reset');
    expect([res.status, res.text]).toEqual([204, '']);
    const all = (await api(server.url, 'GET', '/proxies')).json<Record<string, { enabled: boolean; toxics: unknown[] }>>();
    expect(Object.values(all).map((p) => [p.enabled, p.toxics.length])).toEqual([
      [true, 0],
      [true, 0],
    ]);
    expect(await connectOutcome(port)).toBe('connected');
    await tp.reset();
  });
});
