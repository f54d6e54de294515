// Who is told when batches are committed: a store keeps one RunChanges and emits what each batch did; live
// followers (src/live) watch it. A store that learns of other processes' writes (SQLite by polling,
// PostgreSQL by LISTEN) starts doing so with the first watcher and stops with the last.

/** What one or more committed batches did. */
export interface RunsChanged {
  /** The runs given documents; "any" when the store cannot tell which (each follower checks its own). */
  runs: readonly string[] | "any";
  /** The runs whose start was stored. */
  started: readonly string[];
  /** The runs whose stop was stored. */
  stopped: readonly string[];
}

export type RunsListener = (change: RunsChanged) => void;

export interface WatchHooks {
  /** Called when the first listener arrives. */
  first?: () => void;
  /** Called when the last listener leaves. */
  last?: () => void;
}

export class RunChanges {
  private readonly listeners = new Set<RunsListener>();

  constructor(private readonly hooks: WatchHooks = {}) {}

  watch(listener: RunsListener): () => void {
    // Each call is its own registration, even of the same function.
    const entry: RunsListener = (change) => listener(change);
    this.listeners.add(entry);
    if (this.listeners.size === 1) this.hooks.first?.();
    return () => {
      if (!this.listeners.delete(entry)) return;
      if (this.listeners.size === 0) this.hooks.last?.();
    };
  }

  emit(change: RunsChanged): void {
    if (change.runs !== "any" && change.runs.length === 0) return;
    // A listener's failure is its own: the others are still told.
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {}
    }
  }
}
