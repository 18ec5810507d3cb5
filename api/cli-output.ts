// Standard output of the CLI when its reader goes away (`dripline findings export … | head -1`):
// the next write fails with EPIPE. Node reports that as an 'error' event on process.stdout, which
// crashed the CLI with a stack trace; here it only marks the output as gone, and writers stop.

let gone = false;
let watching = false;

/** Installs the handler once; the CLI's main() calls it before any command runs. */
export function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      gone = true;
      return;
    }
    // Another failure (a full disk behind a redirection): say so once, and fail.
    if (!gone) console.error(`dripline: cannot write the output: ${e.code ?? e.message}`);
    gone = true;
    process.exitCode = 1;
  });
}

/** True once the reader of standard output has gone: stop producing output. */
export const stdoutGone = () => gone || process.stdout.destroyed;

/**
 * Writes a piece of output, waiting while the reader is behind. Returns false when the reader
 * has gone (nothing more should be written).
 */
export async function writeOut(chunk: string | Uint8Array): Promise<boolean> {
  if (stdoutGone()) return false;
  if (!process.stdout.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off('drain', done);
        process.stdout.off('error', done);
        process.stdout.off('close', done);
        resolve();
      };
      process.stdout.on('drain', done);
      process.stdout.on('error', done);
      process.stdout.on('close', done);
    });
  }
  return !stdoutGone();
}

/**
 * A step of a long command on stderr when DRIPLINE_LOG_LEVEL=debug (imports and runs name their
 * steps and progress; never row contents).
 */
export function debugLine(line: string): void {
  if (process.env.DRIPLINE_LOG_LEVEL === 'debug') process.stderr.write(`[debug] ${line}\n`);
}
