// LISTENs for the batches any process commits to one PostgreSQL catalog (changeNotices.ts) and emits them to
// the store's watchers. The connection is opened with the first watcher and closed with the last. Should it
// drop (a server restart), it reconnects and emits "any": what was committed meanwhile was not announced, so
// every follower checks its own run. So does the first connection: what was committed before LISTEN took
// effect is checked for once it has.
import type pg from "pg";
import type { RunChanges } from "../RunChanges.ts";
import { CHANGES_CHANNEL, changeOfNotice } from "./changeNotices.ts";
import { openClient } from "./connectionPool.ts";

const RECONNECT_MS = 500;

export class ChangeListener {
  private client?: pg.Client;
  private running = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly uri: string,
    private readonly changes: RunChanges,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = openClient(this.uri);
    client.on("error", () => this.dropped(client));
    client.on("end", () => this.dropped(client));
    client.on("notification", (message) => {
      if (message.channel === CHANGES_CHANNEL) this.changes.emit(changeOfNotice(message.payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch {
      this.dropped(client);
      return;
    }
    if (!this.running) {
      client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.changes.emit({ runs: "any", started: [], stopped: [] });
  }

  private dropped(client: pg.Client): void {
    if (this.client !== undefined && this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (!this.running || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.running) void this.connect();
    }, RECONNECT_MS);
  }
}
