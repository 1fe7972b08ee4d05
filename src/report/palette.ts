import chalk, { Chalk, type ChalkInstance } from 'chalk';

/**
 * The colours every renderer uses. `color` undefined follows the terminal (chalk's detection);
 * false gives a palette that emits no ANSI codes at all; true forces at least 16 colours.
 */
export function palette(color?: boolean): ChalkInstance {
  if (color === undefined) return chalk;
  if (!color) return new Chalk({ level: 0 });
  return new Chalk({ level: chalk.level === 0 ? 1 : chalk.level });
}
