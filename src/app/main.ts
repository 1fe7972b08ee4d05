/**
 * The application-server process: one strategy with its own Redis and PostgreSQL clients, both
 * pointed at the fault proxy. The lab (its parent) sends operations over IPC and can SIGKILL it;
 * whatever the strategy keeps in memory dies with it. Exits when the lab goes away.
 */
import { strategies } from '../strategies/index.js';
import type { AppServer } from './app-server.js';
import { builtinServer } from './builtin-server.js';
import { FaultPoints } from './fault-points.js';
import { loadSpecProblem, runLoad, type LoadTarget } from './load.js';
import { startModuleServer } from './module-server.js';
import type { AppConfig, AppMessage, LabMessage } from './protocol.js';

const send = (message: AppMessage): void => {
  process.send?.(message);
};

const config = JSON.parse(process.env.CACHELAB_APP_CONFIG ?? 'null') as AppConfig | null;
const definition = config && !config.strategyModule ? strategies[config.strategy] : undefined;
if (!config || (!definition && !config.strategyModule) || !process.send) {
  process.stderr.write('cachelab app: started without CACHELAB_APP_CONFIG or IPC; the lab starts this process\n');
  process.exit(2);
}

const points = new FaultPoints(
  (hitId, point, opId) => send({ type: 'hit', hitId, point, opId }),
  (point, opId) => send({ type: 'passed', point, opId }),
);
let server: AppServer;
try {
  server = definition ? builtinServer(definition, config, points) : await startModuleServer(config.strategyModule ?? '', config, points);
} catch (err) {
  // The lab reports this as the reason the app could not start (an unknown result, never a crash).
  const error = err instanceof Error ? err.message : String(err);
  process.stderr.write(`cachelab app: ${error}\n`);
  process.send({ type: 'fatal', error } satisfies AppMessage, undefined, {}, () => process.exit(1));
  await new Promise(() => undefined); // until the message is out
}

const loadTarget = (): LoadTarget => ({
  read: (id, key) => server.serve(id, { kind: 'read', key }),
  redisGet: (key) => server.redisGet(key),
  counters: server.counters,
});

process.on('message', (raw) => {
  const message = raw as LabMessage;
  switch (message.type) {
    case 'op':
      void server.serve(message.id, message.op).then((result) => send({ type: 'result', id: message.id, ...result }));
      break;
    case 'arm':
      points.arm(message.points);
      break;
    case 'reset-points':
      points.reset(message.trace);
      break;
    case 'resume':
      points.resume(message.hitId);
      break;
    case 'health':
      void server.health().then((h) => send({ type: 'health', id: message.id, ...h }));
      break;
    case 'load': {
      const problem = loadSpecProblem(message.spec);
      if (problem !== undefined) send({ type: 'load-refused', id: message.id, error: problem });
      else void runLoad(loadTarget(), message.spec, `load${message.id}`, () => send({ type: 'load-started', id: message.id })).then((report) => send({ type: 'load-report', id: message.id, report }));
      break;
    }
    case 'shutdown':
      void server.close().finally(() => process.exit(0));
      break;
  }
});
// The lab died or let go of us: never outlive it.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', pid: process.pid });
