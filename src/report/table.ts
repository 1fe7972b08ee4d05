import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';

/**
 * A cli-table3 table whose header is coloured through `paint`, never through cli-table3's own
 * colours, so a palette without colour gives a table without ANSI codes.
 */
export function newTable(
  paint: ChalkInstance,
  head: string[],
  /** compact: no rule between rows; turn it off when cells span several lines. */
  options: { colWidths?: (number | null)[]; wordWrap?: boolean; compact?: boolean } = {},
): Table.Table {
  return new Table({
    head: head.map((h) => paint.bold(h)),
    style: { head: [], border: [], compact: options.compact ?? true },
    wordWrap: options.wordWrap ?? false,
    ...(options.colWidths === undefined ? {} : { colWidths: options.colWidths }),
  });
}
