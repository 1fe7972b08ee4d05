import { comparisons, type Comparison } from '../checkers/compare.js';
import { checkCommand } from '../commands/check.js';
import { usageError } from '../errors.js';
import { renderCheckRound, renderCheckTotals, renderWatchLine, type CheckView } from '../report/check.js';
import { parseDuration, parseSampleSize, parseShare } from './options.js';

export interface CheckFlags {
  query: string;
  key: string;
  redisUrl?: string;
  databaseUrl?: string;
  sample: string;
  compare: string;
  recheck?: string;
  watch?: string;
  maxInconsistent: string;
  statementTimeout: string;
  json?: boolean;
  verbose?: boolean;
  color?: boolean;
}

/** The CLI's printers: every line goes through them, so URL passwords are masked (secrets.ts). */
export interface Printers {
  print: (text: string) => void;
  printError: (text: string) => void;
}

/**
 * `cachelab check`: flags to options, the rounds printed as they come (a report, a line per
 * --watch round, or one JSON object per round), Ctrl-C ending a watch with its totals. Returns
 * the exit code: 0 the inconsistent share is within --max-inconsistent, 1 above it.
 */
export async function checkAction(flags: CheckFlags, out: Printers): Promise<number> {
  const comparison = comparisonOf(flags.compare);
  const view: CheckView = {
    comparison,
    recheckMs: flags.recheck === undefined ? undefined : parseDuration('--recheck', flags.recheck),
    maxInconsistent: parseShare('--max-inconsistent', flags.maxInconsistent),
    color: flags.color === false ? false : undefined,
  };
  const watchMs = flags.watch === undefined ? undefined : parseDuration('--watch', flags.watch);
  // Progress lines (the recheck delay) only with --verbose, plain on stderr: a watch's screen
  // keeps one line per round.
  const log = flags.verbose ? (line: string): void => out.printError(`cachelab: ${line}\n`) : undefined;
  // A watch ends with Ctrl-C: the first signal stops it and prints the totals; one round stops
  // as interrupted (exit 130/143). Nothing to undo, the check only reads, so the handlers go with
  // the first signal: a second one ends the process the default way, at once.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    interrupt.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await checkCommand(
      {
        redisUrl: urlOf('--redis-url', flags.redisUrl, 'REDIS_URL'),
        databaseUrl: urlOf('--database-url', flags.databaseUrl, 'DATABASE_URL'),
        query: flags.query,
        keyTemplate: flags.key,
        sample: parseSampleSize(flags.sample),
        comparison,
        recheckMs: view.recheckMs,
        watchMs,
        statementTimeoutMs: parseDuration('--statement-timeout', flags.statementTimeout),
        maxInconsistent: view.maxInconsistent,
        log,
        signal: interrupt.signal,
      },
      (round) => {
        if (flags.json) out.print(JSON.stringify(round.result) + '\n');
        else out.print(watchMs === undefined ? renderCheckRound(round, view) : renderWatchLine(round, view));
      },
    );
    if (watchMs !== undefined) {
      // stdout keeps one JSON object per round; the totals of a --json watch go to stderr.
      // After the ^C a terminal echoes, on a line of its own.
      const lead = report.stopped && process.stdout.isTTY ? '\n' : '';
      (flags.json ? out.printError : out.print)(lead + renderCheckTotals(report, flags.json ? { ...view, color: false } : view));
    }
    return report.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function comparisonOf(raw: string): Comparison {
  const found = comparisons.find((c) => c === raw);
  if (found === undefined) throw usageError(`--compare takes ${comparisons.join(', ')}, got "${raw}"`);
  return found;
}

/** The flag's URL, else the environment variable's (an empty one counts as unset). */
function urlOf(flag: string, value: string | undefined, env: string): string {
  const url = value ?? process.env[env];
  if (url === undefined || url === '') {
    throw usageError(`cachelab check needs ${flag} (or ${env})`, 'it reads the Redis and the PostgreSQL you run: give both URLs');
  }
  return url;
}
