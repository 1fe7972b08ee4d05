import { type ApiError, internalError, invalidToxicType, toxicAlreadyExists, toxicNotFound } from './api-error.js';
import {
  checkedToxicity,
  populateInput,
  proxyCreateInput,
  proxyUpdateInput,
  toxicAttributes,
  toxicCreateInput,
  toxicUpdateInput,
} from './api-input.js';
import { goJson } from './go-json.js';
import type { ProxyCollection } from './proxy-collection.js';
import type { Proxy, ProxyJson } from './proxy.js';
import { toxicJson, type Toxic } from './toxic-collection.js';
import { toxicType } from './toxics/registry.js';

/** The version /version reports: the Toxiproxy release whose API we implement. */
export const TOXIPROXY_VERSION = '2.12.0';

/** An HTTP answer: status, body text, content type. */
export interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

export interface Request {
  /** Path parameters: {proxy}, {toxic}. */
  params: Readonly<Record<string, string>>;
  /** The body text ('' when none was sent). */
  body: string;
}

export type Handler = (request: Request) => Reply | Promise<Reply>;

const json = (status: number, value: unknown): Reply => ({ status, body: goJson(value), contentType: 'application/json' });
const noContent: Reply = { status: 204, body: '' };

/** The endpoints of the Toxiproxy v2 API (api.go in the real server). Each runs alone: see api.ts. */
export function handlers(proxies: ProxyCollection): Record<string, Handler> {
  const proxyOf = (request: Request): Proxy => proxies.get(request.params.proxy ?? '');
  const toxicOf = (request: Request): { proxy: Proxy; toxic: Toxic } => {
    const proxy = proxyOf(request);
    const toxic = proxy.toxics.find(request.params.toxic ?? '');
    if (toxic === undefined) throw toxicNotFound();
    return { proxy, toxic };
  };

  return {
    /** Keyed by name; sorted, as Go marshals a map. */
    proxyIndex: () => {
      const all: Record<string, ProxyJson> = {};
      for (const proxy of proxies.list().sort((a, b) => (a.name < b.name ? -1 : 1))) all[proxy.name] = proxy.toJSON();
      return json(200, all);
    },

    proxyCreate: async ({ body }) => json(201, (await proxies.add(proxyCreateInput(body))).toJSON()),

    populate: async ({ body }) => {
      let result;
      try {
        result = await proxies.populate(populateInput(body));
      } catch (err) {
        result = { proxies: [], error: internalError(err) };
      }
      // Go marshals an empty slice of proxies as null, also for an empty input array.
      const list = result.proxies.length === 0 ? null : result.proxies.map((p) => p.toJSON());
      if (result.error === undefined) return json(201, { proxies: list });
      // Unlike every other error: JSON content type, no newline, and the proxies handled so far.
      return json(result.error.status, { error: result.error.message, status: result.error.status, proxies: list });
    },

    proxyShow: (request) => json(200, proxyOf(request).toJSON()),

    proxyUpdate: async (request) => {
      const proxy = proxyOf(request);
      await proxy.update(proxyUpdateInput(request.body, proxy));
      return json(200, proxy.toJSON());
    },

    proxyDelete: ({ params }) => {
      proxies.remove(params.proxy ?? '');
      return noContent;
    },

    toxicIndex: (request) => json(200, proxyOf(request).toxics.all().map(toxicJson)),

    /** Checks in the real server's order: proxy, body, stream, type, name clash, attributes. */
    toxicCreate: (request) => {
      const proxy = proxyOf(request);
      const input = toxicCreateInput(request.body);
      const definition = toxicType(input.type);
      if (definition === undefined) throw invalidToxicType();
      const name = input.name === '' ? `${input.type}_${input.stream}` : input.name;
      if (proxy.toxics.find(name) !== undefined) throw toxicAlreadyExists();
      const toxic: Toxic = {
        name,
        definition,
        stream: input.stream,
        direction: input.direction,
        attributes: toxicAttributes(definition, input.attributes),
        toxicity: checkedToxicity(input.toxicity),
      };
      proxy.toxics.add(toxic);
      return json(200, toxicJson(toxic));
    },

    toxicShow: (request) => json(200, toxicJson(toxicOf(request).toxic)),

    toxicUpdate: (request) => {
      const { proxy, toxic } = toxicOf(request);
      proxy.toxics.update(toxic, toxicUpdateInput(request.body, toxic.definition, toxic));
      return json(200, toxicJson(toxic));
    },

    toxicDelete: (request) => {
      const { proxy, toxic } = toxicOf(request);
      proxy.toxics.remove(toxic);
      return noContent;
    },

    reset: async () => {
      await proxies.reset();
      return noContent;
    },

    version: () => ({
      status: 200,
      body: `{"version": "${TOXIPROXY_VERSION}"}\n`,
      contentType: 'application/json;charset=utf-8',
    }),
  };
}

/** Every error but populate's: `{"error":...,"status":...}` and a newline, sent as text/plain as Go's http.Error does. */
export function errorReply(err: unknown): Reply {
  const error: ApiError = internalError(err);
  return {
    status: error.status,
    body: `${goJson({ error: error.message, status: error.status })}\n`,
    contentType: 'text/plain; charset=utf-8',
  };
}
