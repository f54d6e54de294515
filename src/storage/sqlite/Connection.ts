// One SQLite connection to a catalog file with its prepared statements cached: the one that creates the
// schema, the writer (in the writer thread), the reader (query_only; in WAL mode it sees committed data
// only, never a put in progress) or the read-only store's (opened readonly: it cannot create anything).
import { existsSync, readFileSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { registerQueryFunctions } from "./functions.ts";
import { ensureSchema } from "./schema.ts";

/** The largest catalog a read-only open reads into memory when its folder is not writable. */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

/** Statements kept per connection; queries compile to a bounded set of shapes, so this rarely evicts. */
const MAX_STATEMENTS = 256;

/**
 * Up to 64 MiB of pages per connection, given as memory grows (the default 2 MiB holds 31 of our 64 KiB
 * pages): the index probes of a search and the index updates of a batch, spread over many leaves, then find
 * their pages in memory rather than reading each back.
 */
const PAGE_CACHE = "cache_size = -65536";
export class Connection {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database) {
    this.db = db;
    registerQueryFunctions(db);
  }

  /**
   * Creates the catalog file at `path` or upgrades its schema (see schema.ts): the connection the store
   * opens first, and closes once its reader is open. A new file gets 64 kB pages (column blobs of 8 kB and
   * more fit in few pages; measured twice as fast to write as the 4 kB default) and the WAL journal (kept by
   * the file from then on).
   */
  static schema(path: string): Connection {
    const db = new Database(path);
    try {
      db.pragma("busy_timeout = 5000");
      db.pragma("page_size = 65536");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      ensureSchema(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Connection(db);
  }

  /**
   * The writing connection, in the writer thread (writerThread.ts). synchronous=FULL, so that a put that
   * returned is on disk even after a power cut (NORMAL stays consistent but may lose the last commits,
   * which callers were told are stored). busy_timeout 0: a busy lock is waited for by async retries
   * (HostedWriter.begin), never by blocking the thread that serves every store of the process. No automatic
   * checkpoints: HostedWriter checkpoints after answering a COMMIT, so no put waits for one.
   */
  static writer(path: string): Connection {
    const db = new Database(path, { fileMustExist: true });
    try {
      // The file is in WAL mode already (schema() set it, and the file keeps it).
      db.pragma("busy_timeout = 0");
      db.pragma("synchronous = FULL");
      db.pragma("wal_autocheckpoint = 0");
      db.pragma(PAGE_CACHE);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Connection(db);
  }

  /**
   * The only connection of a read-only store: the file must exist and is never written (no schema is
   * created or upgraded). In WAL mode it shares the -shm/-wal files of the catalog's writers, so it reads
   * what they committed (SQLite creates those files beside the catalog when they are missing). In a folder it
   * may not write, with no -wal file (so no writer either), it reads a snapshot of the file from memory.
   */
  static readOnly(path: string): Connection {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      db.pragma(PAGE_CACHE);
      db.pragma("user_version"); // the first read: where a missing -shm that cannot be made fails
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== "SQLITE_READONLY_DIRECTORY") throw error;
      return Connection.snapshot(path, error);
    }
    return new Connection(db);
  }

  /** The file read into memory, marked as a rollback-journal file so SQLite needs no -shm for it. */
  private static snapshot(path: string, cause: unknown): Connection {
    if (existsSync(`${path}-wal`) || statSync(path).size > MAX_SNAPSHOT_BYTES) throw cause;
    const bytes = readFileSync(path);
    // Bytes 18 and 19 of the header: the file format versions, 2 for WAL, 1 for a rollback journal.
    bytes[18] = 1;
    bytes[19] = 1;
    return new Connection(new Database(bytes, { readonly: true }));
  }

  static reader(path: string): Connection {
    const db = new Database(path, { fileMustExist: true });
    db.pragma("busy_timeout = 5000");
    db.pragma(PAGE_CACHE);
    db.pragma("query_only = ON");
    return new Connection(db);
  }

  /** The prepared statement of `text`, compiled once. */
  sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      if (this.statements.size >= MAX_STATEMENTS)
        this.statements.delete(this.statements.keys().next().value as string);
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
