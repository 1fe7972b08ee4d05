import type { Stack, StackOptions } from './contract.js';
import { startExternalStack } from './external-stack.js';
import { startLocalStack } from './local-stack.js';
import { resolveStackOptions } from './resolve-options.js';

/**
 * Starts (local) or attaches to (external) Redis, PostgreSQL and the fault proxy, creates the
 * run's schema and the app's proxies, and installs SIGINT/SIGTERM teardown until stop().
 * Throws LabError: 'usage' for bad options, 'environment' for a service that cannot be used.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const resolved = resolveStackOptions(opts, process.env);
  return resolved.mode === 'local' ? startLocalStack(resolved) : startExternalStack(resolved);
}
