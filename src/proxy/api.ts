import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, badRequestBody } from './api-error.js';
import { errorReply, handlers, type Handler, type Reply } from './handlers.js';
import type { ProxyCollection } from './proxy-collection.js';

/** Bodies are read up to this size (bytes); the real server has no limit, but a lab never needs more. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Routes as gorilla/mux matches them in the real server: exact paths, no trailing slash, {proxy} and
 * {toxic} one segment each (matched on the decoded path, so a name containing "/" is unreachable).
 */
function routes(h: Record<string, Handler>): { path: string[]; methods: Record<string, Handler | undefined> }[] {
  return [
    { path: ['reset'], methods: { POST: h.reset } },
    { path: ['proxies'], methods: { GET: h.proxyIndex, POST: h.proxyCreate } },
    { path: ['populate'], methods: { POST: h.populate } },
    {
      path: ['proxies', '{proxy}'],
      methods: { GET: h.proxyShow, POST: h.proxyUpdate, PATCH: h.proxyUpdate, DELETE: h.proxyDelete },
    },
    { path: ['proxies', '{proxy}', 'toxics'], methods: { GET: h.toxicIndex, POST: h.toxicCreate } },
    {
      path: ['proxies', '{proxy}', 'toxics', '{toxic}'],
      methods: { GET: h.toxicShow, POST: h.toxicUpdate, PATCH: h.toxicUpdate, DELETE: h.toxicDelete },
    },
    { path: ['version'], methods: { GET: h.version } },
  ];
}

/** The Toxiproxy v2 HTTP API over `proxies`. Requests run one at a time, in arrival order. */
export function createApiServer(proxies: ProxyCollection, log: (line: string) => void): Server {
  const table = routes(handlers(proxies));
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = (run: () => Reply | Promise<Reply>): Promise<Reply> => {
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let reply: Reply;
    try {
      const match = route(table, req);
      // Unmatched requests get no middleware: no request id.
      if (match === 'bad-path') return send(res, plainText(400, '400 Bad Request\n'));
      if (match === 'not-found') return send(res, plainText(404, '404 page not found\n'));
      if (match === 'wrong-method') return send(res, { status: 405, body: '' });
      // Middleware of matched routes, in the real server's order: request id, browser block.
      res.setHeader('X-Toxiproxy-Request-Id', requestId());
      if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) return send(res, plainText(403, 'User agent not allowed\n'));
      const body = req.method === 'POST' || req.method === 'PATCH' ? await readBody(req) : '';
      reply = await oneAtATime(() => match.handler({ params: match.params, body }));
    } catch (err) {
      if (!(err instanceof ApiError)) log(`api: ${req.method} ${req.url}: ${String(err)}`);
      reply = errorReply(err);
    }
    send(res, reply);
  };

  const server = createServer({ keepAliveTimeout: 60_000, requestTimeout: 15_000 }, (req, res) => void serve(req, res));
  return server;
}

type Match =
  | { handler: Handler; params: Record<string, string> }
  | 'not-found'
  | 'wrong-method'
  | 'bad-path';

function route(table: ReturnType<typeof routes>, req: IncomingMessage): Match {
  const raw = (req.url ?? '/').split('?', 1)[0] ?? '/';
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return 'bad-path';
  }
  const segments = path.split('/').slice(1);
  for (const candidate of table) {
    if (candidate.path.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = candidate.path.every((part, i) => {
      const segment = segments[i] ?? '';
      if (!part.startsWith('{')) return part === segment;
      params[part.slice(1, -1)] = segment;
      return segment !== '';
    });
    if (!matches) continue;
    const handler = candidate.methods[req.method ?? ''];
    return handler === undefined ? 'wrong-method' : { handler, params };
  }
  return 'not-found';
}

function plainText(status: number, body: string): Reply {
  return { status, body, contentType: 'text/plain; charset=utf-8' };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(badRequestBody(`request body larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Plain-text replies are Go's http.Error ones, which always carry nosniff. */
function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  if (reply.contentType !== undefined) res.setHeader('Content-Type', reply.contentType);
  if (reply.contentType?.startsWith('text/plain')) res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  res.writeHead(reply.status);
  res.end(reply.body);
}

/** Request ids as the real server makes them: 20-character xids (time, machine, pid, counter; base32hex). */
const machineId = randomBytes(3);
let counter = randomInt(2 ** 24);

function requestId(): string {
  const id = Buffer.alloc(12);
  id.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  machineId.copy(id, 4);
  id.writeUInt16BE(process.pid & 0xffff, 7);
  counter = (counter + 1) & 0xffffff;
  id.writeUIntBE(counter, 9, 3);
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of id) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out + alphabet[(value << (5 - bits)) & 31];
}
