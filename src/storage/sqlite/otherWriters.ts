// Noticing batches other processes commit to a SQLite file: SQLite has no notifications, so while anyone
// watches, PRAGMA data_version (it changes when another connection commits; reading it touches no page) is
// checked every OTHER_WRITERS_POLL_MS. Which runs were given events is not asked (that would need an index of
// logs by batch): "any" lets each follower check its own run; starts and stops are read from the documents
// stored since the last check (ids are the storage order). The timer keeps the process alive while someone
// waits for what it may bring, as a socket would.
import type { RunChanges } from "../RunChanges.ts";
import type { Connection } from "./Connection.ts";

export const OTHER_WRITERS_POLL_MS = 250;

/** Starts checking; returns the function that stops. */
export function watchOtherWriters(connection: Connection, changes: RunChanges): () => void {
  const version = () => connection.db.pragma("data_version", { simple: true }) as number;
  const lastId = () => (connection.sql("SELECT max(id) FROM documents").pluck().get() as number | null) ?? 0;
  const startsAndStops = connection.sql(
    "SELECT run, name FROM documents WHERE id > ? AND id <= ? AND name IN ('start', 'stop') ORDER BY id",
  );
  let seenVersion = version();
  let seenId = lastId();
  const timer = setInterval(() => {
    try {
      const now = version();
      if (now === seenVersion) return;
      seenVersion = now;
      const id = lastId();
      const rows = startsAndStops.all(seenId, id) as Array<{ run: string; name: string }>;
      seenId = id;
      changes.emit({
        runs: "any",
        started: rows.filter((row) => row.name === "start").map((row) => row.run),
        stopped: rows.filter((row) => row.name === "stop").map((row) => row.run),
      });
    } catch {
      // A closed or busy connection: the next tick tries again.
    }
  }, OTHER_WRITERS_POLL_MS);
  return () => clearInterval(timer);
}
