// A files catalog's access data, in hidden sidecar files of the catalog directory (no reader of documents
// looks at them): the state with its version, replaced atomically; the audit, an append-only JSON Lines log;
// each key's last use. Writers of every process take the directory's access lock (LockFile.ts).
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { AccessRecords, AuditEntry, StoredAccess } from "../../access/AccessRecords.ts";
import { auditPage, staleAccess } from "../accessRows.ts";
import { publishReplacing, syncDirectory, writeTemporaryFor } from "./durableFiles.ts";
import { appendJsonLines, readJsonLines } from "./jsonLines.ts";
import { withLock } from "./LockFile.ts";

export const ACCESS_STATE = ".databroker-access.json";
export const ACCESS_AUDIT = ".databroker-access-audit.jsonl";
export const KEY_USES = ".databroker-key-uses.json";
const ACCESS_LOCK = ".databroker-access.lock";

/**
 * The state file. `audited` is the id of the log's last entry written with this version: the log is
 * appended before the state is replaced, so entries past it are of a write that never completed, and the
 * next write appends its own under the same ids (the later line of an id wins).
 */
interface StateFile {
  version: number;
  state: StoredAccess;
  audited: number;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes `value` as JSON to `path`, replacing it in one atomic step. */
async function replaceJson(path: string, value: unknown): Promise<void> {
  await publishReplacing(await writeTemporaryFor(path, [Buffer.from(JSON.stringify(value))]), path);
}

export class FilesAccess implements AccessRecords {
  /** The version last read, with the identity of the file it came from (each write makes a new file). */
  private cached?: { key: string; version: number };

  constructor(
    private readonly directory: string,
    /** Throws when the catalog may not be written (read-only). */
    private readonly checkWritable: () => Promise<void>,
  ) {}

  private path(name: string): string {
    return join(this.directory, name);
  }

  private stateFile(): Promise<StateFile | undefined> {
    return readJson<StateFile>(this.path(ACCESS_STATE));
  }

  async read(): Promise<{ version: number; state: StoredAccess | undefined }> {
    const file = await this.stateFile();
    return file ? { version: file.version, state: file.state } : { version: 0, state: undefined };
  }

  /** A stat, and a read only when the file was replaced since the last one. */
  async version(): Promise<number> {
    const info = await stat(this.path(ACCESS_STATE)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (!info) return 0;
    const key = `${info.dev}:${info.ino}:${info.mtimeMs}:${info.size}`;
    if (this.cached?.key !== key) this.cached = { key, version: (await this.stateFile())?.version ?? 0 };
    return this.cached.version;
  }

  async write(expected: number, state: StoredAccess, audit: Omit<AuditEntry, "id">[]): Promise<number> {
    await this.checkWritable();
    return withLock(this.path(ACCESS_LOCK), async () => {
      const current = await this.stateFile();
      const stored = current?.version ?? 0;
      if (stored !== expected) throw staleAccess(stored, expected);
      let audited = current?.audited ?? 0;
      const entries = audit.map((entry) => ({ id: ++audited, ...entry }));
      if (entries.length > 0) await appendJsonLines(this.directory, ACCESS_AUDIT, entries);
      const next: StateFile = { version: expected + 1, state, audited };
      await replaceJson(this.path(ACCESS_STATE), next);
      await syncDirectory(this.directory);
      return next.version;
    });
  }

  async audit(options?: { after?: number; limit?: number }): Promise<AuditEntry[]> {
    const audited = (await this.stateFile())?.audited ?? 0;
    const byId = new Map<number, AuditEntry>();
    for (const entry of await readJsonLines<AuditEntry>(this.directory, ACCESS_AUDIT))
      if (entry.id <= audited) byId.set(entry.id, entry);
    return auditPage(
      [...byId.values()].sort((a, b) => a.id - b.id),
      options,
    );
  }

  async noteKeyUse(prefix: string, at: number): Promise<void> {
    await this.checkWritable();
    await withLock(this.path(ACCESS_LOCK), async () => {
      const uses = await this.keyUses();
      if ((uses[prefix] ?? Number.NEGATIVE_INFINITY) >= at) return;
      uses[prefix] = at;
      // No directory sync: a use lost to a power cut only makes a key look idle a little longer.
      await replaceJson(this.path(KEY_USES), uses);
    });
  }

  async keyUses(): Promise<Record<string, number>> {
    return (await readJson<Record<string, number>>(this.path(KEY_USES))) ?? {};
  }
}
