/**
 * How a database value and a cache value are judged equal: the one comparison behind the lab's
 * final DB-vs-cache diff and `cachelab check`.
 *
 * - string: the same text, byte for byte.
 * - number: the same number ("5000", "5000.0" and "5e3" agree); integers beyond 2^53 are compared
 *   exactly, as integers. Text that is not a number agrees only with the same text.
 * - json: the same JSON value once parsed; object keys in any order, arrays in order, numbers by
 *   value. Text that is not JSON agrees only with the same text.
 */
export const comparisons = ['string', 'number', 'json'] as const;
export type Comparison = (typeof comparisons)[number];

export function sameValue(db: string, cache: string, comparison: Comparison): boolean {
  if (db === cache) return true;
  switch (comparison) {
    case 'string':
      return false;
    case 'number':
      return sameNumber(db, cache);
    case 'json':
      return sameJson(db, cache);
  }
}

/** A decimal literal as JSON and SQL print numbers, with optional sign, fraction and exponent. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;

function sameNumber(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  if (!NUMBER.test(x) || !NUMBER.test(y)) return false;
  // bigint columns hold integers a double cannot tell apart (2^53 + 1): compare those exactly.
  if (INTEGER.test(x) && INTEGER.test(y)) return BigInt(x) === BigInt(y);
  return Number(x) === Number(y);
}

function sameJson(a: string, b: string): boolean {
  const x = parseJson(a);
  const y = parseJson(b);
  if (x === NOT_JSON || y === NOT_JSON) return false;
  return deepEqual(x, y);
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((item, i) => deepEqual(item, y[i]));
  }
  const a = x as Record<string, unknown>;
  const b = y as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
}
