import { redisCrash } from './common.js';

/** Redis without AOF: a killed redis-server starts again empty. */
export const redisCrashAofOff = redisCrash('aof-off', 'none');
