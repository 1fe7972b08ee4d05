import { badRequestBody, invalidStream, missingField } from './api-error.js';
import { DecodeError, decodeStruct, goBool, goFloat32, goString, kindOf, parseFirstValue, type GoField } from './go-json.js';
import type { Direction } from './link.js';
import type { ProxyInput } from './proxy-collection.js';
import type { ProxySettings } from './proxy.js';
import type { AnyToxicDefinition, Attributes } from './toxics/toxic.js';

/**
 * Request bodies, decoded as the real server decodes them (see go-json.ts), then checked where the
 * real server would stall or crash on the values (our extension: 400 saying what is valid).
 */

const proxyFields = { name: goString, listen: goString, upstream: goString, enabled: goBool } as const;
const proxyNames = { goValueType: 'toxiproxy.Proxy', goStruct: 'Proxy' };

/** Runs a decoder; a DecodeError becomes 400 "bad request body: ...". */
function decoding<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof DecodeError) throw badRequestBody(err.message);
    throw err;
  }
}

/** POST /proxies: name and upstream required; listen defaults to "", enabled to true. */
export function proxyCreateInput(body: string): ProxyInput {
  const fields = decoding(() => decodeStruct(parseFirstValue(body), proxyFields, proxyNames));
  return requireNameAndUpstream(proxyInput(fields), '');
}

/** POST/PATCH /proxies/{proxy}: omitted fields keep their values; name is ignored. */
export function proxyUpdateInput(body: string, current: ProxySettings): ProxySettings {
  const fields = decoding(() => decodeStruct(parseFirstValue(body), proxyFields, proxyNames));
  return {
    listen: (fields.listen as string | undefined) ?? current.listen,
    upstream: (fields.upstream as string | undefined) ?? current.upstream,
    enabled: (fields.enabled as boolean | undefined) ?? current.enabled,
  };
}

/** POST /populate: a JSON array of proxy inputs, every entry checked before any is applied. */
export function populateInput(body: string): ProxyInput[] {
  const entries = decoding(() => {
    const value = parseFirstValue(body);
    if (value === null) return [];
    if (!Array.isArray(value)) {
      throw new DecodeError(`json: cannot unmarshal ${kindOf(value)} into Go value of type []toxiproxy.Proxy`);
    }
    return value.map((entry) => proxyInput(decodeStruct(entry, proxyFields, proxyNames)));
  });
  return entries.map((entry, i) => requireNameAndUpstream(entry, ` at proxy ${i + 1}`));
}

function proxyInput(fields: Partial<Record<keyof typeof proxyFields, unknown>>): ProxyInput {
  return {
    name: (fields.name as string | undefined) ?? '',
    listen: (fields.listen as string | undefined) ?? '',
    upstream: (fields.upstream as string | undefined) ?? '',
    enabled: (fields.enabled as boolean | undefined) ?? true,
  };
}

function requireNameAndUpstream(input: ProxyInput, where: string): ProxyInput {
  if (input.name === '') throw missingField(`name${where}`);
  if (input.upstream === '') throw missingField(`upstream${where}`);
  return input;
}

/** The toxic create body before its attributes are read (they need the type). */
export interface ToxicCreateInput {
  name: string;
  type: string;
  /** As given; "downstream" when omitted. */
  stream: string;
  toxicity: number;
  /** The raw attributes object, or undefined. */
  attributes: unknown;
}

/** Steps 2 and 3 of the real server's toxic create: the body decodes, the stream is valid. */
export function toxicCreateInput(body: string): ToxicCreateInput & { direction: Direction } {
  const fields = decoding(() =>
    decodeStruct(
      parseFirstValue(body),
      {
        name: goString,
        type: goString,
        stream: goString,
        toxicity: goFloat32,
        attributes: { kind: 'object', goType: 'toxics.NoopToxic' },
      },
      { goValueType: 'toxics.ToxicWrapper', goStruct: 'ToxicWrapper' },
    ),
  );
  const stream = (fields.stream as string | undefined) ?? 'downstream';
  return {
    name: (fields.name as string | undefined) ?? '',
    type: (fields.type as string | undefined) ?? '',
    stream,
    direction: parseDirection(stream),
    toxicity: (fields.toxicity as number | undefined) ?? 1,
    attributes: fields.attributes,
  };
}

/** "upstream" or "downstream", any case; anything else (including "") is 400. */
function parseDirection(stream: string): Direction {
  const lower = stream.toLowerCase();
  if (lower === 'upstream' || lower === 'downstream') return lower;
  throw invalidStream();
}

/** POST/PATCH /proxies/{proxy}/toxics/{toxic}: attributes merge over the current ones; toxicity is kept if omitted. */
export function toxicUpdateInput(
  body: string,
  definition: AnyToxicDefinition,
  current: { toxicity: number; attributes: Attributes },
): { toxicity: number; attributes: Attributes } {
  const fields = decoding(() =>
    decodeStruct(
      parseFirstValue(body),
      { attributes: { kind: 'object', goType: `toxics.${definition.goStruct}` }, toxicity: goFloat32 },
      { goValueType: 'struct { Attributes interface {}; Toxicity float32 }', goStruct: '' },
    ),
  );
  const attributes = toxicAttributes(definition, fields.attributes, current.attributes);
  return { toxicity: checkedToxicity((fields.toxicity as number | undefined) ?? current.toxicity), attributes };
}

/**
 * Reads attributes into the type's struct over `base` (missing fields keep base values, or 0), as Go
 * does (400 "json: cannot unmarshal ..." for a wrong type or a fraction), then checks the ranges the
 * real server does not (400 naming the valid range).
 */
export function toxicAttributes(definition: AnyToxicDefinition, raw: unknown, base: Attributes = {}): Attributes {
  const specs = definition.attributes;
  const fields: Record<string, GoField> = {};
  for (const [key, spec] of Object.entries(specs)) fields[key] = { kind: spec.goType };
  const decoded = decoding(() =>
    decodeStruct(raw, fields, {
      goValueType: `toxics.${definition.goStruct}`,
      goStruct: definition.goStruct,
      path: 'attributes',
    }),
  );
  const attributes: Record<string, number> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = (decoded[key] as number | undefined) ?? base[key] ?? 0;
    if (value < spec.min || value > spec.max) {
      throw badRequestBody(
        `${definition.type} attribute ${key} must be an integer from ${spec.min} to ${spec.max} (${spec.unit}), got ${value}`,
      );
    }
    attributes[key] = value;
  }
  const problem = definition.validate?.(attributes);
  if (problem !== undefined) throw badRequestBody(problem);
  return attributes;
}

/** Toxicity has no range check in the real server; a negative one can only mean a mistake. */
export function checkedToxicity(toxicity: number): number {
  if (toxicity < 0) throw badRequestBody(`toxicity must not be negative (0 = never, 1 = always), got ${toxicity}`);
  return Math.fround(toxicity);
}
