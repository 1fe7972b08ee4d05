/**
 * Progress for long work, on stderr so `--json` output stays clean. On a TTY one status line is
 * rewritten in place with a spinner; elsewhere (CI, pipes) each step is a plain line. Verbose
 * detail lines are printed only with --verbose.
 */
export interface Progress {
  step(line: string): void;
  detail(line: string): void;
  done(): void;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(opts: { verbose: boolean; quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const out = opts.stream ?? process.stderr;
  if (!out.isTTY || opts.verbose) {
    return {
      step: (line) => {
        if (!opts.quiet || opts.verbose) out.write(`cachelab: ${line}\n`);
      },
      detail: (line) => {
        if (opts.verbose) out.write(`  ${line}\n`);
      },
      done: () => undefined,
    };
  }
  // The status line always ends in a newline, redrawn in place (cursor up one line), so output
  // cut short by a signal still ends on a line of its own. Each finished step stays on screen.
  let current = '';
  let frame = 0;
  let drawn = false;
  const draw = (): void => {
    out.write(`${drawn ? '\x1b[1A\r\x1b[2K' : ''}${frames[frame++ % frames.length]} ${current}\n`);
    drawn = true;
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    step: (line) => {
      if (drawn) out.write(`\x1b[1A\r\x1b[2K  ${current}\n`);
      drawn = false;
      current = line;
      timer ??= setInterval(draw, 80).unref();
      draw();
    },
    detail: () => undefined,
    done: () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (drawn) out.write(`\x1b[1A\r\x1b[2K  ${current}\n`);
      drawn = false;
    },
  };
}
