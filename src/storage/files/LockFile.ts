// An exclusive lock between processes sharing a directory: a file created with `wx` (exactly one creator
// wins), holding its owner's pid and host, retried until free. A lock whose owner died on this host is broken.

import { open, readFile, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError } from "../../errors.ts";

export interface LockOptions {
  /** How long to wait for the lock before giving up (ms). */
  timeout?: number;
}

interface Owner {
  pid: number;
  host: string;
}

const DEFAULT_TIMEOUT = 60_000;
/** A lock file without a readable owner this old is a creator that died between creating and writing it. */
const UNWRITTEN_GRACE = 10_000;

/** Runs `work` holding the lock file at `path`; the lock is released however `work` ends. */
export async function withLock<T>(
  path: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  await acquire(path, options.timeout ?? DEFAULT_TIMEOUT);
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => {});
  }
}

async function acquire(path: string, timeout: number): Promise<void> {
  const began = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(path)) return;
    if (await breakIfAbandoned(path)) continue;
    if (Date.now() - began > timeout) {
      const owner = await readOwner(path);
      const who = owner ? `process ${owner.pid} on ${owner.host}` : "an unknown process";
      throw new ConflictError(
        `${path}: locked by ${who} for over ${Math.round(timeout / 1000)} s; remove the file if no process is writing`,
      );
    }
    // Short waits first (appends are quick), then up to 100 ms, with jitter so waiters do not march in step.
    await sleep(Math.min(100, 2 ** attempt) * (0.5 + Math.random()));
  }
}

async function tryCreate(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    const owner: Owner = { pid: process.pid, host: hostname() };
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, "utf8")) as Partial<Owner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes a lock whose owner is gone: a dead process of this host, or an owner never written. A lock held
 * from another host is never broken (its pid means nothing here); it times out instead.
 */
async function breakIfAbandoned(path: string): Promise<boolean> {
  const owner = await readOwner(path);
  let abandoned: boolean;
  if (owner) abandoned = owner.host === hostname() && !isAlive(owner.pid);
  else {
    const age = await stat(path).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    abandoned = age > UNWRITTEN_GRACE;
  }
  if (!abandoned) return false;
  await unlink(path).catch(() => {});
  return true;
}
