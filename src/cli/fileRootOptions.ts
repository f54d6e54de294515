// The options of commands that read external files or check where Resources put them: `--file-root DIR`
// (repeatable, added to $DATABROKER_FILE_ROOTS), `--max-read-bytes N` and, for writers, `--trust-resource-paths`.
import { type Command, InvalidArgumentError } from "commander";
import { fileRootsFromEnv, parseByteCount } from "../assets/environment.ts";
import type { BrokerOptions } from "../broker/Broker.ts";

/** What commander collects from the options below. */
export interface FileRootFlags {
  fileRoot?: string[];
  maxReadBytes?: number;
  trustResourcePaths?: boolean;
}

function addRoot(root: string, previous: string[]): string[] {
  return [...previous, root];
}

function byteCount(text: string): number {
  try {
    return parseByteCount(text, "--max-read-bytes");
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `--file-root` and `--max-read-bytes`: where external files may be read from, and how much at once. */
export function withFileRootOptions(command: Command): Command {
  return command
    .option(
      "--file-root <dir>",
      "a directory external files may be read from, besides the catalog's folder and root_map targets " +
        "(repeatable; added to $DATABROKER_FILE_ROOTS)",
      addRoot,
      fileRootsFromEnv(),
    )
    .option(
      "--max-read-bytes <n>",
      "the most bytes one read of external data may take (default: $DATABROKER_MAX_READ_BYTES, else 1 GiB)",
      byteCount,
    );
}

/** `--trust-resource-paths`: accept Resources whose files lie outside the file roots. */
export function withTrustOption(command: Command, who: string): Command {
  return command.option(
    "--trust-resource-paths",
    `accept Resources and StreamResources whose files lie outside the file roots (${who})`,
  );
}

/** The Broker options the flags give. */
export function brokerFileOptions(flags: FileRootFlags): Pick<BrokerOptions, "fileRoots" | "maxReadBytes"> {
  return { fileRoots: flags.fileRoot, maxReadBytes: flags.maxReadBytes };
}

/** `OLD=NEW` pairs collected into a record (root_map entries, export options). */
export function keyValueEntry(usage: string) {
  return (text: string, previous: Record<string, string> = {}): Record<string, string> => {
    const at = text.indexOf("=");
    if (at <= 0) throw new InvalidArgumentError(`use ${usage}`);
    return { ...previous, [text.slice(0, at)]: text.slice(at + 1) };
  };
}

/** `--root-map OLD=NEW`: databroker's root_map (a Resource root or StreamResource path prefix -> its new place). */
export function withRootMapOption(command: Command): Command {
  return command.option(
    "--root-map <old=new>",
    "where moved external files are now (repeatable)",
    keyValueEntry("OLD_ROOT=NEW_ROOT"),
  );
}
