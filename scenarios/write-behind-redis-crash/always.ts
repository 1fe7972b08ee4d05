import { redisCrash } from './common.js';

/** AOF with appendfsync always: fsynced before each reply. */
export const redisCrashAlways = redisCrash('always', 'always');
