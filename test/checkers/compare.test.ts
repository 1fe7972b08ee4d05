import { describe, expect, it } from 'vitest';
import { sameValue } from '../../src/checkers/compare.js';

describe('sameValue', () => {
  it('as string: the same text only', () => {
    expect(sameValue('5000', '5000', 'string')).toBe(true);
    expect(sameValue('5000', '5000.0', 'string')).toBe(false);
    expect(sameValue('{"a":1}', '{"a": 1}', 'string')).toBe(false);
  });

  it('as number: the same number, however written; integers beyond 2^53 exactly', () => {
    expect(sameValue('5000', '5000.00', 'number')).toBe(true);
    expect(sameValue('5e3', '5000', 'number')).toBe(true);
    expect(sameValue('-0', '0', 'number')).toBe(true);
    expect(sameValue(' 42 ', '42', 'number')).toBe(true);
    expect(sameValue('5000', '5001', 'number')).toBe(false);
    expect(sameValue('9007199254740993', '9007199254740992', 'number')).toBe(false);
    expect(sameValue('9007199254740993', '9007199254740993', 'number')).toBe(true);
  });

  it('as number: text that is no number agrees with the same text only, never with 0', () => {
    expect(sameValue('', '0', 'number')).toBe(false);
    expect(sameValue('abc', '0', 'number')).toBe(false);
    expect(sameValue('0x10', '16', 'number')).toBe(false);
    expect(sameValue('NaN', 'NaN', 'number')).toBe(true);
  });

  it('as json: parsed values, object keys in any order, arrays in order, numbers by value', () => {
    expect(sameValue('{"name": "p1", "price": 10, "tags": ["a", "b"]}', '{"tags":["a","b"],"price":10.0,"name":"p1"}', 'json')).toBe(true);
    expect(sameValue('{"a": {"x": 1, "y": 2}}', '{"a":{"y":2,"x":1}}', 'json')).toBe(true);
    expect(sameValue('{"tags": ["a", "b"]}', '{"tags": ["b", "a"]}', 'json')).toBe(false);
    expect(sameValue('{"a": 1}', '{"a": 1, "b": null}', 'json')).toBe(false);
    expect(sameValue('{"a": 1}', '{"a": "1"}', 'json')).toBe(false);
    expect(sameValue('[1]', '{"0": 1}', 'json')).toBe(false);
    expect(sameValue('null', '{}', 'json')).toBe(false);
  });

  it('as json: text that is not JSON agrees with the same text only', () => {
    expect(sameValue('garbage', 'garbage', 'json')).toBe(true);
    expect(sameValue('{"a": 1}', 'garbage', 'json')).toBe(false);
  });
});
