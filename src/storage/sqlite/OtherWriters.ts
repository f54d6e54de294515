// Noticing batches other processes commit to a SQLite file: SQLite has no notifications, so while anyone
// watches, PRAGMA data_version (it changes when another connection commits; reading it touches no page) is
// checked every OTHER_WRITERS_POLL_MS. Which runs were given events is not asked (that would need an index of
// logs by batch): "any" lets each follower check its own run; starts and stops are read from the documents
// stored since the last check (ids are the storage order). This process's own writer is another connection
// too: the starts and stops its puts already announced are not announced again. The timer keeps the process
// alive while someone waits for what it may bring, as a socket would.

import type { RunChanges } from "../RunChanges.ts";
import type { PutReport } from "../Store.ts";
import type { Connection } from "./Connection.ts";

export const OTHER_WRITERS_POLL_MS = 250;

export class OtherWriters {
  private readonly timer: NodeJS.Timeout;
  /** "start <uid>" / "stop <uid>" announced by this process and not yet seen by a check. */
  private readonly ownAnnouncements = new Set<string>();

  constructor(connection: Connection, changes: RunChanges) {
    const version = () => connection.db.pragma("data_version", { simple: true }) as number;
    const lastId = () =>
      (connection.sql("SELECT max(id) FROM documents").pluck().get() as number | null) ?? 0;
    const startsAndStops = connection.sql(
      "SELECT run, name FROM documents WHERE id > ? AND id <= ? AND name IN ('start', 'stop') ORDER BY id",
    );
    let seenVersion = version();
    let seenId = lastId();
    this.timer = setInterval(() => {
      try {
        const now = version();
        if (now === seenVersion) return;
        seenVersion = now;
        const id = lastId();
        const rows = startsAndStops.all(seenId, id) as Array<{ run: string; name: string }>;
        seenId = id;
        const fresh = rows.filter((row) => !this.ownAnnouncements.delete(`${row.name} ${row.run}`));
        changes.emit({
          runs: "any",
          started: fresh.filter((row) => row.name === "start").map((row) => row.run),
          stopped: fresh.filter((row) => row.name === "stop").map((row) => row.run),
        });
      } catch {
        // A closed or busy connection: the next tick tries again.
      }
    }, OTHER_WRITERS_POLL_MS);
  }

  /** Notes what this process's put is about to announce itself. */
  announced(report: PutReport): void {
    for (const run of report.started) this.ownAnnouncements.add(`start ${run}`);
    for (const run of report.stopped) this.ownAnnouncements.add(`stop ${run}`);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
