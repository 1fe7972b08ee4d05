import type { KeyChoice } from './load-spec.js';

/** The next key to read, by the spec's choice; `random` draws uniformly from [0, 1). */
export function keyChooser(choice: KeyChoice, random: () => number): () => string {
  switch (choice.kind) {
    case 'fixed':
      return () => choice.key;
    case 'uniform':
      return () => `${choice.prefix}${Math.floor(random() * choice.keys)}`;
    case 'hot-cold': {
      let cold = 0;
      return () => {
        if (choice.coldKeys === 0 || (choice.hotKeys > 0 && random() < choice.hitRate)) return `${choice.prefix}${Math.floor(random() * choice.hotKeys)}`;
        return `${choice.prefix}${choice.hotKeys + (cold++ % choice.coldKeys)}`;
      };
    }
  }
}

/** What is wrong with a key choice, or undefined; for the app to refuse a load it cannot run. */
export function keyChoiceProblem(choice: KeyChoice): string | undefined {
  const whole = (n: number): boolean => Number.isInteger(n) && n >= 0;
  if (choice.kind === 'uniform' && !(whole(choice.keys) && choice.keys > 0)) return 'uniform keys: keys must be a whole number above 0';
  if (choice.kind === 'hot-cold') {
    if (!whole(choice.hotKeys) || !whole(choice.coldKeys) || choice.hotKeys + choice.coldKeys === 0) return 'hot-cold keys: hotKeys and coldKeys must be whole numbers, not both 0';
    if (!(choice.hitRate >= 0 && choice.hitRate <= 1)) return 'hot-cold keys: hitRate must be between 0 and 1';
  }
  return undefined;
}

/** mulberry32: a small seeded PRNG, uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
