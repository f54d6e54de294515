// Waiting for "something new" without polling: every waiter of the current round is released by the next
// `notify`; a waiter whose AbortSignal fires is released at once (and told so).

export class Wakeup {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiting = this.waiters;
    this.waiters = new Set();
    for (const release of waiting) release();
  }

  /** Resolves true at the next notify, false if `signal` aborts first (or already has). */
  wait(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters.delete(release);
        resolve(false);
      };
      const release = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(true);
      };
      this.waiters.add(release);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
