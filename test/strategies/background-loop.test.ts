import { afterEach, describe, expect, it } from 'vitest';
import { BackgroundLoop, backoffMs, type PassResult } from '../../src/strategies/background-loop.js';

const loops: BackgroundLoop[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) loop.close();
});

/** Polls `condition` until it holds, failing after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A loop whose passes answer what `next` returns, counting the passes. */
function loopOf(next: () => PassResult | Promise<PassResult>): { loop: BackgroundLoop; passes: () => number } {
  let passes = 0;
  const loop = new BackgroundLoop('test', () => {
    passes += 1;
    return Promise.resolve(next());
  });
  loops.push(loop);
  return { loop, passes: () => passes };
}

describe('the background loop of a queue worker or relay', () => {
  it('is idle once a pass finds nothing, and not again until a pass that began after new work finds nothing', async () => {
    let release: (() => void) | undefined;
    let answer: PassResult = 'idle';
    const { loop, passes } = loopOf(() => (answer === 'worked' ? new Promise<PassResult>((resolve) => (release = () => resolve('idle'))) : answer));
    await eventually(() => loop.idle);

    answer = 'worked'; // the next pass is slow, and the work handed in below arrives during it
    const before = passes();
    await eventually(() => passes() > before);
    loop.notify();
    expect(loop.idle).toBe(false);
    answer = 'idle';
    release?.();
    // The slow pass found nothing, but it began before notify(): only a later one may say idle.
    await eventually(() => loop.idle);
    expect(passes()).toBeGreaterThan(before + 1);
  });

  it('is never idle while work is outstanding but cannot be taken yet', async () => {
    const { loop, passes } = loopOf(() => 'waiting');
    await eventually(() => passes() >= 3);
    expect(loop.idle).toBe(false);
  });

  it('backs off after failed passes and survives a pass that throws', async () => {
    let n = 0;
    const { loop } = loopOf(() => {
      n += 1;
      if (n === 1) throw new Error('a bug in the strategy');
      return n < 3 ? 'broken' : 'idle';
    });
    await eventually(() => loop.idle);
    expect(n).toBe(3);
    expect(loop.failures).toBe(0);
    expect([1, 2, 3, 4, 5, 9].map(backoffMs)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});
