// Crash-safe file writes for the files adapter: bytes go to a hidden temporary file beside the target, are
// fsynced, then published by one atomic step (a hard link that never replaces, or a rename that does).
import { randomBytes } from "node:crypto";
import { link, open, rename, rm, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pathExists } from "../../documents/formats/pathExists.ts";

/** Bytes to write, in order. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Writes `parts` to a new hidden temporary file beside `target` (a link or rename must stay in one directory)
 * and fsyncs it; resolves to its path. Readers of the directory skip it: its name starts with a dot and ends
 * with `.tmp`, which is no document extension; a leftover names the file it was for.
 */
export async function writeTemporaryFor(target: string, parts: ByteSource): Promise<string> {
  const unique = `${process.pid}.${randomBytes(6).toString("hex")}`;
  const path = join(dirname(target), `.${basename(target)}.${unique}.tmp`);
  const handle = await open(path, "wx");
  try {
    for await (const part of parts) await handle.write(part);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
  return path;
}

/** File systems without hard links answer these; there a check then a rename stands in (not atomic). */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/**
 * Publishes the temporary file under `path` unless something is there already: true when published, false
 * when `path` exists (the temporary file is kept, to be published under another name). Two processes
 * publishing the same name at once: exactly one of them wins.
 */
export async function publishNew(temporary: string, path: string): Promise<boolean> {
  try {
    await link(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (code === "EEXIST") return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
    if (await pathExists(path)) return false;
    await rename(temporary, path);
    return true;
  }
  await unlink(temporary);
  return true;
}

/** Publishes the temporary file under `path`, replacing what is there in one atomic step. */
export async function publishReplacing(temporary: string, path: string): Promise<void> {
  await rename(temporary, path);
}

/** Makes the directory's new entries durable (a rename is only as durable as its directory). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes temporary files left by a write that gave up. */
export async function discard(temporaries: Iterable<string>): Promise<void> {
  for (const path of temporaries) await rm(path, { force: true });
}

/**
 * Publishes the temporary file under the first name of `names` (in `dir`) that is free, never replacing a
 * file; resolves to the path taken. `names` must not run out before a free one is found.
 */
export async function publishUnderFreeName(
  temporary: string,
  dir: string,
  names: Iterable<string>,
): Promise<string> {
  for (const name of names) {
    const path = join(dir, name);
    if (await publishNew(temporary, path)) return path;
  }
  throw new Error(`no free file name left in ${dir}`);
}
