import { describe, expect, it } from 'vitest';
import { noop } from '../../../src/proxy/toxics/noop.js';
import { StageHarness } from './harness.js';

describe('noop toxic', () => {
  it('passes every chunk on unchanged and closes on end-of-stream', () => {
    const h = new StageHarness(noop, {});
    h.write('ab');
    h.write('cd');
    expect(h.output().toString()).toBe('abcd');
    expect(h.closedAt).toBeUndefined();
    h.stage.end();
    expect(h.closedAt).toBeDefined();
  });
});
