import { describe, expect, it } from 'vitest';
import {
  addRound,
  classify,
  consistencyText,
  differencesOf,
  noTotals,
  summarize,
  type SampledPair,
} from '../../src/checkers/sampled-consistency.js';

const cached = (value: string, ttlMs: number | null = null) => ({ type: 'string', value, ttlMs });
const pair = (key: string, database: string | null, cache: SampledPair['cache']): SampledPair => ({ key, database, cache });

describe('classify', () => {
  it('calls an absent entry missing, and a NULL value with no entry consistent', () => {
    expect(classify(pair('k', '1', null), 'string')).toBe('missing');
    expect(classify(pair('k', null, null), 'string')).toBe('consistent');
  });

  it('calls a cached value for a NULL row, and a type without a value, different', () => {
    expect(classify(pair('k', null, cached('1')), 'string')).toBe('different');
    expect(classify(pair('k', '1', { type: 'list', value: null, ttlMs: null }), 'string')).toBe('different');
  });
});

describe('summarize', () => {
  const pairs = [
    pair('a', '1', cached('1')),
    pair('b', '2', cached('3', 5000)),
    pair('c', '4', null),
    pair('d', '5', cached('6')),
    pair('e', '7', cached('8')),
  ];

  it('counts a first pass: the share is different / sampled, lagging and stuck unknown', () => {
    expect(summarize(pairs, 'string')).toEqual({
      sampled: 5,
      consistent: 1,
      missing: 1,
      different: 3,
      lagging: null,
      stuck: null,
      inconsistentShare: 0.6,
      differences: [
        { key: 'b', database: '2', cache: '3', ttlMs: 5000, status: 'different' },
        { key: 'd', database: '5', cache: '6', ttlMs: null, status: 'different' },
        { key: 'e', database: '7', cache: '8', ttlMs: null, status: 'different' },
      ],
    });
  });

  it('after a recheck: the share is stuck / sampled, and the stuck are listed first', () => {
    expect(differencesOf(pairs, 'string').map((p) => p.key)).toEqual(['b', 'd', 'e']);
    const round = summarize(pairs, 'string', [true, false, true]);
    expect(round).toMatchObject({ different: 3, lagging: 2, stuck: 1, inconsistentShare: 0.2 });
    expect(round.differences.map((d) => [d.key, d.status])).toEqual([
      ['d', 'stuck'],
      ['b', 'lagging'],
      ['e', 'lagging'],
    ]);
  });

  it('lists ten differences at most and counts them all', () => {
    const many = Array.from({ length: 25 }, (_, i) => pair(`k${i}`, '1', cached('2')));
    const round = summarize(many, 'string');
    expect(round.different).toBe(25);
    expect(round.differences).toHaveLength(10);
  });

  it('shares nothing of an empty sample', () => {
    expect(summarize([], 'string', [])).toMatchObject({ sampled: 0, inconsistentShare: 0, lagging: 0, stuck: 0 });
  });
});

describe('running totals', () => {
  it('add up rounds and recompute the share over all of them', () => {
    const one = summarize([pair('a', '1', cached('2')), pair('b', '1', cached('1'))], 'string', [false]);
    const two = summarize([pair('c', '1', cached('1')), pair('d', '1', cached('1'))], 'string', []);
    const totals = addRound(addRound(noTotals, one), two);
    expect(totals).toEqual({ rounds: 2, sampled: 4, consistent: 3, missing: 0, different: 1, lagging: 0, stuck: 1, inconsistentShare: 0.25 });
  });
});

describe('consistencyText', () => {
  it('states the nines within the recheck delay, rounded down, never claiming more than measured', () => {
    expect(consistencyText({ sampled: 10_000, different: 9, stuck: 7 }, 2000)).toBe('99.93% consistent within 2 s');
    expect(consistencyText({ sampled: 1000, different: 17, stuck: 12 }, 1500)).toBe('98.80% consistent within 1.5 s');
    expect(consistencyText({ sampled: 300_000, different: 1, stuck: 1 }, 2000)).toBe('99.99% consistent within 2 s');
    expect(consistencyText({ sampled: 100, different: 0, stuck: 0 }, 500)).toBe('100% consistent within 500 ms');
  });

  it('without a recheck, states the first pass without a window', () => {
    expect(consistencyText({ sampled: 1000, different: 1, stuck: null }, undefined)).toBe('99.90% consistent');
    expect(consistencyText({ sampled: 0, different: 0, stuck: null }, undefined)).toBe('nothing sampled');
  });
});
