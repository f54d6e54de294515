// Where a command's output goes: stdout, or the file `--output FILE` names (`-` is stdout). Binary output is
// refused on a terminal, where it would garble the screen, unless `--output -` asks for it.
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { UnsupportedError } from "../errors.ts";

/** Adds `--output <file>`. */
export function withOutputOption(command: Command): Command {
  return command.option(
    "--output <file>",
    "write to FILE instead of stdout; - writes to stdout, even binary formats to a terminal",
  );
}

/**
 * Checks the choice before any work (a refusal costs nothing and creates nothing) and returns what opens the
 * stream to write to, once there is something to write.
 */
export function outputTo(
  output: string | undefined,
  format: { name: string; binary: boolean },
): () => Writable {
  if (output === undefined && format.binary && process.stdout.isTTY) {
    throw new UnsupportedError(
      `--format ${format.name} is binary and stdout is a terminal: redirect it (> file), ` +
        "give --output FILE, or --output - to write it here anyway",
    );
  }
  return () => (output === undefined || output === "-" ? process.stdout : createWriteStream(output));
}
