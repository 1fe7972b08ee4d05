import { randomInt } from 'node:crypto';

/**
 * The server's random source for toxicity draws, latency jitter and slicer splits.
 *
 * Our extension: the real server's -seed flag has done nothing since 2.9.0. Here a seed makes the draw
 * sequence repeatable (a scenario run replays the same toxicity outcomes for the same sequence of
 * connections and chunks). Without one, the seed is random.
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded through splitmix32: fast, 2^128
 * state, good enough statistics for fault injection; not for cryptography.
 */
export function createRandom(seed: number = randomInt(2 ** 47)): () => number {
  // Both 32-bit halves of the seed count.
  let s = (Math.floor(seed) >>> 0) ^ (Math.floor(seed / 2 ** 32) >>> 0);
  const splitmix32 = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
