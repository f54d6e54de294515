// External-file settings from the environment: DATABROKER_FILE_ROOTS (directories, separated as PATH is)
// and DATABROKER_MAX_READ_BYTES (the cap of one read). Used where the caller gives none.
import { delimiter } from "node:path";
import { ValidationError } from "../errors.ts";

/** The extra file roots the environment names (none when unset). */
export function fileRootsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.DATABROKER_FILE_ROOTS ?? "").split(delimiter).filter((root) => root !== "");
}

/** A whole number of bytes above 0, from a setting or an option. */
export function parseByteCount(text: string, setting: string): number {
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new ValidationError(
      `${setting} must be a whole number of bytes above 0, got ${JSON.stringify(text)}`,
    );
  return bytes;
}

/** The cap of one read the environment sets, or undefined. */
export function maxReadBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.DATABROKER_MAX_READ_BYTES;
  return text === undefined || text === "" ? undefined : parseByteCount(text, "DATABROKER_MAX_READ_BYTES");
}
