// The command line's errors in one place, as server/errorReply.ts is for HTTP: an error a command lets escape
// becomes one line on stderr naming what was wrong (and, for product errors, what to do) and exit code 2.
// The stack is for developers: only with DATABROKER_DEBUG=1. Commander's own usage errors never come here.
import { inspect } from "node:util";
import { DatabrokerError } from "../errors.ts";

/** The exit code of a command that could not do its work at all (bad catalog, unusable option value, ...). */
export const EXIT_FAILED = 2;

/** The one-line message of any error. */
export function cliMessageOf(error: unknown): string {
  if (error instanceof DatabrokerError) return error.message;
  if (!(error instanceof Error)) return `internal error: ${String(error)}`;
  const { code, syscall } = error as NodeJS.ErrnoException;
  // A system call that failed (`ENOENT: no such file or directory, open '/x'`) says what and where already.
  if (syscall !== undefined && code !== undefined) return error.message;
  return `internal error: ${error.message} (DATABROKER_DEBUG=1 shows where)`;
}

function debugging(env: NodeJS.ProcessEnv): boolean {
  return env.DATABROKER_DEBUG !== undefined && env.DATABROKER_DEBUG !== "" && env.DATABROKER_DEBUG !== "0";
}

/**
 * Prints the failure of `command` (undefined: before one was chosen, or for `databroker: ...`) and returns the
 * exit code to use; `message` replaces the error's own where the caller knows better (a failed listen).
 */
export function reportCliFailure(
  error: unknown,
  command: string | undefined,
  { message = cliMessageOf(error), env = process.env }: { message?: string; env?: NodeJS.ProcessEnv } = {},
): number {
  const who = command === undefined ? "databroker" : `databroker ${command}`;
  // One line whatever the message holds, so scripts can read it.
  console.error(`${who}: ${message.replace(/\s*\n\s*/g, " ")}`);
  if (debugging(env)) console.error(inspect(error, { depth: 4 }));
  return EXIT_FAILED;
}
