/**
 * Request bodies read the way the real server's Go encoding/json reads them, so clients see the same
 * accept/reject decisions and, for type errors, the same messages:
 * - the body is parsed as JSON whatever its Content-Type; only the first JSON value counts (Go's
 *   Decoder stops there), an empty body is "EOF";
 * - object keys match struct fields exactly or else case-insensitively; unknown keys are ignored;
 *   null leaves a field as it was;
 * - a value of the wrong JSON type, a fraction for an integer, or a number out of range is an error
 *   worded like Go's UnmarshalTypeError.
 * One difference: an integral number written as 1.0 or 1e3 is accepted as an integer (Go refuses it).
 */

/** A field's Go type, as named in error messages, and what JSON it takes. */
export type GoField =
  | { readonly kind: 'string' | 'bool' | 'float32' | 'int64' | 'int'; readonly goType?: string }
  | { readonly kind: 'object'; readonly goType: string }
  | { readonly kind: 'array'; readonly goType: string };

export const goString: GoField = { kind: 'string' };
export const goBool: GoField = { kind: 'bool' };
export const goFloat32: GoField = { kind: 'float32' };

/** A decoding failure; the API prefixes it with "bad request body: ". */
export class DecodeError extends Error {}

/** Largest float32 magnitude. */
const MAX_FLOAT32 = 3.4028234663852886e38;
const TWO_POW_63 = 2 ** 63;

/** Parses the first JSON value of a body, or throws DecodeError with Go-like text. */
export function parseFirstValue(body: string): unknown {
  if (body.trim() === '') throw new DecodeError('EOF');
  try {
    return JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    const trailing = /^Unexpected non-whitespace character after JSON at position (\d+)/.exec(message);
    if (trailing?.[1] !== undefined) return JSON.parse(body.slice(0, Number(trailing[1])));
    if (message.startsWith('Unexpected end of JSON input')) throw new DecodeError('unexpected EOF');
    throw new DecodeError(`invalid JSON: ${message}`);
  }
}

/** The JSON kind of a value as Go names it in type errors: string, number, bool, array, object. */
export function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // string, number, object
}

/**
 * Fills a struct from a decoded JSON value. Returns the fields present (non-null), keyed by field
 * name. `goValueType` names the struct for a top-level type error ("toxiproxy.Proxy"), `goStruct`
 * and `path` name fields ("Proxy" + "name" -> "Go struct field Proxy.name").
 */
export function decodeStruct<K extends string>(
  value: unknown,
  fields: Readonly<Record<K, GoField>>,
  names: { goValueType: string; goStruct: string; path?: string },
): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  if (value === null || value === undefined) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    const where =
      names.path === undefined
        ? `Go value of type ${names.goValueType}`
        : `Go struct field ${names.goStruct}.${names.path} of type ${names.goValueType}`;
    throw new DecodeError(`json: cannot unmarshal ${kindOf(value)} into ${where}`);
  }
  const keys = Object.keys(fields) as K[];
  for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
    const field = keys.find((k) => k === key) ?? keys.find((k) => k.toLowerCase() === key.toLowerCase());
    if (field === undefined || fieldValue === null) continue;
    const spec = fields[field];
    const problem = typeProblem(fieldValue, spec);
    if (problem !== undefined) {
      const goType = spec.goType ?? spec.kind;
      throw new DecodeError(`json: cannot unmarshal ${problem} into ${fieldName(names, field)} of type ${goType}`);
    }
    out[field] = fieldValue;
  }
  return out;
}

function fieldName(names: { goStruct: string; path?: string }, field: string): string {
  const path = names.path === undefined ? field : `${names.path}.${field}`;
  return `Go struct field ${names.goStruct}.${path}`;
}

/** What Go would call the offending value, or undefined when it fits. */
function typeProblem(value: unknown, spec: GoField): string | undefined {
  const kind = kindOf(value);
  switch (spec.kind) {
    case 'string':
      return kind === 'string' ? undefined : kind;
    case 'bool':
      return kind === 'bool' ? undefined : kind;
    case 'object':
      return kind === 'object' ? undefined : kind;
    case 'array':
      return kind === 'array' ? undefined : kind;
    case 'float32':
      if (kind !== 'number') return kind;
      return Math.abs(value as number) <= MAX_FLOAT32 ? undefined : `number ${String(value)}`;
    case 'int64':
    case 'int': {
      if (kind !== 'number') return kind;
      const n = value as number;
      return Number.isInteger(n) && n >= -TWO_POW_63 && n < TWO_POW_63 ? undefined : `number ${String(n)}`;
    }
  }
}

/**
 * JSON text as Go's json.Marshal writes it: HTML-significant characters and the JS line separators
 * are escaped (a proxy named "<a>" comes back as "\u003ca\u003e").
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
