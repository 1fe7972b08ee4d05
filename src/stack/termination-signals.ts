const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface TerminationHandlers {
  /** First SIGINT/SIGTERM: tear the stack down properly. */
  graceful: () => Promise<void>;
  /** Second signal, and process 'exit' while still installed: synchronous, kills children at once. */
  force: () => void;
  /** false for --keep: an exit without stop() must leave the servers up. */
  forceOnExit: boolean;
  log: (line: string) => void;
  /**
   * The caller owns SIGINT/SIGTERM and aborts this instead: then no signal listener is installed,
   * and `graceful` runs on abort (a second signal is the caller's to handle, by exiting: the
   * 'exit' hook still force-kills).
   */
  signal?: AbortSignal;
}

/**
 * Tears the stack down on SIGINT/SIGTERM; a second signal force-kills. Returns the uninstall
 * function (stop() calls it; a no-op once a signal has arrived).
 *
 * Exit contract: a listener stops Node's default "die on SIGINT". Once the teardown is done we
 * remove ours and, if no other listener is left, send the signal to ourselves again, so the
 * process ends as killed by that signal (status 130/143) without anyone calling process.exit.
 * If the CLI listens too, it owns the exit.
 */
export function onTerminationSignals(handlers: TerminationHandlers): () => void {
  let received = 0;
  let installed = true;
  let forced = false;

  const reraise = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) {
      handlers.log(`${signal}: stopping the stack (send it again to kill it at once)`);
      void handlers
        .graceful()
        .catch((err: unknown) => handlers.log(`stopping the stack failed: ${String(err)}`))
        .finally(() => {
          if (forced) return; // the second signal has already re-raised
          uninstall();
          reraise(signal);
        });
    } else {
      handlers.log(`${signal} again: killing the stack's processes`);
      forced = true;
      handlers.force();
      uninstall();
      reraise(signal);
    }
  };
  const onExit = (): void => handlers.force();
  const onAbort = (): void => {
    received += 1;
    void handlers.graceful().catch((err: unknown) => handlers.log(`stopping the stack failed: ${String(err)}`));
  };

  const owner = handlers.signal;
  if (owner === undefined) for (const signal of SIGNALS) process.on(signal, onSignal);
  else owner.addEventListener('abort', onAbort, { once: true });
  if (handlers.forceOnExit) process.on('exit', onExit);

  function uninstall(): void {
    if (!installed) return;
    installed = false;
    for (const signal of SIGNALS) process.off(signal, onSignal);
    owner?.removeEventListener('abort', onAbort);
    process.off('exit', onExit);
  }
  // While a signal's teardown runs, stop() must not remove the handlers: a second Ctrl-C still
  // has to force-kill. The signal path uninstalls when it is done; an abort leaves the 'exit'
  // hook to the caller's stop().
  return () => {
    if (received === 0 || owner !== undefined) uninstall();
  };
}
