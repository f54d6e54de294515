// What one process follows of one store: a RunFeed per followed run, shared by its followers and dropped with
// the last, and the store's change notices fanned out to the feeds and to subscribers. The store is watched
// only while someone follows or subscribes.
import type { RunsChanged } from "../storage/RunChanges.ts";
import type { Store } from "../storage/Store.ts";
import { RunFeed } from "./RunFeed.ts";
import type { FollowedDocument } from "./types.ts";

const hubs = new WeakMap<Store, LiveHub>();

export class LiveHub {
  private readonly feeds = new Map<string, { feed: RunFeed; followers: number; ready: Promise<void> }>();
  private readonly subscribers = new Set<(change: RunsChanged) => void>();
  private unwatch?: () => void;

  private constructor(private readonly store: Store) {}

  static of(store: Store): LiveHub {
    let hub = hubs.get(store);
    if (!hub) {
      hub = new LiveHub(store);
      hubs.set(store, hub);
    }
    return hub;
  }

  /** Run `uid`'s documents after seq `after`, then live until its stop (see RunFeed.follow). */
  async *follow(uid: string, after: number, signal?: AbortSignal): AsyncGenerator<FollowedDocument> {
    // Watched before the first read, so nothing stored in between goes unnoticed.
    this.watchStore();
    let entry = this.feeds.get(uid);
    if (!entry) {
      const feed = new RunFeed(this.store, uid);
      entry = { feed, followers: 0, ready: feed.refresh() };
      this.feeds.set(uid, entry);
    }
    entry.followers++;
    try {
      await entry.ready;
      yield* entry.feed.follow(after, signal);
    } finally {
      if (--entry.followers === 0) this.feeds.delete(uid);
      this.unwatchIfIdle();
    }
  }

  /** Calls `listener` with every change the store reports; returns the function that stops. */
  subscribe(listener: (change: RunsChanged) => void): () => void {
    this.watchStore();
    this.subscribers.add(listener);
    return () => {
      this.subscribers.delete(listener);
      this.unwatchIfIdle();
    };
  }

  private watchStore(): void {
    this.unwatch ??= this.store.watchRuns((change) => this.changed(change));
  }

  private unwatchIfIdle(): void {
    if (this.feeds.size > 0 || this.subscribers.size > 0) return;
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private changed(change: RunsChanged): void {
    if (change.runs === "any") for (const { feed } of this.feeds.values()) void feed.refresh();
    else
      for (const uid of change.runs) {
        const entry = this.feeds.get(uid);
        if (entry) void entry.feed.refresh();
      }
    for (const subscriber of this.subscribers) subscriber(change);
  }
}
