import { redisCrash } from './common.js';

/** AOF with appendfsync everysec (docker-compose.yml's setting): written before each reply, fsynced once a second. */
export const redisCrashEverysec = redisCrash('everysec', 'everysec');
